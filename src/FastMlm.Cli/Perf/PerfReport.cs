using System.Globalization;
using System.Text;

namespace FastMlm.Cli.Perf;

/// <summary>A comparison as aligned text (for terminals and CI logs) or as a Markdown table (for a pull request).</summary>
internal static class PerfReport
{
    private static readonly string[] s_header = ["benchmark", "baseline", "run", "ratio", "verdict", "alloc baseline", "alloc run"];

    /// <summary>The verdict as printed: same, within noise, SLOWER, faster.</summary>
    public static string Word(PerfVerdict verdict) => verdict switch
    {
        PerfVerdict.Same => "same",
        PerfVerdict.Noise => "within noise",
        PerfVerdict.Slower => "SLOWER",
        PerfVerdict.Faster => "faster",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict)),
    };

    public static string Text(PerfComparison c, string baseFile, PerfRun baseRun, string runLabel, PerfRun run)
    {
        var sb = new StringBuilder();
        sb.Append("baseline: ").Append(baseFile).Append(" (").Append(Describe(baseRun)).Append(")\n");
        sb.Append("run:      ").Append(runLabel).Append(" (").Append(Describe(run)).Append(")\n");
        sb.Append(Rule(c)).Append("\n\n");
        if (c.Rows.Count > 0)
        {
            var cells = c.Rows.Select(Cells).Prepend(s_header).ToArray();
            var widths = Enumerable.Range(0, s_header.Length).Select(j => cells.Max(r => r[j].Length)).ToArray();
            foreach (var row in cells)
            {
                var line = new StringBuilder();
                for (int j = 0; j < row.Length; j++)
                {
                    if (j > 0) line.Append("  ");
                    bool left = j is 0 or 4;
                    line.Append(left ? row[j].PadRight(widths[j]) : row[j].PadLeft(widths[j]));
                }
                sb.Append(line.ToString().TrimEnd()).Append('\n');
            }
        }
        else
        {
            sb.Append("no benchmark of the run is in the baseline\n");
        }
        Lists(sb, c, bullet: "");
        sb.Append('\n').Append(Summary(c)).Append('\n');
        return sb.ToString();
    }

    public static string Markdown(PerfComparison c, string baseFile, PerfRun baseRun, string runLabel, PerfRun run)
    {
        var sb = new StringBuilder();
        sb.Append("- baseline: `").Append(baseFile).Append("` (").Append(Describe(baseRun)).Append(")\n");
        sb.Append("- run: `").Append(runLabel).Append("` (").Append(Describe(run)).Append(")\n");
        sb.Append("- ").Append(Rule(c)).Append("\n\n");
        if (c.Rows.Count > 0)
        {
            sb.Append("| ").Append(string.Join(" | ", s_header)).Append(" |\n");
            sb.Append("| --- | ---: | ---: | ---: | --- | ---: | ---: |\n");
            foreach (var r in c.Rows)
            {
                var cells = Cells(r);
                cells[0] = "`" + cells[0] + "`";
                if (r.Verdict == PerfVerdict.Slower) cells[4] = "**" + cells[4] + "**";
                sb.Append("| ").Append(string.Join(" | ", cells)).Append(" |\n");
            }
        }
        else
        {
            sb.Append("No benchmark of the run is in the baseline.\n");
        }
        Lists(sb, c, bullet: "- ");
        sb.Append('\n').Append(Summary(c)).Append('\n');
        return sb.ToString();
    }

    private static string[] Cells(PerfComparisonRow r) =>
    [
        r.Name, Time(r.BaselineNs), Time(r.RunNs), r.Ratio.ToString("F2", CultureInfo.InvariantCulture), Word(r.Verdict),
        Bytes(r.Baseline.AllocatedBytes), Bytes(r.Run.AllocatedBytes),
    ];

    private static string Rule(PerfComparison c) => string.Create(CultureInfo.InvariantCulture,
        $"compared: {(c.UsesMedians ? "medians" : "means (a side has no medians)")}; a change counts beyond {c.Threshold:0.##%} and when the 99.9% intervals do not overlap");

    private static void Lists(StringBuilder sb, PerfComparison c, string bullet)
    {
        bool first = true;
        void Line(string label, IEnumerable<string> names)
        {
            var list = names.ToArray();
            if (list.Length == 0) return;
            if (first) sb.Append('\n');
            first = false;
            sb.Append(bullet).Append(label).Append(": ").Append(string.Join(", ", list)).Append('\n');
        }
        Line("new (not in the baseline)", c.New.Select(b => b.Name));
        Line("missing (in the baseline, not in the run)", c.Missing.Select(b => b.Name));
        Line("suites of the baseline not run", c.SuitesNotRun);
    }

    private static string Summary(PerfComparison c)
    {
        string counts = string.Create(CultureInfo.InvariantCulture,
            $"{c.Count(PerfVerdict.Slower)} slower, {c.Count(PerfVerdict.Faster)} faster, {c.Count(PerfVerdict.Noise)} within noise, {c.Count(PerfVerdict.Same)} same; {c.New.Count} new, {c.Missing.Count} missing");
        return c.HasRegression ? counts + ": REGRESSION" : counts;
    }

    private static string Describe(PerfRun run)
    {
        var parts = new List<string>();
        if (run.Date.Length > 0) parts.Add(run.Date);
        if (run.Commit.Length > 0) parts.Add("commit " + string.Join(", ", run.Commit.Split(", ").Select(Short)));
        parts.Add(run.Machine.Describe());
        return string.Join(", ", parts);
    }

    /// <summary>A commit's first 10 hex digits, keeping a "-dirty" suffix.</summary>
    private static string Short(string commit)
    {
        int dash = commit.IndexOf('-', StringComparison.Ordinal);
        string sha = dash < 0 ? commit : commit[..dash];
        return (sha.Length > 10 ? sha[..10] : sha) + (dash < 0 ? "" : commit[dash..]);
    }

    /// <summary>A time with four significant digits in the unit that suits it (ns, us, ms, s).</summary>
    public static string Time(double ns)
    {
        if (!double.IsFinite(ns)) return "NA";
        var (value, unit) = ns < 1e3 ? (ns, "ns") : ns < 1e6 ? (ns / 1e3, "us") : ns < 1e9 ? (ns / 1e6, "ms") : (ns / 1e9, "s");
        return Fixed(value) + " " + unit;
    }

    /// <summary>Bytes per operation in B, KB, MB or GB (powers of 1024, as BenchmarkDotNet prints them); "-" when not measured.</summary>
    public static string Bytes(long? bytes)
    {
        if (bytes is not { } b) return "-";
        if (b < 1024) return b.ToString(CultureInfo.InvariantCulture) + " B";
        double v = b;
        string[] units = ["KB", "MB", "GB", "TB"];
        int u = -1;
        while (v >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return Fixed(v) + " " + units[u];
    }

    private static string Fixed(double value) =>
        value.ToString(value >= 100 ? "F1" : value >= 10 ? "F2" : "F3", CultureInfo.InvariantCulture);
}
