using FastMlm.Inference;

namespace FastMlm.Diagnostics;

/// <summary>A point of a diagnostic plot singled out by <see cref="Outliers"/>.</summary>
/// <param name="Label">What the point is: a level of a grouping factor, or an observation's data row and group.</param>
/// <param name="X">Its horizontal position in the plot.</param>
/// <param name="Y">Its vertical position (the value judged).</param>
/// <param name="Z">Its robust z-score, (value − median)/(1.4826·MAD).</param>
public sealed record LabelledPoint(string Label, double X, double Y, double Z);

/// <summary>
/// Which points a diagnostic plot names. Each value is standardized robustly, z = (v − median)/(1.4826·MAD) (the
/// median absolute deviation scaled to the normal SD, so that one far-off value cannot hide itself by inflating the
/// spread), and a point is an outlier when |z| exceeds the Bonferroni bound Φ⁻¹(1 − 0.025/n): the value that n
/// normal draws pass, anywhere, with probability 5% or less. At most <c>maxLabels</c> points are named, the largest
/// |z| first.
/// </summary>
public static class Outliers
{
    /// <summary>The default number of points named in one panel.</summary>
    public const int DefaultMaxLabels = 5;

    /// <summary>The |z| beyond which one of <paramref name="n"/> values is an outlier: Φ⁻¹(1 − 0.025/n).</summary>
    public static double Threshold(int n) => Distributions.NormalQuantile(1 - (0.025 / Math.Max(n, 1)));

    /// <summary>The robust z-scores of <paramref name="values"/>; all zero when the MAD is zero (NaN values stay NaN).</summary>
    public static double[] RobustZ(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = values.Where(double.IsFinite).Order().ToArray();
        var z = new double[values.Count];
        if (finite.Length == 0) return values.Select(_ => double.NaN).ToArray();
        double median = Median(finite);
        double mad = 1.4826 * Median(finite.Select(v => Math.Abs(v - median)).Order().ToArray());
        for (int i = 0; i < z.Length; i++) z[i] = !double.IsFinite(values[i]) ? double.NaN : mad > 0 ? (values[i] - median) / mad : 0;
        return z;
    }

    /// <summary>
    /// The outliers among points (<paramref name="x"/>, <paramref name="y"/>) labelled <paramref name="labels"/>, judged
    /// by y, largest |z| first.
    /// </summary>
    public static IReadOnlyList<LabelledPoint> Find(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<string> labels, int maxLabels = DefaultMaxLabels)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(labels);
        var z = RobustZ(y);
        double bound = Threshold(y.Count);
        return Enumerable.Range(0, y.Count)
            .Where(i => Math.Abs(z[i]) > bound)
            .OrderByDescending(i => Math.Abs(z[i]))
            .Take(Math.Max(maxLabels, 0))
            .Select(i => new LabelledPoint(labels[i], x[i], y[i], z[i]))
            .ToArray();
    }

    private static double Median(double[] sorted) => Simulation.BootstrapResult.Quantile(sorted, 0.5);
}
