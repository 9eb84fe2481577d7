using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FastMlm.Cli.Perf;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary>
/// <c>fastmlm perf record</c> turns BenchmarkDotNet reports into a run record (perf-data's JSON format);
/// <c>fastmlm perf compare</c> sets a run against a baseline and exits 1 when a benchmark regressed, for CI.
/// </summary>
internal static class PerfCommands
{
    public static Command Create(CliContext context) =>
        new("perf", "Benchmark runs: record BenchmarkDotNet's reports as a run of perf-data, and compare a run with a baseline (exit code 1 on a regression).")
        {
            Record(context),
            Compare(context),
        };

    private static Command Record(CliContext context)
    {
        var reports = new Argument<string[]>("REPORT")
        {
            Description = "BenchmarkDotNet reports: JSON (--exporters json, briefjson or fulljson; BenchmarkDotNet.Artifacts/results/*-report*.json) "
                + "or Markdown (*-report-github.md, or a Markdown file with BenchmarkDotNet's header and table). Several are recorded as one run.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = CommandOutput.OutOption("Write the record to FILE (whole or not at all) instead of standard output.");
        var commit = new Option<string?>("--commit") { Description = "The commit measured (default: 'git rev-parse HEAD' here, with '-dirty' when tracked files have changes)." };
        var date = new Option<string?>("--date") { Description = "The date of the run, YYYY-MM-DD (default: from the report's title or file name, else the file's time)." };
        var suite = new Option<string?>("--suite") { Description = "The benchmark class of a Markdown table that has no Type column." };
        var command = new Command("record", "Convert BenchmarkDotNet reports into a perf run record (date, commit, machine, and per benchmark its median, mean, 99.9% interval, min/max and allocation).")
        {
            reports, output, commit, date, suite,
        };
        command.SetAction(parse =>
        {
            string? file = parse.GetValue(output);
            ModelInputs.CheckOutputFolder("--out", file);
            string? day = parse.GetValue(date);
            if (day is not null && !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                throw new UsageException($"--date {day} is not a date written YYYY-MM-DD");
            }
            var files = parse.GetValue(reports) ?? [];
            string sha = parse.GetValue(commit) ?? GitCommit(context);
            var notes = new List<string>();
            var runs = files.Select(f => PerfFiles.Load(f, parse.GetValue(suite), sha, notes)).ToArray();
            var run = PerfFiles.Merge(runs, files);
            if (day is not null) run = run with { Date = day };
            if (run.Commit.Length == 0) run = run with { Commit = sha };
            CommandOutput.Write(context, file, w => w.Write(run.ToJson()));
            CommandOutput.Notes(context, notes);
            CommandOutput.Wrote(context, file, run.Benchmarks.Count, $"benchmarks of {string.Join(", ", run.Suites)} ({run.Machine.Describe()})");
            return Cli.Success;
        });
        return command;
    }

    private static Command Compare(CliContext context)
    {
        var baseline = new Argument<string>("BASELINE") { Description = "The baseline: perf-data/baseline.json (each suite's recorded run), a run record, or a BenchmarkDotNet report." };
        var runs = new Argument<string[]>("RUN")
        {
            Description = "The run: a run record or BenchmarkDotNet reports (JSON or Markdown); several are taken together.",
            Arity = ArgumentArity.OneOrMore,
        };
        var threshold = new Option<double>("--threshold")
        {
            Description = "The relative change that counts (default 0.10: 10%). A benchmark regressed when it is slower by more than this and its 99.9% interval lies wholly above the baseline's.",
            DefaultValueFactory = _ => 0.10,
        };
        var format = CommandOutput.FormatOption("table", "markdown", "json");
        var command = new Command("compare", "Compare a benchmark run with a baseline, benchmark by benchmark: the ratio of the medians (or means) and a noise-aware verdict; exit code 1 when any benchmark regressed, 0 otherwise.")
        {
            baseline, runs, threshold, format,
        };
        command.SetAction(parse =>
        {
            double t = parse.GetValue(threshold);
            if (!(t > 0 && t <= 10)) throw new UsageException($"--threshold {t.ToString(CultureInfo.InvariantCulture)} must be above 0 (0.10 is 10%)");
            string baseFile = parse.GetValue(baseline)!;
            var runFiles = parse.GetValue(runs) ?? [];
            var notes = new List<string>();
            var baseRun = PerfFiles.Load(baseFile, notes: notes);
            var run = PerfFiles.Merge(runFiles.Select(f => PerfFiles.Load(f, notes: notes)).ToArray(), runFiles);
            var comparison = PerfComparison.Compare(baseRun, run, t);
            string runLabel = string.Join(", ", runFiles);
            switch (parse.GetValue(format))
            {
                case "json":
                    context.Out.Write(Json(comparison, baseFile, baseRun, runLabel, run));
                    break;
                case "markdown":
                    context.Out.Write(PerfReport.Markdown(comparison, baseFile, baseRun, runLabel, run));
                    break;
                default:
                    context.Out.Write(PerfReport.Text(comparison, baseFile, baseRun, runLabel, run));
                    break;
            }
            if (baseRun.Machine.DiffersFrom(run.Machine))
            {
                notes.Add($"the baseline ran on {baseRun.Machine.Describe()}, the run on {run.Machine.Describe()}: times compare well only on one machine");
            }
            CommandOutput.Notes(context, notes);
            return comparison.HasRegression ? Cli.DataOrModelError : Cli.Success;
        });
        return command;
    }

    private static string Json(PerfComparison c, string baseFile, PerfRun baseRun, string runLabel, PerfRun run) => CommandOutput.Json(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("threshold", c.Threshold);
        w.WriteString("statistic", c.UsesMedians ? "median" : "mean");
        Side(w, "baseline", baseFile, baseRun);
        Side(w, "run", runLabel, run);
        w.WriteStartArray("benchmarks");
        foreach (var r in c.Rows)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteNumber("baseline_ns", r.BaselineNs);
            w.WriteNumber("run_ns", r.RunNs);
            CommandOutput.Number(w, "ratio", r.Ratio);
            Interval(w, "baseline_interval_ns", r.Baseline.Interval);
            Interval(w, "run_interval_ns", r.Run.Interval);
            Bytes(w, "baseline_allocated_bytes", r.Baseline.AllocatedBytes);
            Bytes(w, "run_allocated_bytes", r.Run.AllocatedBytes);
            w.WriteString("verdict", PerfReport.Word(r.Verdict));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Names(w, "new", c.New.Select(b => b.Name));
        Names(w, "missing", c.Missing.Select(b => b.Name));
        Names(w, "suites_not_run", c.SuitesNotRun);
        w.WriteNumber("regressions", c.Count(PerfVerdict.Slower));
        w.WriteNumber("improvements", c.Count(PerfVerdict.Faster));
        w.WriteEndObject();
    });

