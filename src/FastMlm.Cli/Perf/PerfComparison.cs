namespace FastMlm.Cli.Perf;

/// <summary>What a comparison says of one benchmark.</summary>
internal enum PerfVerdict
{
    /// <summary>Within the threshold of the baseline.</summary>
    Same,

    /// <summary>Slower or faster by more than the threshold, but the two 99.9% intervals overlap: not distinguishable from noise.</summary>
    Noise,

    /// <summary>Slower by more than the threshold, and the run's interval lies wholly above the baseline's: a regression.</summary>
    Slower,

    /// <summary>Faster by more than the threshold, and the run's interval lies wholly below the baseline's: an improvement.</summary>
    Faster,
}

/// <summary>One benchmark present in both runs.</summary>
internal sealed record PerfComparisonRow(string Name, PerfBenchmark Baseline, PerfBenchmark Run, double BaselineNs, double RunNs, double Ratio, PerfVerdict Verdict);

/// <summary>
/// A run set against a baseline, benchmark by benchmark (matched by name). The times compared are the medians when
/// every matched benchmark has one on both sides, else the means. A benchmark is <see cref="PerfVerdict.Slower"/> when
/// run / baseline exceeds 1 + threshold and the run's 99.9% confidence interval lies wholly above the baseline's (so
/// neither run's own noise explains it), <see cref="PerfVerdict.Faster"/> when the ratio is below 1 − threshold and the
/// run's interval lies wholly below, <see cref="PerfVerdict.Noise"/> when the ratio passes the threshold but the intervals
/// overlap, and <see cref="PerfVerdict.Same"/> otherwise.
/// </summary>
internal sealed class PerfComparison
{
    private PerfComparison(double threshold, bool medians, IReadOnlyList<PerfComparisonRow> rows, IReadOnlyList<PerfBenchmark> added,
        IReadOnlyList<PerfBenchmark> missing, IReadOnlyList<string> suitesNotRun)
    {
        Threshold = threshold;
        UsesMedians = medians;
        Rows = rows;
        New = added;
        Missing = missing;
        SuitesNotRun = suitesNotRun;
    }

    public double Threshold { get; }

    /// <summary>Whether medians are compared (else means).</summary>
    public bool UsesMedians { get; }

    /// <summary>The benchmarks in both, in the run's order.</summary>
    public IReadOnlyList<PerfComparisonRow> Rows { get; }

    /// <summary>Benchmarks of the run that the baseline does not have.</summary>
    public IReadOnlyList<PerfBenchmark> New { get; }

    /// <summary>Benchmarks of the baseline absent from the run, in suites that the run did run.</summary>
    public IReadOnlyList<PerfBenchmark> Missing { get; }

    /// <summary>Suites of the baseline of which the run has no benchmark at all (not run, so not compared).</summary>
    public IReadOnlyList<string> SuitesNotRun { get; }

    public int Count(PerfVerdict verdict) => Rows.Count(r => r.Verdict == verdict);

    public bool HasRegression => Rows.Any(r => r.Verdict == PerfVerdict.Slower);

    public static PerfComparison Compare(PerfRun baseline, PerfRun run, double threshold)
    {
        var byName = new Dictionary<string, PerfBenchmark>(StringComparer.Ordinal);
        foreach (var b in baseline.Benchmarks) byName.TryAdd(b.Name, b);
        var pairs = run.Benchmarks.Where(b => byName.ContainsKey(b.Name)).Select(b => (Base: byName[b.Name], Run: b)).ToArray();
        bool medians = pairs.Length > 0 && pairs.All(p => p.Base.HasMedian && p.Run.HasMedian);
        var rows = pairs.Select(p =>
        {
            double b = p.Base.CenterNs(medians), r = p.Run.CenterNs(medians);
            double ratio = r / b;
            return new PerfComparisonRow(p.Run.Name, p.Base, p.Run, b, r, ratio, Judge(ratio, p.Base.Interval, p.Run.Interval, threshold));
        }).ToArray();
        var runNames = run.Benchmarks.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        var runSuites = run.Benchmarks.Select(b => b.Suite).ToHashSet(StringComparer.Ordinal);
        var added = run.Benchmarks.Where(b => !byName.ContainsKey(b.Name)).ToArray();
        var missing = baseline.Benchmarks.Where(b => !runNames.Contains(b.Name) && runSuites.Contains(b.Suite)).ToArray();
        var notRun = baseline.Suites.Where(s => !runSuites.Contains(s)).ToArray();
        return new PerfComparison(threshold, medians, rows, added, missing, notRun);
    }

    /// <summary>The verdict of one benchmark (see the class).</summary>
    public static PerfVerdict Judge(double ratio, (double Lower, double Upper) baseline, (double Lower, double Upper) run, double threshold)
    {
        if (ratio > 1 + threshold) return run.Lower > baseline.Upper ? PerfVerdict.Slower : PerfVerdict.Noise;
        if (ratio < 1 - threshold) return run.Upper < baseline.Lower ? PerfVerdict.Faster : PerfVerdict.Noise;
        return PerfVerdict.Same;
    }
}
