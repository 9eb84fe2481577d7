using FastMlm.Models;

namespace FastMlm.Inference;

/// <summary>
/// The variance parameters on the scale people read them, as lme4's profile and bootstrap name them: per
/// random-effects term, in θ's order (λ's lower triangle by columns), the SD of each column on the diagonal and
/// the correlation of each pair below it (<c>.sig01</c>, <c>.sig02</c>, …), then σ (<c>.sigma</c>).
/// </summary>
internal static class VarianceParameters
{
    /// <summary>lme4's names (<c>.sig01</c>…, <c>.sigma</c>) and descriptions (<c>sd_Days|Subject</c>, <c>cor_Days.(Intercept)|Subject</c>, <c>sigma</c>).</summary>
    public static (string[] Names, string[] Descriptions, bool[] IsCorrelation) Describe(FitResult fit)
    {
        int k = fit.Theta.Count;
        var names = new string[k + 1];
        var descriptions = new string[k + 1];
        var isCor = new bool[k + 1];
        int offset = 0;
        foreach (var table in fit.RandomEffects)
        {
            int q = table.Columns.Count;
            for (int j = 0; j < q; j++)
            {
                for (int i = j; i < q; i++, offset++)
                {
                    names[offset] = ConfidenceIntervals.Name(offset);
                    isCor[offset] = i != j;
                    descriptions[offset] = i == j ? $"sd_{table.Columns[i]}|{table.Group}" : $"cor_{table.Columns[i]}.{table.Columns[j]}|{table.Group}";
                }
            }
        }
        names[k] = ".sigma";
        descriptions[k] = "sigma";
        return (names, descriptions, isCor);
    }

    /// <summary>(SDs and correlations, σ) from lme4's θ and σ, for terms of the given sizes in θ's order.</summary>
    public static void FromTheta(IReadOnlyList<int> termSizes, ReadOnlySpan<double> theta, double sigma, Span<double> phi)
    {
        int offset = 0;
        foreach (int q in termSizes)
        {
            var th = theta.Slice(offset, q * (q + 1) / 2).ToArray();
            double Lam(int i, int c) => i < c ? 0 : th[(c * q) - (c * (c - 1) / 2) + (i - c)];
            double Cov(int i, int j)
            {
                double s = 0;
                for (int c = 0; c <= Math.Min(i, j); c++) s += Lam(i, c) * Lam(j, c);
                return s;
            }
            for (int j = 0, k = offset; j < q; j++)
            {
                for (int i = j; i < q; i++, k++)
                {
                    if (i == j)
                    {
                        phi[k] = sigma * Math.Sqrt(Cov(i, i));
                    }
                    else
                    {
                        double d = Math.Sqrt(Cov(i, i) * Cov(j, j));
                        phi[k] = d > 0 ? Math.Clamp(Cov(i, j) / d, -1, 1) : double.NaN;
                    }
                }
            }
            offset += q * (q + 1) / 2;
        }
        phi[theta.Length] = sigma;
    }
}
