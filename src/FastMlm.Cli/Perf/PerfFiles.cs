using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FastMlm.Cli.Perf;

/// <summary>
/// Reads the files the perf commands take, whatever they are: a run record (<c>"format": "fastmlm-perf-run"</c>), a
/// baseline (<c>"format": "fastmlm-perf-baseline"</c>: for each suite, the run record that suite is compared with),
/// a BenchmarkDotNet JSON report, or BenchmarkDotNet Markdown (a GitHub report, or a perf-data Markdown file with the
/// header and the table).
/// </summary>
internal static partial class PerfFiles
{
    /// <summary>The value of the <c>format</c> property that marks a baseline.</summary>
    public const string BaselineFormat = "fastmlm-perf-baseline";

    /// <summary>
    /// The benchmarks of one file as a run. A baseline gives, for each of its suites, that suite's benchmarks of the
    /// run it names (relative to the baseline's folder); the run's date and commit are then those of its first suite.
    /// Reports converted here have the commit <paramref name="commit"/> (empty when not known).
    /// </summary>
    public static PerfRun Load(string file, string? suite = null, string commit = "", ICollection<string>? notes = null)
    {
        if (!File.Exists(file)) throw new DataException($"'{file}' not found");
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"cannot read '{file}': {e.Message}", e);
        }
        if (file.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            var (machine, benchmarks) = BdnMarkdownReport.Read(text, file, suite);
            return new PerfRun(DateOf(file, null), commit, "BenchmarkDotNet Markdown table", machine, benchmarks);
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new DataException($"'{file}' is neither JSON nor Markdown (.md): {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            string format = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String
                ? f.GetString()! : "";
            if (format == PerfRun.Format) return PerfRun.Read(root, file);
            if (format == BaselineFormat) return Baseline(root, file);
            if (BdnJsonReport.Recognizes(root))
            {
                var report = BdnJsonReport.Read(root, file);
                foreach (var name in report.Skipped) notes?.Add($"{name} has no measurements in '{file}' (did it fail?); left out");
                string title = root.TryGetProperty("Title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                return new PerfRun(DateOf(file, title), commit, "BenchmarkDotNet JSON report", report.Machine, report.Benchmarks);
            }
            throw new DataException($"'{file}' is neither a perf run record, a perf baseline nor a BenchmarkDotNet JSON report");
        }
    }

    /// <summary>Several files as one run: their benchmarks together (a name twice is an error), the first file's date, commit and machine.</summary>
    public static PerfRun Merge(IReadOnlyList<PerfRun> runs, IReadOnlyList<string> files)
    {
        if (runs.Count == 1) return runs[0];
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < runs.Count; i++)
        {
            foreach (var b in runs[i].Benchmarks)
            {
                if (!seen.TryAdd(b.Name, files[i])) throw new DataException($"benchmark '{b.Name}' is in both '{seen[b.Name]}' and '{files[i]}'");
            }
        }
        return runs[0] with { Benchmarks = runs.SelectMany(r => r.Benchmarks).ToArray() };
    }

    private static PerfRun Baseline(JsonElement root, string file)
    {
        int version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
        if (version != 1) throw new DataException($"'{file}': perf baseline version {version} is not known (this fastmlm reads version 1)");
        if (!root.TryGetProperty("suites", out var suites) || suites.ValueKind != JsonValueKind.Array)
        {
            throw new DataException($"'{file}': a baseline needs a 'suites' array of {{\"suite\", \"run\"}}");
        }
        string folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        var runs = new List<PerfRun>();
        var benchmarks = new List<PerfBenchmark>();
        foreach (var entry in suites.EnumerateArray())
        {
            string suite = entry.TryGetProperty("suite", out var s) ? s.GetString() ?? "" : "";
            string runFile = entry.TryGetProperty("run", out var r) ? r.GetString() ?? "" : "";
            if (suite.Length == 0 || runFile.Length == 0) throw new DataException($"'{file}': a suite entry needs 'suite' and 'run'");
            string path = Path.Combine(folder, runFile);
            var run = Load(path, suite);
            var mine = run.Benchmarks.Where(b => b.Suite == suite).ToArray();
            if (mine.Length == 0) throw new DataException($"'{file}': the run '{runFile}' has no benchmark of the suite '{suite}'");
            runs.Add(run);
            benchmarks.AddRange(mine);
        }
        if (runs.Count == 0) throw new DataException($"'{file}': the baseline names no suite");
        // One run per suite, possibly of different days and commits: all of them are named.
        string dates = string.Join(", ", runs.Select(r => r.Date).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        string commits = string.Join(", ", runs.Select(r => r.Commit).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal));
        return new PerfRun(dates, commits, "baseline " + Path.GetFileName(file), runs[0].Machine, benchmarks);
    }

    /// <summary>
    /// The date of a run read from a report: the date in BenchmarkDotNet's title (a joined run's title carries it), else
    /// a date at the start of the file name (perf-data's YYYY-MM-DD-suite.md), else the file's last write (UTC).
    /// </summary>
    private static string DateOf(string file, string? title)
    {
        foreach (var candidate in new[] { title ?? "", Path.GetFileName(file) })
        {
            var m = DatePattern().Match(candidate);
            if (m.Success && DateOnly.TryParseExact($"{m.Groups[1].Value}-{m.Groups[2].Value}-{m.Groups[3].Value}", "yyyy-MM-dd",
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
        }
        return File.GetLastWriteTimeUtc(file).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(20\d\d)-?([01]\d)-?([0-3]\d)")]
    private static partial Regex DatePattern();
}
