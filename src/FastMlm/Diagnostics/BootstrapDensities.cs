using FastMlm.Data;
using FastMlm.Inference;
using FastMlm.Models;

namespace FastMlm.Diagnostics;

/// <summary>The density of one parameter's bootstrap replicates.</summary>
/// <param name="Parameter">The column of the replicates file: a fixed effect's term, <c>sd_Days|Subject</c>, <c>cor_…</c>, <c>sigma</c>.</param>
/// <param name="Estimate">The fit's estimate of the parameter.</param>
/// <param name="Replicates">The replicates with a finite value.</param>
/// <param name="Bandwidth">The kernel's standard deviation h; NaN when all replicates are equal (then there is no curve).</param>
/// <param name="X">Evenly spaced points from the smallest replicate − 3h to the largest + 3h.</param>
/// <param name="Density">The estimated density at each point.</param>
public sealed record BootstrapDensity(string Parameter, double Estimate, int Replicates, double Bandwidth, IReadOnlyList<double> X, IReadOnlyList<double> Density);

/// <summary>
/// Densities of parametric-bootstrap replicates (the rows <c>fastmlm bootstrap --out</c> writes), one per parameter:
/// a Gaussian kernel density estimate with Silverman's rule-of-thumb bandwidth h = 0.9·min(s, IQR/1.34)·n^(−1/5)
/// (s when the IQR is zero), evaluated at 512 points over the replicates' range widened by 3h each side — R's
/// <c>density()</c> with its defaults (bandwidth <c>bw.nrd0</c>).
/// </summary>
public static class BootstrapDensities
{
    private const int GridPoints = 512;

    /// <summary>The densities of the fixed effects, the SDs and correlations, and σ of <paramref name="fit"/>, from the columns of <paramref name="replicates"/> named as the bootstrap names them.</summary>
    /// <exception cref="DataException">The file lacks one of the model's columns, or a column is not numeric.</exception>
    public static IReadOnlyList<BootstrapDensity> Compute(FitResult fit, DataFrame replicates)
    {
        Residuals.CheckLinear(fit, "the parametric bootstrap is available for linear mixed models only");
        ArgumentNullException.ThrowIfNull(replicates);
        var result = new List<BootstrapDensity>();
        foreach (var (column, estimate) in VarianceParameters.BootstrapColumns(fit))
        {
            if (!replicates.TryGetColumn(column, out var c))
            {
                throw new DataException($"'{replicates.Source}' has no column '{column}' of {fit.Formula}: give the --out file of 'fastmlm bootstrap' for this model");
            }
            if (c is not NumericColumn num) throw new DataException($"column '{column}' of '{replicates.Source}' is not numeric");
            var values = num.Values.ToArray().Where(double.IsFinite).ToArray();
            result.Add(Kde(column, estimate, values));
        }
        return result;
    }

    /// <summary>Silverman's bandwidth 0.9·min(s, IQR/1.34)·n^(−1/5); NaN for fewer than two values or no spread.</summary>
    public static double Bandwidth(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        if (n < 2) return double.NaN;
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        var sorted = values.Order().ToArray();
        double iqr = Simulation.BootstrapResult.Quantile(sorted, 0.75) - Simulation.BootstrapResult.Quantile(sorted, 0.25);
        double spread = iqr > 0 ? Math.Min(sd, iqr / 1.34) : sd;
        return spread > 0 ? 0.9 * spread * Math.Pow(n, -0.2) : double.NaN;
    }

    private static BootstrapDensity Kde(string column, double estimate, double[] values)
    {
        double h = Bandwidth(values);
        if (double.IsNaN(h)) return new BootstrapDensity(column, estimate, values.Length, double.NaN, [], []);
        double lo = values.Min() - (3 * h), hi = values.Max() + (3 * h);
        var x = new double[GridPoints];
        var density = new double[GridPoints];
        double norm = 1 / (values.Length * h * Math.Sqrt(2 * Math.PI));
        for (int k = 0; k < GridPoints; k++)
        {
            x[k] = lo + ((hi - lo) * k / (GridPoints - 1));
            double s = 0;
            foreach (double v in values)
            {
                double u = (x[k] - v) / h;
                s += Math.Exp(-0.5 * u * u);
            }
            density[k] = s * norm;
        }
        return new BootstrapDensity(column, estimate, values.Length, h, x, density);
    }
}
