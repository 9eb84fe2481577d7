using FastMlm.Models;

namespace FastMlm.Diagnostics;

/// <summary>One bin of the binned residual plot.</summary>
/// <param name="Count">Observations in the bin.</param>
/// <param name="MeanPredictor">Their mean linear predictor η̂ (a linear model's mean fitted value).</param>
/// <param name="MeanResidual">Their mean response residual y − μ̂.</param>
/// <param name="StandardError">The standard error of that mean given the fitted means, √(Σ V(μ̂ᵢ)/mᵢ)/n (σ̂/√n for a linear model).</param>
public sealed record ResidualBin(int Count, double MeanPredictor, double MeanResidual, double StandardError)
{
    /// <summary>Whether the mean residual lies outside ±2 standard errors.</summary>
    public bool Outside => Math.Abs(MeanResidual) > 2 * StandardError;
}

/// <summary>The data of the binned residual plot.</summary>
/// <param name="PredictorLabel">What the horizontal axis shows.</param>
/// <param name="Bins">The bins, by increasing linear predictor.</param>
public sealed record BinnedResidualsData(string PredictorLabel, IReadOnlyList<ResidualBin> Bins);

/// <summary>
/// Gelman &amp; Hill's binned residual plot (2007, §5.6), the residual plot that says something for a 0/1 response: the
/// observations sorted by their linear predictor η̂ and cut into bins of equal count (⌊√n⌋ bins from 100 observations,
/// 10 from 11 to 99, ⌊n/2⌋ below, as arm's <c>binnedplot</c>), and in each bin the mean response residual y − μ̂ with
/// ±2 standard errors. The standard error is that of the mean of independent residuals given the fitted means,
/// √(Σ V(μ̂ᵢ)/mᵢ)/n (for 0/1 data √(Σ μ̂ᵢ(1 − μ̂ᵢ))/n, close to Gelman &amp; Hill's √(p̄(1 − p̄)/n)). About 95% of the
/// bins should lie within the bands if the model fits; a run of bins outside points to a missing term or a wrong link.
/// </summary>
public static class BinnedResiduals
{
    /// <summary>The bins of <paramref name="fit"/> (a GLMM, or a linear model: residual y − ŷ, standard error σ̂/√n).</summary>
    public static BinnedResidualsData Compute(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        double[] predictor, residual, variance;
        string label;
        if (fit.IsGeneralized)
        {
            var table = GlmmResidualTable.Compute(fit);
            predictor = table.LinearPredictor.ToArray();
            residual = table.Response.ToArray();
            variance = table.Variance.ToArray();
            label = $"Linear predictor η̂ ({Residuals.LinkScale(fit)}), binned";
        }
        else
        {
            var table = ResidualTable.Compute(fit);
            predictor = table.Fitted.ToArray();
            residual = table.Residual.ToArray();
            variance = Enumerable.Repeat(fit.Sigma * fit.Sigma, table.Count).ToArray();
            label = "Fitted values, binned";
        }
        int n = predictor.Length;
        var order = Enumerable.Range(0, n).OrderBy(i => predictor[i]).ToArray();
        int bins = BinCount(n);
        var result = new ResidualBin[bins];
        for (int b = 0; b < bins; b++)
        {
            int from = (int)((long)b * n / bins), to = (int)((long)(b + 1) * n / bins);
            double eta = 0, r = 0, v = 0;
            for (int k = from; k < to; k++)
            {
                int i = order[k];
                eta += predictor[i];
                r += residual[i];
                v += variance[i];
            }
            int count = to - from;
            result[b] = new ResidualBin(count, eta / count, r / count, Math.Sqrt(v) / count);
        }
        return new BinnedResidualsData(label, result);
    }

    /// <summary>arm's <c>binnedplot</c> default: ⌊√n⌋ bins for n ≥ 100, 10 for 10 &lt; n &lt; 100, ⌊n/2⌋ (at least 1) below.</summary>
    public static int BinCount(int n) => n >= 100 ? (int)Math.Floor(Math.Sqrt(n)) : n > 10 ? 10 : Math.Max(n / 2, 1);
}
