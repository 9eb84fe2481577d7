using System.Globalization;
using FastMlm.Models;

namespace FastMlm.Inference;

/// <summary>One row of the likelihood-ratio table (lme4's <c>anova(m1, m2, ...)</c>).</summary>
/// <param name="Name">The model's label.</param>
/// <param name="Fit">The maximum-likelihood fit the row describes.</param>
/// <param name="Parameters">npar: fixed effects, θ and σ.</param>
/// <param name="ChiSquare">Twice the log-likelihood gain over the row above; null on the first row.</param>
/// <param name="Df">The difference in parameters from the row above.</param>
/// <param name="P">P(χ²_Df &gt; ChiSquare): the naive p-value.</param>
/// <param name="BoundaryP">
/// When this model adds exactly one random effect (its variance and its covariances with the effects of the same
/// term) to the model above and nothing else, the p-value under the 50:50 mixture of χ²_{Df−1} and χ²_Df that
/// holds when the variance is tested at its boundary of zero (Self &amp; Liang 1987; Stram &amp; Lee 1994); else null.
/// </param>
/// <param name="Note">What the row's test is (a variance at its boundary, variances and fixed effects, ...).</param>
public sealed record LikelihoodRatioRow(
    string Name, FitResult Fit, int Parameters, double? ChiSquare, int? Df, double? P, double? BoundaryP, string? Note)
{
    /// <summary>AIC of the ML fit.</summary>
    public double Aic => Fit.Aic;

    /// <summary>BIC of the ML fit.</summary>
    public double Bic => Fit.Bic;

    /// <summary>The maximised log-likelihood.</summary>
    public double LogLikelihood => Fit.LogLikelihood;

    /// <summary>−2 log-likelihood.</summary>
    public double Deviance => Fit.Criterion;
}

/// <summary>The likelihood-ratio comparison of nested models fitted to the same rows.</summary>
public sealed class LikelihoodRatioTable
{
    internal LikelihoodRatioTable(IReadOnlyList<LikelihoodRatioRow> rows, IReadOnlyList<string> notes)
    {
        Rows = rows;
        Notes = notes;
    }

    /// <summary>The models by increasing number of parameters (ties keep the given order), each tested against the row above.</summary>
    public IReadOnlyList<LikelihoodRatioRow> Rows { get; }

    /// <summary>What the reader should know: refits by ML, which p-value applies.</summary>
    public IReadOnlyList<string> Notes { get; }
}

