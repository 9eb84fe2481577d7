using System.Globalization;
using System.Text.RegularExpressions;

namespace FastMlm.Cli.Perf;

/// <summary>
/// Reads a run from BenchmarkDotNet's Markdown: its GitHub report (<c>*-report-github.md</c>), or a perf-data
/// Markdown file that copies BenchmarkDotNet's environment header (in a code block) and its summary table. The table
/// gives the mean, the half-width of the 99.9% confidence interval (Error), the standard deviation and the allocation,
/// at the precision printed, and the median, minimum and maximum only when BenchmarkDotNet showed those columns. The
/// first table with Method and Mean columns is read; its parameters are the columns between Method and Mean that are
/// not job settings. The suite is the Type column of a joined report, else <paramref name="suite"/>.
/// </summary>
internal static partial class BdnMarkdownReport
{
    private static readonly HashSet<string> s_jobColumns = new(StringComparer.Ordinal)
    {
        "Job", "Runtime", "Toolchain", "IterationCount", "LaunchCount", "WarmupCount", "InvocationCount", "UnrollFactor",
        "RunStrategy", "Platform", "Jit", "Server", "Concurrent", "Force", "Affinity", "EnvironmentVariables", "Arguments",
        "BuildConfiguration", "MinIterationCount", "MaxIterationCount", "MinWarmupIterationCount", "MaxWarmupIterationCount",
        "IterationTime", "Categories", "Baseline",
    };