    private static void Side(Utf8JsonWriter w, string name, string file, PerfRun run)
    {
        w.WriteStartObject(name);
        w.WriteString("file", file);
        w.WriteString("date", run.Date);
        w.WriteString("commit", run.Commit);
        w.WriteString("machine", run.Machine.Describe());
        w.WriteEndObject();
    }

    private static void Interval(Utf8JsonWriter w, string name, (double Lower, double Upper) interval)
    {
        w.WriteStartArray(name);
        w.WriteNumberValue(interval.Lower);
        w.WriteNumberValue(interval.Upper);
        w.WriteEndArray();
    }

    private static void Bytes(Utf8JsonWriter w, string name, long? bytes)
    {
        if (bytes is { } b) w.WriteNumber(name, b);
        else w.WriteNull(name);
    }

    private static void Names(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>The commit of the working tree here, with "-dirty" when tracked files differ from it; empty (and a note) when git cannot say.</summary>
    private static string GitCommit(CliContext context)
    {
        string? sha = Git("rev-parse HEAD");
        if (string.IsNullOrEmpty(sha))
        {
            context.Error.WriteLine("note: the commit is not known (not in a git work tree, or git is not installed); give it with --commit");
            return "";
        }
        string? status = Git("status --porcelain --untracked-files=no");
        return string.IsNullOrEmpty(status) ? sha : sha + "-dirty";
    }

    private static string? Git(string arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            using var process = Process.Start(info);
            if (process is null) return null;
            var errors = process.StandardError.ReadToEndAsync();
            string text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            _ = errors.Result;
            return process.ExitCode == 0 ? text.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
