namespace FastMlm.Models;

/// <summary>Where the optimiser starts.</summary>
internal sealed partial class ProfiledLmm
{
    /// <summary>
    /// lme4's start for θ given the response (before any offset is taken from it). When every term is a random
    /// intercept <c>(1 | f)</c> on a factor of its own, lme4 (<c>mkLmerDevfun</c>) starts from a moment estimate:
    /// v_f = var(ave(y, f)), the variance over observations of the response's group means, v_e = var(y) − Σ v_f,
    /// and θ_f = √(v_f / v_e) when v_e > 0. Otherwise, and for vector terms, the start is <see cref="Start"/>
    /// (identity λ). On crossed and nested designs of intercepts this start saves about a third of the evaluations.
    /// </summary>
    public double[] StartFor(ReadOnlySpan<double> response)
    {
        var start = (double[])Start.Clone();
        if (response.Length != _n || _n < 2 || !HasMomentStart()) return start;

        double mean = 0;
        for (int i = 0; i < _n; i++) mean += response[i];
        mean /= _n;
        double total = 0;
        for (int i = 0; i < _n; i++) total += (response[i] - mean) * (response[i] - mean);
        total /= _n - 1;

        var groupVariance = new double[_terms.Length];
        double explained = 0;
        for (int t = 0; t < _terms.Length; t++)
        {
            var term = _terms[t];
            var sums = new double[term.Levels];
            var counts = new int[term.Levels];
            var codes = term.Codes;
            for (int i = 0; i < _n; i++)
            {
                sums[codes[i]] += response[i];
                counts[codes[i]]++;
            }
            // Σ_i (ȳ_f(i) − ȳ)² = Σ_levels n_l (ȳ_l − ȳ)².
            double ss = 0;
            for (int l = 0; l < term.Levels; l++)
            {
                if (counts[l] == 0) continue;
                double d = (sums[l] / counts[l]) - mean;
                ss += counts[l] * d * d;
            }
            groupVariance[t] = ss / (_n - 1);
            explained += groupVariance[t];
        }
        double residual = total - explained;
        if (!(residual > 0) || !double.IsFinite(residual)) return start;
        for (int t = 0; t < _terms.Length; t++) start[_terms[t].ThetaOffset] = Math.Sqrt(groupVariance[t] / residual);
        return start;
    }

    /// <summary>lme4's condition for its moment start: only <c>(1 | f)</c> terms, no factor used twice.</summary>
    private bool HasMomentStart()
    {
        var factors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in _terms)
        {
            if (term.Q != 1 || term.Term.ColumnNames[0] != "(Intercept)") return false;
            if (!factors.Add(term.Term.GroupName)) return false;
        }
        return _terms.Length > 0;
    }
}
