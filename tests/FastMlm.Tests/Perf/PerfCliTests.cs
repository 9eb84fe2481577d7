using System.Globalization;
using System.Text.Json;
using FastMlm.Tests.Cli;

namespace FastMlm.Tests.Perf;

/// <summary>
/// <c>fastmlm perf record</c> and <c>perf compare</c> as a user runs them. The fixture is a real BenchmarkDotNet run
/// (<c>--filter '*KernelBenchmarks.Dot*' '*LmmBenchmarks.Evaluation*' --join --exporters briefjson github</c>, 5
/// iterations): its JSON report and its GitHub Markdown report.
/// </summary>
public sealed class PerfCliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fastmlm-perf-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Fixture(string name) => Path.Combine(CliRunner.RepositoryRoot(), "tests", "FastMlm.Tests", "Perf", name);

    private static string JsonReport => Fixture("bdn-joined-report-brief.json");

    private static string MarkdownReport => Fixture("bdn-joined-report-github.md");

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static void AssertOneLineError(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("fastmlm: ", lines[0]);
        Assert.DoesNotContain("   at ", err);
    }

    private static Dictionary<string, JsonElement> ByName(JsonElement benchmarks) =>
        benchmarks.EnumerateArray().ToDictionary(b => b.GetProperty("name").GetString()!, b => b.Clone());

    [Fact]
    public void Record_JsonReport_KeepsTheMachineAndEachBenchmarksStatistics()
    {
        string output = PathOf("run.json");
        var (code, _, err) = CliRunner.Run("perf", "record", JsonReport, "--commit", "0123456789abcdef", "--out", output);
        Assert.Equal(0, code);
        Assert.Contains("wrote 9 benchmarks of KernelBenchmarks, LmmBenchmarks", err);
        using var record = JsonDocument.Parse(File.ReadAllText(output));
        using var report = JsonDocument.Parse(File.ReadAllText(JsonReport));
        var root = record.RootElement;
        Assert.Equal("fastmlm-perf-run", root.GetProperty("format").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("0123456789abcdef", root.GetProperty("commit").GetString());
        Assert.Equal("2026-11-25", root.GetProperty("date").GetString()); // from the joined report's title
        var host = report.RootElement.GetProperty("HostEnvironmentInfo");
        var machine = root.GetProperty("machine");
        Assert.Equal(host.GetProperty("ProcessorName").GetString(), machine.GetProperty("cpu").GetString());
        Assert.Equal(host.GetProperty("PhysicalCoreCount").GetInt32(), machine.GetProperty("physical_cores").GetInt32());
        Assert.Equal(host.GetProperty("RuntimeVersion").GetString(), machine.GetProperty("runtime").GetString());

        var recorded = ByName(root.GetProperty("benchmarks"));
        foreach (var b in report.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            string parameters = b.GetProperty("Parameters").GetString()!;
            string name = $"{b.GetProperty("Type").GetString()}.{b.GetProperty("Method").GetString()}({parameters})";
            var r = recorded[name];
            var s = b.GetProperty("Statistics");
            Assert.Equal(b.GetProperty("Type").GetString(), r.GetProperty("suite").GetString());
            Assert.Equal(s.GetProperty("Median").GetDouble(), r.GetProperty("median_ns").GetDouble());
            Assert.Equal(s.GetProperty("Mean").GetDouble(), r.GetProperty("mean_ns").GetDouble());
            Assert.Equal(s.GetProperty("ConfidenceInterval").GetProperty("Lower").GetDouble(), r.GetProperty("ci_lower_ns").GetDouble());
            Assert.Equal(s.GetProperty("ConfidenceInterval").GetProperty("Upper").GetDouble(), r.GetProperty("ci_upper_ns").GetDouble());
            Assert.Equal(s.GetProperty("Min").GetDouble(), r.GetProperty("min_ns").GetDouble());
            Assert.Equal(s.GetProperty("Max").GetDouble(), r.GetProperty("max_ns").GetDouble());
            Assert.Equal(s.GetProperty("N").GetInt32(), r.GetProperty("iterations").GetInt32());
            Assert.Equal(b.GetProperty("Memory").GetProperty("BytesAllocatedPerOperation").GetInt64(), r.GetProperty("allocated_bytes").GetInt64());
        }
        Assert.Equal(9, recorded.Count);
        Assert.True(recorded["LmmBenchmarks.Evaluation(Case=teaching_crossed)"].GetProperty("allocated_bytes").GetInt64() > 0);
    }

    [Fact]
    public void Record_MarkdownReport_AgreesWithTheJsonReportToThePrintedDigits()
    {
        var (code, output, _) = CliRunner.Run("perf", "record", MarkdownReport, "--commit", "abc", "--date", "2026-11-25");
        Assert.Equal(0, code);
        using var fromMarkdown = JsonDocument.Parse(output);
        var (_, jsonOutput, _) = CliRunner.Run("perf", "record", JsonReport, "--commit", "abc");
        using var fromJson = JsonDocument.Parse(jsonOutput);
        Assert.Equal("2026-11-25", fromMarkdown.RootElement.GetProperty("date").GetString());
        Assert.StartsWith(fromJson.RootElement.GetProperty("machine").GetProperty("cpu").GetString()!,
            fromMarkdown.RootElement.GetProperty("machine").GetProperty("cpu").GetString()!); // the header adds the clock speed
        var md = ByName(fromMarkdown.RootElement.GetProperty("benchmarks"));
        var json = ByName(fromJson.RootElement.GetProperty("benchmarks"));
        Assert.Equal(json.Keys.Order(), md.Keys.Order());
        foreach (var (name, j) in json)
        {
            var m = md[name];
            double mean = j.GetProperty("mean_ns").GetDouble();
            Assert.Equal(mean, m.GetProperty("mean_ns").GetDouble(), mean * 1e-3);
            double halfWidth = (j.GetProperty("ci_upper_ns").GetDouble() - j.GetProperty("ci_lower_ns").GetDouble()) / 2;
            Assert.Equal(halfWidth, (m.GetProperty("ci_upper_ns").GetDouble() - m.GetProperty("ci_lower_ns").GetDouble()) / 2, (halfWidth * 1e-2) + (mean * 1e-3));
            Assert.Equal(JsonValueKind.Null, m.GetProperty("median_ns").ValueKind); // the table has no Median column
            Assert.Equal(j.GetProperty("allocated_bytes").GetInt64(), m.GetProperty("allocated_bytes").GetInt64());
        }
    }

    [Fact]
    public void Record_MarkdownTableWithoutTypeColumn_AsksForTheSuite()
    {
        string file = PathOf("2026-01-02-kernels.md");
        File.WriteAllText(file, """
            # kernels

            ```
            BenchmarkDotNet v0.15.8, Linux Debian GNU/Linux 12 (bookworm)
            AMD EPYC 2.60GHz, 1 CPU, 2 logical and 2 physical cores
            .NET SDK 10.0.401
              [Host]     : .NET 10.0.12 (10.0.12, 10.0.1226.42308), X64 RyuJIT x86-64-v4
            IterationCount=10  LaunchCount=1  WarmupCount=3
            ```

            | Method | N    | Mean         | Error      | StdDev    | Allocated |
            |------- |----- |-------------:|-----------:|----------:|----------:|
            | Dot    | 100  |     14.02 ns |   2.627 ns |  0.682 ns |         - |
            | Fit    | 100  | 1,259.712 us | 221.140 us | 146.27 us | 329.01 MB |
            """);
        var (code, _, err) = CliRunner.Run("perf", "record", file);
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("--suite", err);

        (code, var output, _) = CliRunner.Run("perf", "record", file, "--suite", "KernelBenchmarks", "--commit", "abc");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("2026-01-02", root.GetProperty("date").GetString()); // from the file name
        Assert.Equal(2, root.GetProperty("machine").GetProperty("physical_cores").GetInt32());
        var b = ByName(root.GetProperty("benchmarks"));
        var fit = b["KernelBenchmarks.Fit(N=100)"];
        Assert.Equal(1_259_712, fit.GetProperty("mean_ns").GetDouble());
        Assert.Equal(1_259_712 - 221_140, fit.GetProperty("ci_lower_ns").GetDouble());
        Assert.Equal((long)Math.Round(329.01 * 1024 * 1024), fit.GetProperty("allocated_bytes").GetInt64());
        Assert.Equal(10, fit.GetProperty("iterations").GetInt32());
        Assert.Equal(0, b["KernelBenchmarks.Dot(N=100)"].GetProperty("allocated_bytes").GetInt64());
    }

    [Fact]
    public void Record_ShortenedParameterValues_AreNamedFromTheFullName_AndFailedBenchmarksAreLeftOut()
    {
        // BenchmarkDotNet shortens long parameter values in "Parameters" as in its tables, but not in "FullName".
        string report = PathOf("shortened-report.json");
        File.WriteAllText(report, """
            {"Title": "FastMlm.Benchmarks.SuiteFitBenchmarks-20261125-101010",
             "HostEnvironmentInfo": {"ProcessorName": "AMD EPYC", "PhysicalCoreCount": 2, "LogicalCoreCount": 2, "RuntimeVersion": ".NET 10.0.12"},
             "Benchmarks": [
              {"Type": "SuiteFitBenchmarks", "Method": "Fit", "Parameters": "Model=dyest(...)_reml [23]",
               "FullName": "FastMlm.Benchmarks.SuiteFitBenchmarks.Fit(Model: \"dyestuff2_singular_reml\")",
               "Statistics": {"N": 3, "Min": 19, "Median": 20, "Mean": 20, "Max": 21, "StandardDeviation": 1, "ConfidenceInterval": {"Lower": 18, "Upper": 22}},
               "Memory": {"TotalOperations": 10, "BytesAllocatedPerOperation": 100}},
              {"Type": "Grid", "Method": "Run", "Parameters": "A=1&B=a, (...)x [9]",
               "FullName": "FastMlm.Benchmarks.Grid.Run(A: 1, B: \"a, \\\"b\\\" x\")",
               "Statistics": {"N": 3, "Median": 5, "Mean": 5, "StandardDeviation": 0, "ConfidenceInterval": {"Lower": 5, "Upper": 5}},
               "Memory": {"TotalOperations": 0, "BytesAllocatedPerOperation": 0}},
              {"Type": "Grid", "Method": "Broken", "Parameters": "", "FullName": "FastMlm.Benchmarks.Grid.Broken", "Statistics": null}]}
            """);
        var (code, output, err) = CliRunner.Run("perf", "record", report, "--commit", "abc");
        Assert.Equal(0, code);
        Assert.Contains("note: Grid.Broken has no measurements", err);
        using var doc = JsonDocument.Parse(output);
        var b = ByName(doc.RootElement.GetProperty("benchmarks"));
        Assert.Equal(["Grid.Run(A=1, B=a, \"b\" x)", "SuiteFitBenchmarks.Fit(Model=dyestuff2_singular_reml)"], b.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(100, b["SuiteFitBenchmarks.Fit(Model=dyestuff2_singular_reml)"].GetProperty("allocated_bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, b["Grid.Run(A=1, B=a, \"b\" x)"].GetProperty("allocated_bytes").ValueKind); // no memory diagnoser
        Assert.Equal("2026-11-25", doc.RootElement.GetProperty("date").GetString());

        string table = PathOf("shortened.md");
        File.WriteAllText(table, """
            | Type | Method | Model                | Mean     | Error    | StdDev   |
            |----- |------- |--------------------- |---------:|---------:|---------:|
            | S    | Fit    | dyest(...)_reml [23] | 20.35 us | 0.475 us | 0.314 us |
            """);
        (code, _, err) = CliRunner.Run("perf", "record", table);
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("shortened a parameter value", err);
    }

    /// <summary>A run record with benchmarks (suite.name, mean, half-width of the interval), medians equal to the means.</summary>
    private string Record(string file, params (string Name, double Mean, double HalfWidth)[] benchmarks)
    {
        string path = PathOf(file);
        var items = benchmarks.Select(b => string.Create(CultureInfo.InvariantCulture,
            $$"""{"name": "{{b.Name}}", "suite": "{{b.Name.Split('.')[0]}}", "median_ns": {{b.Mean}}, "mean_ns": {{b.Mean}}, "stddev_ns": 1, "ci_lower_ns": {{b.Mean - b.HalfWidth}}, "ci_upper_ns": {{b.Mean + b.HalfWidth}}, "min_ns": null, "max_ns": null, "iterations": 10, "allocated_bytes": 100}"""));
        File.WriteAllText(path, $$"""
            {"format": "fastmlm-perf-run", "version": 1, "date": "2026-11-25", "commit": "abc", "source": "test",
             "machine": {"cpu": "AMD EPYC", "physical_cores": 2, "logical_cores": 2, "os": "", "runtime": ".NET 10.0.12", "sdk": "", "benchmarkdotnet": ""},
             "benchmarks": [{{string.Join(",\n", items)}}]}
            """);
        return path;
    }

    private (string Baseline, string Run) Verdicts(bool withRegression)
    {
        string baseline = Record("base.json",
            ("S.Slower", 100, 2), ("S.Faster", 100, 2), ("S.Noisy", 100, 40), ("S.Same", 100, 2), ("S.Gone", 100, 2), ("T.Other", 100, 2));
        string run = Record("run.json",
            ("S.Slower", withRegression ? 130 : 101, 2), ("S.Faster", 70, 2), ("S.Noisy", 130, 40), ("S.Same", 105, 2), ("S.Added", 50, 1));
        return (baseline, run);
    }

    [Fact]
    public void Compare_FlagsRegressionsImprovementsAndNoise_AndExitsOneOnARegression()
    {
        var (baseline, run) = Verdicts(withRegression: true);
        var (code, output, err) = CliRunner.Run("perf", "compare", baseline, run, "--format", "json");
        Assert.Equal(1, code);
        Assert.Equal("", err);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("median", root.GetProperty("statistic").GetString());
        Assert.Equal(0.10, root.GetProperty("threshold").GetDouble());
        var verdicts = root.GetProperty("benchmarks").EnumerateArray().ToDictionary(b => b.GetProperty("name").GetString()!, b => b.GetProperty("verdict").GetString());
        Assert.Equal("SLOWER", verdicts["S.Slower"]);
        Assert.Equal("faster", verdicts["S.Faster"]);
        Assert.Equal("within noise", verdicts["S.Noisy"]); // 30% slower, but the intervals overlap
        Assert.Equal("same", verdicts["S.Same"]);
        Assert.Equal(4, verdicts.Count);
        Assert.Equal(["S.Added"], root.GetProperty("new").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["S.Gone"], root.GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["T"], root.GetProperty("suites_not_run").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, root.GetProperty("regressions").GetInt32());
        Assert.Equal(1, root.GetProperty("improvements").GetInt32());

        (code, output, _) = CliRunner.Run("perf", "compare", baseline, run);
        Assert.Equal(1, code);
        Assert.Matches(@"(?m)^S\.Slower\s+100\.0 ns\s+130\.0 ns\s+1\.30\s+SLOWER\s+100 B\s+100 B$", output);
        Assert.Contains("new (not in the baseline): S.Added", output);
        Assert.Contains("missing (in the baseline, not in the run): S.Gone", output);
        Assert.Contains("suites of the baseline not run: T", output);
        Assert.Contains("1 slower, 1 faster, 1 within noise, 1 same; 1 new, 1 missing: REGRESSION", output);
    }

    [Fact]
    public void Compare_WithoutARegression_ExitsZero_AndTheThresholdDecides()
    {
        var (baseline, run) = Verdicts(withRegression: false);
        var (code, output, _) = CliRunner.Run("perf", "compare", baseline, run, "--format", "markdown");
        Assert.Equal(0, code);
        Assert.Contains("| `S.Faster` | 100.0 ns | 70.00 ns | 0.70 | faster | 100 B | 100 B |", output);
        Assert.DoesNotContain("REGRESSION", output);

        (baseline, run) = Verdicts(withRegression: true);
        File.WriteAllText(run, File.ReadAllText(run).Replace("\"physical_cores\": 2", "\"physical_cores\": 16", StringComparison.Ordinal));
        (code, output, var err) = CliRunner.Run("perf", "compare", baseline, run, "--threshold", "0.5");
        Assert.Equal(0, code); // 30% slower is within a 50% threshold
        Assert.Contains("0 slower, 0 faster, 0 within noise, 4 same", output);
        Assert.Contains("note: the baseline ran on AMD EPYC, 2 cores, .NET 10.0.12, the run on AMD EPYC, 16 cores, .NET 10.0.12", err);
    }

    [Fact]
    public void Compare_BaselineFile_TakesEachSuiteFromItsRun_AndReadsBenchmarkDotNetReports()
    {
        string kernels = Record("kernels.json", ("KernelBenchmarks.Dot(N=100)", 14, 1), ("KernelBenchmarks.Dot(N=250)", 37, 1));
        string lmm = Record("lmm.json", ("LmmBenchmarks.Evaluation(Case=sleepstudy)", 1_000, 10), ("KernelBenchmarks.Dot(N=100)", 1e9, 1));
        string baseline = PathOf("baseline.json");
        File.WriteAllText(baseline, $$"""
            {"format": "fastmlm-perf-baseline", "version": 1, "suites": [
              {"suite": "KernelBenchmarks", "run": "{{Path.GetFileName(kernels)}}"},
              {"suite": "LmmBenchmarks", "run": "{{Path.GetFileName(lmm)}}"}]}
            """);
        var (code, output, _) = CliRunner.Run("perf", "compare", baseline, JsonReport, "--format", "json");
        Assert.True(code is 0 or 1, output);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.GetProperty("benchmarks").EnumerateArray().ToDictionary(b => b.GetProperty("name").GetString()!);
        Assert.Equal(["KernelBenchmarks.Dot(N=100)", "KernelBenchmarks.Dot(N=250)", "LmmBenchmarks.Evaluation(Case=sleepstudy)"], rows.Keys.Order());
        Assert.Equal(14, rows["KernelBenchmarks.Dot(N=100)"].GetProperty("baseline_ns").GetDouble()); // from the suite's own run
        Assert.Equal(6, doc.RootElement.GetProperty("new").GetArrayLength());
    }

    [Fact]
    public void Compare_TheBaselineWithItself_ReadsEveryRunItNamesAndFindsThemTheSame()
    {
        string perfData = Path.Combine(CliRunner.RepositoryRoot(), "perf-data");
        string baseline = Path.Combine(perfData, "baseline.json");
        var (code, output, err) = CliRunner.Run("perf", "compare", baseline, baseline, "--format", "json");
        Assert.True(code == 0, output + err);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.GetProperty("benchmarks").EnumerateArray().ToArray();
        Assert.All(rows, r => Assert.Equal("same", r.GetProperty("verdict").GetString()));
        Assert.Empty(doc.RootElement.GetProperty("suites_not_run").EnumerateArray());
        // every suite of baseline.md is in baseline.json, each with benchmarks
        using var named = JsonDocument.Parse(File.ReadAllText(baseline));
        var suites = named.RootElement.GetProperty("suites").EnumerateArray().Select(e => e.GetProperty("suite").GetString()!).ToArray();
        var markdown = File.ReadAllText(Path.Combine(perfData, "baseline.md"));
        Assert.All(suites, s => Assert.Contains($"| {s} |", markdown));
        Assert.Equal(markdown.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains("Benchmarks |", StringComparison.Ordinal)), suites.Length);
        Assert.All(suites, s => Assert.Contains(rows, r => r.GetProperty("name").GetString()!.StartsWith(s + ".", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("ten")]
    public void Compare_BadThreshold_IsAUsageError(string threshold)
    {
        var (baseline, run) = Verdicts(withRegression: false);
        var (code, _, err) = CliRunner.Run("perf", "compare", baseline, run, "--threshold", threshold);
        Assert.Equal(2, code);
        AssertOneLineError(err);
    }

    [Fact]
    public void Compare_UnreadableInputs_AreOneLineDataErrors()
    {
        var (baseline, _) = Verdicts(withRegression: false);
        var (code, _, err) = CliRunner.Run("perf", "compare", baseline, PathOf("absent.json"));
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("absent.json' not found", err);

        string other = PathOf("other.json");
        File.WriteAllText(other, """{"id": "sleepstudy_slopes_ml"}""");
        (code, _, err) = CliRunner.Run("perf", "compare", baseline, other);
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("neither a perf run record, a perf baseline nor a BenchmarkDotNet JSON report", err);
    }
}