    public static (PerfMachine Machine, IReadOnlyList<PerfBenchmark> Benchmarks) Read(string text, string file, string? suite)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var (machine, iterations) = Header(lines);
        int start = Array.FindIndex(lines, l => l.TrimStart().StartsWith('|') && Cells(l).Contains("Method") && Cells(l).Contains("Mean"));
        if (start < 0) throw new DataException($"'{file}': no BenchmarkDotNet table (a Markdown table with Method and Mean columns)");
        var header = Cells(lines[start]);
        int method = Array.IndexOf(header, "Method"), mean = Array.IndexOf(header, "Mean"), type = Array.IndexOf(header, "Type");
        if (type < 0 && string.IsNullOrEmpty(suite))
        {
            throw new DataException($"'{file}': the table has no Type column, so the benchmark class is not known: give it with --suite NAME");
        }
        var parameters = Enumerable.Range(method + 1, Math.Max(0, mean - method - 1)).Where(i => !s_jobColumns.Contains(header[i])).ToArray();
        var list = new List<PerfBenchmark>();
        for (int r = start + 2; r < lines.Length && lines[r].TrimStart().StartsWith('|'); r++)
        {
            var cells = Cells(lines[r]);
            if (cells.Length != header.Length) throw new DataException($"'{file}' line {r + 1}: {cells.Length} cells where the header has {header.Length}");
            if (parameters.Any(i => cells[i].Contains("(...)", StringComparison.Ordinal)))
            {
                throw new DataException($"'{file}' line {r + 1}: BenchmarkDotNet shortened a parameter value in the table, so the benchmark cannot be named: record its JSON report instead");
            }
            string cls = type >= 0 ? cells[type] : suite!;
            string args = string.Join("&", parameters.Where(i => cells[i] != "?").Select(i => $"{header[i]}={cells[i]}"));
            string name = BdnJsonReport.Name(cls, cells[method], args);
            double meanNs = Time(cells[mean], file, r);
            if (!double.IsFinite(meanNs)) continue; // a failed benchmark: NA
            double error = Time(Column(header, cells, "Error"), file, r);
            list.Add(new PerfBenchmark(
                name, cls, Time(Column(header, cells, "Median"), file, r), meanNs, Time(Column(header, cells, "StdDev"), file, r),
                double.IsFinite(error) ? meanNs - error : double.NaN, double.IsFinite(error) ? meanNs + error : double.NaN,
                Time(Column(header, cells, "Min"), file, r), Time(Column(header, cells, "Max"), file, r), iterations,
                Bytes(Column(header, cells, "Allocated"), file, r)));
        }
        if (list.Count == 0) throw new DataException($"'{file}': the BenchmarkDotNet table has no measured rows");
        return (machine, list);
    }

    /// <summary>The environment from BenchmarkDotNet's header lines, and the IterationCount of the job when it is fixed.</summary>
    private static (PerfMachine Machine, int? Iterations) Header(string[] lines)
    {
        string cpu = "", os = "", runtime = "", sdk = "", bdn = "";
        int? physical = null, logical = null, iterations = null;
        foreach (var raw in lines)
        {
            string line = raw.Trim();
            Match m;
            if ((m = BdnLine().Match(line)).Success)
            {
                bdn = m.Groups[1].Value;
                os = m.Groups[2].Value;
            }
            else if ((m = CpuLine().Match(line)).Success)
            {
                cpu = m.Groups[1].Value;
                logical = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                physical = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith(".NET SDK ", StringComparison.Ordinal)) sdk = line[".NET SDK ".Length..].Trim();
            else if ((m = HostLine().Match(line)).Success && runtime.Length == 0) runtime = m.Groups[1].Value;
            if ((m = IterationCount().Match(line)).Success) iterations = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        return (new PerfMachine(cpu, physical, logical, os, runtime, sdk, bdn), iterations);
    }

    private static string[] Cells(string line)
    {
        var cells = line.Trim().Trim('|').Split('|');
        return cells.Select(c => c.Trim().Replace("**", "", StringComparison.Ordinal).Trim()).ToArray();
    }

    private static string Column(string[] header, string[] cells, string name)
    {
        int i = Array.IndexOf(header, name);
        return i < 0 ? "" : cells[i];
    }

    /// <summary>"1,259.712 us" in nanoseconds; NaN for an absent column or BenchmarkDotNet's NA and ?.</summary>
    public static double Time(string cell, string file, int row)
    {
        if (cell.Length == 0 || cell is "NA" or "?" or "-") return double.NaN;
        var (value, unit) = Split(cell, file, row);
        decimal scale = unit switch
        {
            "ps" => 0.001m,
            "ns" => 1,
            "us" or "μs" or "µs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" or "min" => 60_000_000_000,
            _ => throw new DataException($"'{file}' line {row + 1}: '{cell}' is not a time (units ps, ns, us, ms, s)"),
        };
        return (double)(value * scale);
    }

    /// <summary>"329.01 MB" in bytes (BenchmarkDotNet's units are powers of 1024; "-" is none allocated); null for an absent column or NA.</summary>
    public static long? Bytes(string cell, string file, int row)
    {
        if (cell.Length == 0 || cell is "NA" or "?") return null;
        if (cell == "-") return 0;
        var (value, unit) = Split(cell, file, row);
        decimal scale = unit switch
        {
            "B" => 1,
            "KB" => 1024,
            "MB" => 1024m * 1024,
            "GB" => 1024m * 1024 * 1024,
            "TB" => 1024m * 1024 * 1024 * 1024,
            _ => throw new DataException($"'{file}' line {row + 1}: '{cell}' is not a size (units B, KB, MB, GB)"),
        };
        return (long)Math.Round(value * scale);
    }

    /// <summary>The number (as printed, exactly: decimal) and its unit.</summary>
    private static (decimal Value, string Unit) Split(string cell, string file, int row)
    {
        var parts = cell.Replace(",", "", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !decimal.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value))
        {
            throw new DataException($"'{file}' line {row + 1}: '{cell}' is not a number with a unit");
        }
        return (value, parts[1]);
    }

    [GeneratedRegex(@"^BenchmarkDotNet v([^,\s]+), (.+)$")]
    private static partial Regex BdnLine();

    [GeneratedRegex(@"^(.+?), \d+ CPUs?, (\d+) logical and (\d+) physical cores?$")]
    private static partial Regex CpuLine();

    [GeneratedRegex(@"^\[Host\]\s*:\s*(\.NET [^(]*\([^)]*\))")]
    private static partial Regex HostLine();

    [GeneratedRegex(@"\bIterationCount=(\d+)\b")]
    private static partial Regex IterationCount();
}