/// <summary>Likelihood-ratio tests between mixed models (lme4's <c>anova</c>), with the boundary correction for variances.</summary>
public static class LikelihoodRatioTest
{
    /// <summary>
    /// Compares models fitted to the same rows of the same data. REML fits are refitted by maximum likelihood
    /// first (the REML criteria of models with different fixed effects are not comparable), and the table says so.
    /// GLMMs are compared as lme4's <c>anova</c> compares glmer fits: deviance −2 log L (the Laplace or quadrature
    /// approximation), χ² the difference, df the difference in parameters (fixed effects and θ); they must share
    /// the family and link.
    /// </summary>
    /// <param name="fits">At least two fits.</param>
    /// <param name="names">A label per fit; null for <c>m1</c>, <c>m2</c>, ...</param>
    /// <exception cref="ModelException">Fewer than two models, models that do not use the same rows, or of different families or links.</exception>
    public static LikelihoodRatioTable Compare(IReadOnlyList<FitResult> fits, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(fits);
        if (fits.Count < 2) throw new ModelException("a likelihood-ratio comparison needs at least two models");
        names ??= Enumerable.Range(1, fits.Count).Select(i => string.Create(CultureInfo.InvariantCulture, $"m{i}")).ToArray();
        if (names.Count != fits.Count) throw new ArgumentException("one name per model is needed", nameof(names));
        CheckSameRows(fits, names);
        for (int i = 1; i < fits.Count; i++)
        {
            if (fits[i].Family != fits[0].Family || fits[i].Link != fits[0].Link)
            {
                throw new ModelException($"{names[0]} is a {fits[0].Family.RName()} ({fits[0].Link}) model and {names[i]} a {fits[i].Family.RName()} ({fits[i].Link}) one: likelihood-ratio tests compare models of one family and link");
            }
        }

        var notes = new List<string>();
        var ml = new FitResult[fits.Count];
        var refitted = new List<string>();
        for (int i = 0; i < fits.Count; i++)
        {
            if (fits[i].Reml)
            {
                ml[i] = ConfidenceIntervals.MaximumLikelihood(fits[i]);
                refitted.Add(names[i]);
            }
            else
            {
                ml[i] = fits[i];
            }
        }
        if (refitted.Count > 0) notes.Add($"refitting {string.Join(", ", refitted)} by maximum likelihood (ML) instead of REML: likelihood-ratio tests compare ML fits");

        var order = Enumerable.Range(0, fits.Count).OrderBy(i => ml[i].ParameterCount).ToArray();
        var rows = new List<LikelihoodRatioRow>();
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            var fit = ml[i];
            if (k == 0)
            {
                rows.Add(new LikelihoodRatioRow(names[i], fit, fit.ParameterCount, null, null, null, null, null));
                continue;
            }
            var previous = ml[order[k - 1]];
            int df = fit.ParameterCount - previous.ParameterCount;
            double chisq = Math.Max(previous.Criterion - fit.Criterion, 0);
            double? p = df > 0 ? Distributions.ChiSquareUpper(chisq, df) : null;
            var (boundaryP, note) = Boundary(previous, fit, df, chisq);
            rows.Add(new LikelihoodRatioRow(names[i], fit, fit.ParameterCount, chisq, df, p, boundaryP, note));
            if (note is not null) notes.Add($"{names[order[k - 1]]} vs {names[i]}: {note}");
        }
        return new LikelihoodRatioTable(rows, notes);
    }

    private static void CheckSameRows(IReadOnlyList<FitResult> fits, IReadOnlyList<string> names)
    {
        var first = fits[0].Design.Frame;
        for (int i = 1; i < fits.Count; i++)
        {
            var frame = fits[i].Design.Frame;
            bool same = frame.RowCount == first.RowCount && frame.Data.RowCount == first.Data.RowCount
                && frame.Rows.SequenceEqual(first.Rows);
            if (!same)
            {
                throw new ModelException(string.Create(CultureInfo.InvariantCulture,
                    $"{names[0]} uses {first.RowCount:N0} rows and {names[i]} uses {frame.RowCount:N0} other rows (missing values in different variables): likelihood-ratio tests need models fitted to the same rows; drop the incomplete rows from the data first"));
            }
        }
    }

    /// <summary>
    /// The 50:50 mixture p-value when the larger model adds exactly one random effect to the smaller and nothing
    /// else: its variance (tested at the boundary zero) and its covariances with the effects already in the same
    /// term. With more than one added variance the null distribution is a χ̄² mixture whose weights depend on the
    /// information matrix; the naive p-value is then conservative and is the one given.
    /// </summary>
    private static (double? P, string? Note) Boundary(FitResult small, FitResult large, int df, double chisq)
    {
        if (df <= 0) return (null, null);
        bool sameFixed = small.FixedEffects.Select(f => f.Term).SequenceEqual(large.FixedEffects.Select(f => f.Term), StringComparer.Ordinal);
        var smallVar = Variances(small);
        var largeVar = Variances(large);
        var smallCov = Covariances(small);
        var largeCov = Covariances(large);
        bool nested = smallVar.IsSubsetOf(largeVar) && smallCov.IsSubsetOf(largeCov);
        int addedVariances = largeVar.Count - smallVar.Count;
        int addedCovariances = largeCov.Count - smallCov.Count;
        if (!sameFixed)
        {
            return addedVariances > 0 && nested
                ? (null, "the models differ in fixed effects and in variance parameters: the naive χ² p-value is approximate")
                : (null, null);
        }
        if (!nested || addedVariances + addedCovariances != df) return (null, null);
        if (addedVariances == 1)
        {
            double p = (0.5 * Distributions.ChiSquareUpper(chisq, df - 1)) + (0.5 * Distributions.ChiSquareUpper(chisq, df));
            string what = df == 1 ? "χ²₀ and χ²₁" : string.Create(CultureInfo.InvariantCulture, $"χ²_{df - 1} and χ²_{df}");
            return (p, $"one variance is tested at its boundary (zero), so the test is one-sided: use the boundary-corrected p-value (50:50 mixture of {what}; Self & Liang 1987, Stram & Lee 1994); the naive p-value is conservative");
        }
        return (null, string.Create(CultureInfo.InvariantCulture,
            $"{addedVariances} variances are tested at their boundary: the null distribution is a χ̄² mixture, so the naive p-value is conservative"));
    }

    private static HashSet<string> Variances(FitResult fit)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in fit.RandomEffects)
        {
            foreach (var c in t.Columns) set.Add(t.Factor + "\u0001" + c);
        }
        return set;
    }

    private static HashSet<string> Covariances(FitResult fit)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in fit.RandomEffects)
        {
            for (int i = 0; i < t.Columns.Count; i++)
            {
                for (int j = i + 1; j < t.Columns.Count; j++)
                {
                    var (a, b) = string.CompareOrdinal(t.Columns[i], t.Columns[j]) < 0 ? (t.Columns[i], t.Columns[j]) : (t.Columns[j], t.Columns[i]);
                    set.Add(t.Factor + "\u0001" + a + "\u0001" + b);
                }
            }
        }
        return set;
    }
}
