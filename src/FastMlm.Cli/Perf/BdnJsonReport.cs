using System.Text.Json;

namespace FastMlm.Cli.Perf;

/// <summary>
/// Reads BenchmarkDotNet's JSON reports (<c>--exporters json</c>, <c>briefjson</c> or <c>fulljson</c>:
/// <c>BenchmarkDotNet.Artifacts/results/*-report*.json</c>): the machine from <c>HostEnvironmentInfo</c>, and per
/// benchmark its name (<c>Type.Method(Param=value, ...)</c>), the statistics of its measured iterations and the bytes
/// allocated per operation (when the class has <c>[MemoryDiagnoser]</c>). A benchmark that failed has no statistics
/// and is left out, named in <see cref="Skipped"/>.
/// </summary>
internal sealed class BdnJsonReport
{
    private BdnJsonReport(PerfMachine machine, IReadOnlyList<PerfBenchmark> benchmarks, IReadOnlyList<string> skipped)
    {
        Machine = machine;
        Benchmarks = benchmarks;
        Skipped = skipped;
    }

    public PerfMachine Machine { get; }

    public IReadOnlyList<PerfBenchmark> Benchmarks { get; }

    /// <summary>Benchmarks of the report with no measurements (they failed), by name.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Whether a JSON root looks like a BenchmarkDotNet report.</summary>
    public static bool Recognizes(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Benchmarks", out _) && root.TryGetProperty("HostEnvironmentInfo", out _);

    public static BdnJsonReport Read(JsonElement root, string file)
    {
        var host = root.GetProperty("HostEnvironmentInfo");
        var machine = new PerfMachine(
            Text(host, "ProcessorName"), Count(host, "PhysicalCoreCount"), Count(host, "LogicalCoreCount"), Text(host, "OsVersion"),
            Text(host, "RuntimeVersion"), Text(host, "DotNetCliVersion"), Text(host, "BenchmarkDotNetVersion"));
        var benchmarks = new List<PerfBenchmark>();
        var skipped = new List<string>();
        foreach (var b in root.GetProperty("Benchmarks").EnumerateArray())
        {
            string type = Text(b, "Type"), method = Text(b, "Method");
            if (type.Length == 0 || method.Length == 0) throw new DataException($"'{file}': a benchmark without Type or Method");
            string parameters = Text(b, "Parameters");
            if (parameters.Contains("(...)", StringComparison.Ordinal)) parameters = ParametersOf(Text(b, "FullName"), method) ?? parameters;
            string name = Name(type, method, parameters);
            if (!b.TryGetProperty("Statistics", out var s) || s.ValueKind != JsonValueKind.Object || !double.IsFinite(Number(s, "Mean")))
            {
                skipped.Add(name);
                continue;
            }
            double lower = double.NaN, upper = double.NaN;
            if (s.TryGetProperty("ConfidenceInterval", out var ci) && ci.ValueKind == JsonValueKind.Object)
            {
                lower = Number(ci, "Lower");
                upper = Number(ci, "Upper");
            }
            benchmarks.Add(new PerfBenchmark(
                name, type, Number(s, "Median"), Number(s, "Mean"), Number(s, "StandardDeviation"), lower, upper,
                Number(s, "Min"), Number(s, "Max"), Count(s, "N"), Allocated(b)));
        }
        return new BdnJsonReport(machine, benchmarks, skipped);
    }

    /// <summary><c>Type.Method</c>, with BenchmarkDotNet's parameter text (<c>A=1&amp;B=x</c>) as <c>(A=1, B=x)</c>.</summary>
    public static string Name(string type, string method, string parameters) =>
        parameters.Length == 0 ? $"{type}.{method}" : $"{type}.{method}({string.Join(", ", parameters.Split('&'))})";

    /// <summary>
    /// The parameters as <c>A=1&amp;B=x</c> from a full name such as <c>Ns.Type.Method(A: 1, B: "x")</c>: BenchmarkDotNet
    /// shortens long values in <c>Parameters</c> ("dyest(...)_reml [23]") as in its tables, never in the full name.
    /// Null when the full name has no parameter list.
    /// </summary>
    public static string? ParametersOf(string fullName, string method)
    {
        int open = fullName.IndexOf("." + method + "(", StringComparison.Ordinal);
        if (open < 0 || !fullName.EndsWith(')')) return null;
        string list = fullName[(open + method.Length + 2)..^1];
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < list.Length; i++)
        {
            char c = list[i];
            if (c == '\\' && quoted && i + 1 < list.Length)
            {
                current.Append(list[++i]);
                continue;
            }
            if (c == '"')
            {
                quoted = !quoted;
                continue;
            }
            if (!quoted && c == ',' && i + 1 < list.Length && list[i + 1] == ' ')
            {
                parts.Add(current.ToString());
                current.Clear();
                i++;
                continue;
            }
            current.Append(c);
        }
        parts.Add(current.ToString());
        var pairs = parts.Select(p => p.Split(": ", 2)).ToArray();
        return pairs.All(p => p.Length == 2) ? string.Join("&", pairs.Select(p => p[0] + "=" + p[1])) : null;
    }

    /// <summary>Bytes per operation, when the memory diagnoser measured any operations.</summary>
    private static long? Allocated(JsonElement b)
    {
        if (!b.TryGetProperty("Memory", out var m) || m.ValueKind != JsonValueKind.Object) return null;
        if (!m.TryGetProperty("TotalOperations", out var ops) || ops.ValueKind != JsonValueKind.Number || ops.GetInt64() <= 0) return null;
        return m.TryGetProperty("BytesAllocatedPerOperation", out var bytes) && bytes.ValueKind == JsonValueKind.Number ? bytes.GetInt64() : null;
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";

    private static int? Count(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null;

    private static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : double.NaN;
}
