using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastMlm.Cli.Commands;

namespace FastMlm.Cli.Perf;

/// <summary>
/// One recorded benchmark run, as kept in perf-data/ (<c>YYYY-MM-DD-suite.json</c> beside the Markdown account of the
/// run): when and on which source tree and machine it ran, and one entry per benchmark. The schema is described in
/// perf-data/README.md; times are nanoseconds per operation, sizes bytes per operation.
/// </summary>
internal sealed record PerfRun(string Date, string Commit, string Source, PerfMachine Machine, IReadOnlyList<PerfBenchmark> Benchmarks)
{
    /// <summary>The value of the <c>format</c> property that marks a run record.</summary>
    public const string Format = "fastmlm-perf-run";

    /// <summary>The suites (benchmark classes) of the run, in order of first appearance.</summary>
    public IReadOnlyList<string> Suites => Benchmarks.Select(b => b.Suite).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The record as indented JSON text, ending in a newline.</summary>
    public string ToJson() => CommandOutput.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteNumber("version", 1);
        w.WriteString("date", Date);
        w.WriteString("commit", Commit);
        w.WriteString("source", Source);
        w.WriteStartObject("machine");
        w.WriteString("cpu", Machine.Cpu);
        WriteCount(w, "physical_cores", Machine.PhysicalCores);
        WriteCount(w, "logical_cores", Machine.LogicalCores);
        w.WriteString("os", Machine.Os);
        w.WriteString("runtime", Machine.Runtime);
        w.WriteString("sdk", Machine.Sdk);
        w.WriteString("benchmarkdotnet", Machine.BenchmarkDotNet);
        w.WriteEndObject();
        w.WriteStartArray("benchmarks");
        foreach (var b in Benchmarks)
        {
            w.WriteStartObject();
            w.WriteString("name", b.Name);
            w.WriteString("suite", b.Suite);
            CommandOutput.Number(w, "median_ns", b.MedianNs);
            CommandOutput.Number(w, "mean_ns", b.MeanNs);
            CommandOutput.Number(w, "stddev_ns", b.StdDevNs);
            CommandOutput.Number(w, "ci_lower_ns", b.CiLowerNs);
            CommandOutput.Number(w, "ci_upper_ns", b.CiUpperNs);
            CommandOutput.Number(w, "min_ns", b.MinNs);
            CommandOutput.Number(w, "max_ns", b.MaxNs);
            WriteCount(w, "iterations", b.Iterations);
            if (b.AllocatedBytes is { } bytes) w.WriteNumber("allocated_bytes", bytes);
            else w.WriteNull("allocated_bytes");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteCount(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    /// <summary>Reads a run record (the root object of a file whose <c>format</c> is <see cref="Format"/>).</summary>
    public static PerfRun Read(JsonElement root, string file)
    {
        int version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
        if (version != 1) throw new DataException($"'{file}': perf run record version {version} is not known (this fastmlm reads version 1)");
        var m = Property(root, "machine", file);
        var machine = new PerfMachine(
            Text(m, "cpu"), Count(m, "physical_cores"), Count(m, "logical_cores"), Text(m, "os"), Text(m, "runtime"), Text(m, "sdk"), Text(m, "benchmarkdotnet"));
        var list = new List<PerfBenchmark>();
        foreach (var b in Property(root, "benchmarks", file).EnumerateArray())
        {
            string name = Text(b, "name");
            if (name.Length == 0) throw new DataException($"'{file}': a benchmark without a name");
            long? allocated = b.TryGetProperty("allocated_bytes", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetInt64() : null;
            var bench = new PerfBenchmark(
                name, Text(b, "suite"), Number(b, "median_ns"), Number(b, "mean_ns"), Number(b, "stddev_ns"),
                Number(b, "ci_lower_ns"), Number(b, "ci_upper_ns"), Number(b, "min_ns"), Number(b, "max_ns"), Count(b, "iterations"), allocated);
            if (!double.IsFinite(bench.CenterNs(preferMedian: false)))
            {
                throw new DataException($"'{file}': benchmark '{name}' has no mean_ns");
            }
            list.Add(bench);
        }
        return new PerfRun(Text(root, "date"), Text(root, "commit"), Text(root, "source"), machine, list);
    }

    private static JsonElement Property(JsonElement e, string name, string file) =>
        e.TryGetProperty(name, out var p) ? p : throw new DataException($"'{file}': the property '{name}' is missing");

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";

    private static int? Count(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null;

    private static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : double.NaN;
}

/// <summary>Where a run ran. Empty text and null counts are "not known".</summary>
internal sealed partial record PerfMachine(string Cpu, int? PhysicalCores, int? LogicalCores, string Os, string Runtime, string Sdk, string BenchmarkDotNet)
{
    /// <summary>One line: "AMD EPYC, 2 cores, .NET 10.0.12".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Cpu.Length > 0) parts.Add(Cpu);
        if (PhysicalCores is { } c) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{c} cores"));
        if (Runtime.Length > 0) parts.Add(Runtime.Split(" (", 2)[0]);
        return parts.Count == 0 ? "machine not recorded" : string.Join(", ", parts);
    }

    /// <summary>
    /// Whether two runs plainly ran on different machines: processor names (without a clock speed, which
    /// BenchmarkDotNet's Markdown header adds and its JSON leaves out), physical cores or runtime versions differ where
    /// both are known.
    /// </summary>
    public bool DiffersFrom(PerfMachine other)
    {
        ArgumentNullException.ThrowIfNull(other);
        static string Bare(string cpu) => ClockSpeed().Replace(cpu, "").Trim();
        static string Version(string runtime) => runtime.Split(" (", 2)[0];
        return (Cpu.Length > 0 && other.Cpu.Length > 0 && Bare(Cpu) != Bare(other.Cpu))
            || (PhysicalCores is { } a && other.PhysicalCores is { } b && a != b)
            || (Runtime.Length > 0 && other.Runtime.Length > 0 && Version(Runtime) != Version(other.Runtime));
    }

    [GeneratedRegex(@"\s*\d+(\.\d+)?\s*GHz$")]
    private static partial Regex ClockSpeed();
}

/// <summary>
/// One benchmark of a run: its name (<c>Class.Method(Param=value, ...)</c>), its suite (the class), times per
/// operation in nanoseconds — the median (NaN where the source did not give it), mean, standard deviation, the
/// bounds of BenchmarkDotNet's 99.9% confidence interval of the mean, the fastest and slowest iteration — the
/// iterations measured, and the bytes allocated per operation (null where not measured).
/// </summary>
internal sealed record PerfBenchmark(
    string Name, string Suite, double MedianNs, double MeanNs, double StdDevNs, double CiLowerNs, double CiUpperNs,
    double MinNs, double MaxNs, int? Iterations, long? AllocatedBytes)
{
    /// <summary>The median when asked for and known, else the mean.</summary>
    public double CenterNs(bool preferMedian) => preferMedian && double.IsFinite(MedianNs) ? MedianNs : MeanNs;

    /// <summary>Whether the run gave a median.</summary>
    public bool HasMedian => double.IsFinite(MedianNs);

    /// <summary>The 99.9% interval, or the point itself when the interval is not known.</summary>
    public (double Lower, double Upper) Interval =>
        double.IsFinite(CiLowerNs) && double.IsFinite(CiUpperNs) ? (CiLowerNs, CiUpperNs) : (MeanNs, MeanNs);
}
