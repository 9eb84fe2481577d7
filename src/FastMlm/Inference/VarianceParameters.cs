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
    public static (string[] Names, string[] Descriptions, bool[] IsCorrelation) Describe(FitResult fit) =>
        Describe(fit.RandomEffects.Select(t => (t.Group, t.Columns)).ToArray());

    /// <summary>The same for terms given as (lme4's group name, columns), in lme4's order.</summary>
    public static (string[] Names, string[] Descriptions, bool[] IsCorrelation) Describe(IReadOnlyList<(string Group, IReadOnlyList<string> Columns)> terms)
    {
        int k = terms.Sum(t => t.Columns.Count * (t.Columns.Count + 1) / 2);
        var names = new string[k + 1];
        var descriptions = new string[k + 1];
        var isCor = new bool[k + 1];
        int offset = 0;
        foreach (var (group, columns) in terms)
        {
            int q = columns.Count;
            for (int j = 0; j < q; j++)
            {
                for (int i = j; i < q; i++, offset++)
                {
                    names[offset] = ConfidenceIntervals.Name(offset);
                    isCor[offset] = i != j;
                    descriptions[offset] = i == j ? $"sd_{columns[i]}|{group}" : $"cor_{columns[i]}.{columns[j]}|{group}";
                }
            }
        }
        names[k] = ".sigma";
        descriptions[k] = "sigma";
        return (names, descriptions, isCor);
    }

    /// <summary>
    /// The parameters as the bootstrap's replicate rows name their columns, with the fit's estimates: each fixed
    /// effect by its term, then the SDs and correlations by their descriptions, then <c>sigma</c>.
    /// </summary>
    public static (string Column, double Estimate)[] BootstrapColumns(FitResult fit)
    {
        var phi = new double[fit.Theta.Count + 1];
        FromTheta(fit.RandomEffects.Select(t => t.Columns.Count).ToArray(), fit.Theta.ToArray(), fit.Sigma, phi);
        var (_, descriptions, _) = Describe(fit);
        return fit.FixedEffects.Select(f => (f.Term, f.Estimate)).Concat(descriptions.Zip(phi)).ToArray();
    }

    /// <summary>
    /// A design's random-effects terms as lme4 orders and names them: by number of levels, largest first (ties in
    /// formula order), a factor's second term named <c>g.1</c>.
    /// </summary>
    public static (string Group, IReadOnlyList<string> Columns)[] Terms(Design.ModelDesign design)
    {
        var order = Enumerable.Range(0, design.RandomTerms.Count)
            .OrderByDescending(i => design.RandomTerms[i].Grouping.LevelCount).ThenBy(i => i).ToArray();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new (string, IReadOnlyList<string>)[order.Length];
        for (int t = 0; t < order.Length; t++)
        {
            var term = design.RandomTerms[order[t]];
            int count = seen.GetValueOrDefault(term.GroupName);
            seen[term.GroupName] = count + 1;
            result[t] = (count == 0 ? term.GroupName : $"{term.GroupName}.{count}", term.ColumnNames);
        }
        return result;
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
