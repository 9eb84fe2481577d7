using System.Globalization;

namespace FastMlm.Models;

/// <summary>What <see cref="PoolingLevel.Shrinkage"/> holds.</summary>
public enum ShrinkageMeasure
{
    /// <summary>
    /// For a factor whose only random effect is the intercept: τ̂²/(τ̂² + σ̂²/nⱼ), the weight of the group's own mean in
    /// its partial-pooling estimate (the reliability of the group mean; 1 means no shrinkage). One value per level.
    /// </summary>
    Reliability,

    /// <summary>
    /// For a factor with random slopes: per column, (partial − complete)/(own − complete), the share of the distance
    /// from the complete-pooling estimate to the group's own estimate that partial pooling keeps (1: none of the
    /// way shrunk, 0: all the way); NaN where the group has no own estimate or it equals the complete-pooling one.
    /// With other predictors in the model this is an empirical ratio, not a weight the model uses.
    /// </summary>
    EmpiricalRatio,
}

/// <summary>The three estimates of one level of the grouping factor.</summary>
/// <param name="Level">The level.</param>
/// <param name="Observations">The observations of the level used in the fit (nⱼ).</param>
/// <param name="NoPooling">The level's own OLS estimate per column; NaN when it cannot be estimated (see <paramref name="NoPoolingNote"/>).</param>
/// <param name="NoPoolingNote">Why there is no own estimate (too few observations, collinear columns); null when there is one.</param>
/// <param name="PartialPooling">Per column, the fixed effect plus the level's conditional mode (EBLUP).</param>
/// <param name="Shrinkage">As <see cref="PoolingTable.Shrinkage"/> says: one reliability, or one ratio per column.</param>
public sealed record PoolingLevel(string Level, int Observations, IReadOnlyList<double> NoPooling, string? NoPoolingNote,
    IReadOnlyList<double> PartialPooling, IReadOnlyList<double> Shrinkage);

/// <summary>
/// Complete, no and partial pooling side by side for one grouping factor, as multilevel courses compare them. For the
/// factor's random-effect columns (the intercept, and slopes if the terms on the factor have them), with y the
/// response less any offset:
/// <list type="bullet">
/// <item>complete pooling: the OLS fit of y on those columns over all observations, ignoring the groups — the same as
/// regressing y on the fixed-effects columns of the same names alone;</item>
/// <item>no pooling: the OLS fit of y on those columns within each level, where the level has at least as many
/// observations as columns and the columns are not collinear within it;</item>
/// <item>partial pooling: the model's fixed effect for the column (0 when the column has none) plus the level's
/// conditional mode.</item>
/// </list>
/// Complete and no pooling use only the factor's columns; when the model has other fixed effects, partial pooling
/// is adjusted for them and the other two are not.
/// </summary>
public sealed class PoolingTable
{
    private PoolingTable(string factor, string[] columns, double[] complete, double[] fixedEffects, ShrinkageMeasure shrinkage,
        PoolingLevel[] levels, string[] messages)
    {
        Factor = factor;
        Columns = columns;
        CompletePooling = complete;
        FixedEffects = fixedEffects;
        Shrinkage = shrinkage;
        Levels = levels;
        Messages = messages;
    }

    /// <summary>The grouping factor.</summary>
    public string Factor { get; }

    /// <summary>The factor's random-effect columns, in formula order of its terms.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The complete-pooling OLS estimate per column (NaN if the columns are collinear over all observations).</summary>
    public IReadOnlyList<double> CompletePooling { get; }

    /// <summary>The model's fixed effect per column; 0 for a column without one.</summary>
    public IReadOnlyList<double> FixedEffects { get; }

    /// <summary>Which shrinkage measure the levels carry.</summary>
    public ShrinkageMeasure Shrinkage { get; }

    /// <summary>The levels, in the factor's order.</summary>
    public IReadOnlyList<PoolingLevel> Levels { get; }

    /// <summary>Notes: levels without an own estimate, columns without a fixed effect.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>
    /// The pooling table of <paramref name="factor"/> (a grouping factor's name as lme4 writes it, <c>Subject</c>,
    /// <c>cask:batch</c>; null for the factor of the formula's first random-effects term). Every term on the factor
    /// contributes its columns (<c>(x || g)</c> gives the intercept and x).
    /// </summary>
    /// <exception cref="ModelException">No term has that factor, or its terms repeat a column.</exception>
    public static PoolingTable Compute(FitResult fit, string? factor = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        Diagnostics.Residuals.CheckLinear(fit, "no, complete and partial pooling is defined here for linear mixed models only (their OLS estimates per group)");
        var design = fit.Design;
        factor = GroupingFactorOf(fit, factor);
        var tables = fit.RandomEffects.Where(t => t.Factor == factor).OrderBy(t => t.TermIndex).ToArray();

        var columns = tables.SelectMany(t => t.Columns).ToArray();
        var repeated = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new ModelException($"the terms on '{factor}' repeat the column {repeated.Key}; pooling needs each column once");
        }
        int q = columns.Length;
        int n = design.ObservationCount;
        var z = new double[n * q]; // n × q, column-major
        int col = 0;
        foreach (var t in tables)
        {
            var m = design.RandomTerms[t.TermIndex].Columns;
            for (int k = 0; k < m.Columns; k++, col++) m.Column(k).CopyTo(z.AsSpan(col * n, n));
        }
        var y = design.Response.Values.ToArray();
        var offset = design.Offset;
        for (int i = 0; i < offset.Length; i++) y[i] -= offset[i];
        var codes = design.RandomTerms[tables[0].TermIndex].Grouping.Codes;
        var levelNames = tables[0].Levels;

        var messages = new List<string>();
        var all = Enumerable.Range(0, n).ToArray();
        var (complete, completeNote) = Ols(z, n, y, all, columns);
        if (completeNote is not null) messages.Add($"no complete-pooling estimate: {completeNote} over all observations");

        var fixedByName = fit.FixedEffects.ToDictionary(f => f.Term, f => f.Estimate, StringComparer.Ordinal);
        var fixedEffects = new double[q];
        for (int k = 0; k < q; k++)
        {
            if (fixedByName.TryGetValue(columns[k], out double b)) fixedEffects[k] = b;
            else messages.Add($"{columns[k]} has no fixed effect, so its partial-pooling estimate is its random effect alone");
        }

        bool interceptOnly = q == 1 && columns[0] == "(Intercept)";
        var shrinkage = interceptOnly ? ShrinkageMeasure.Reliability : ShrinkageMeasure.EmpiricalRatio;
        double tau2 = interceptOnly ? RandomEffectsCovariance.Of(fit, tables[0])[0] : double.NaN;
        double sigma2 = fit.Sigma * fit.Sigma;

        var rowsOf = new List<int>[levelNames.Count];
        for (int l = 0; l < rowsOf.Length; l++) rowsOf[l] = [];
        for (int i = 0; i < n; i++) rowsOf[codes[i]].Add(i);

        var levels = new PoolingLevel[levelNames.Count];
        int withoutOwn = 0;
        for (int l = 0; l < levels.Length; l++)
        {
            var rows = rowsOf[l].ToArray();
            var (own, note) = Ols(z, n, y, rows, columns);
            if (note is not null) withoutOwn++;
            var partial = new double[q];
            col = 0;
            foreach (var t in tables)
            {
                for (int k = 0; k < t.Columns.Count; k++, col++) partial[col] = fixedEffects[col] + t.Value(l, k);
            }
            double[] shrink;
            if (interceptOnly)
            {
                shrink = [tau2 / (tau2 + (sigma2 / rows.Length))];
            }
            else
            {
                shrink = new double[q];
                for (int k = 0; k < q; k++)
                {
                    double distance = own[k] - complete[k];
                    double scale = Math.Max(Math.Abs(own[k]), Math.Abs(complete[k]));
                    shrink[k] = double.IsFinite(distance) && Math.Abs(distance) > 1e-12 * scale ? (partial[k] - complete[k]) / distance : double.NaN;
                }
            }
            levels[l] = new PoolingLevel(levelNames[l], rows.Length, own, note, partial, shrink);
        }
        if (withoutOwn > 0)
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture,
                $"{withoutOwn:N0} of {levels.Length:N0} levels of {factor} have no own (no-pooling) estimate: too few observations or collinear columns within the level"));
        }
        return new PoolingTable(factor, columns, complete, fixedEffects, shrinkage, levels, messages.ToArray());
    }

    /// <summary>
    /// <paramref name="factor"/> when it is a grouping factor of the model, or the factor of the formula's first
    /// random-effects term when it is null.
    /// </summary>
    /// <exception cref="ModelException">No term has that factor (the message names the model's factors).</exception>
    internal static string GroupingFactorOf(FitResult fit, string? factor)
    {
        var terms = fit.Design.RandomTerms;
        factor ??= terms[0].GroupName;
        if (terms.Any(t => t.GroupName == factor)) return factor;
        var factors = terms.Select(t => t.GroupName).Distinct(StringComparer.Ordinal).ToArray();
        var near = NameSuggestions.Nearest(factor, factors);
        throw new ModelException($"'{factor}' is not a grouping factor of the model (its factors: {string.Join(", ", factors)})"
            + (near is null || near == factor ? "" : $"; did you mean '{near}'?"));
    }

    /// <summary>
    /// OLS of y on the columns of z (n × q, column-major) over <paramref name="rows"/>, by the normal equations with
    /// the columns scaled to unit length; NaNs and a reason when there are fewer rows than columns or a column is
    /// (numerically) a linear combination of those before it.
    /// </summary>
    private static (double[] Estimate, string? Note) Ols(double[] z, int n, double[] y, int[] rows, string[] names)
    {
        int q = names.Length;
        var nan = Enumerable.Repeat(double.NaN, q).ToArray();
        if (rows.Length < q)
        {
            return (nan, string.Create(CultureInfo.InvariantCulture,
                $"{rows.Length} observation{(rows.Length == 1 ? "" : "s")} for {q} columns"));
        }
        var gram = new double[q * q];
        var rhs = new double[q];
        for (int a = 0; a < q; a++)
        {
            var za = z.AsSpan(a * n, n);
            foreach (int i in rows) rhs[a] += za[i] * y[i];
            for (int b = 0; b <= a; b++)
            {
                var zb = z.AsSpan(b * n, n);
                double s = 0;
                foreach (int i in rows) s += za[i] * zb[i];
                gram[(b * q) + a] = gram[(a * q) + b] = s;
            }
        }
        var d = new double[q];
        for (int a = 0; a < q; a++)
        {
            d[a] = Math.Sqrt(gram[(a * q) + a]);
            if (d[a] == 0) return (nan, $"{names[a]} is zero throughout");
        }
        for (int a = 0; a < q; a++)
        {
            rhs[a] /= d[a];
            for (int b = 0; b < q; b++) gram[(b * q) + a] /= d[a] * d[b];
        }
        // Cholesky of the scaled Gram matrix (lower, column-major); a pivot near zero means collinear columns.
        for (int j = 0; j < q; j++)
        {
            double s = gram[(j * q) + j];
            for (int k = 0; k < j; k++) s -= gram[(k * q) + j] * gram[(k * q) + j];
            if (s <= 1e-10) return (nan, $"{names[j]} is constant or collinear with the other columns");
            double pivot = Math.Sqrt(s);
            gram[(j * q) + j] = pivot;
            for (int i = j + 1; i < q; i++)
            {
                double t = gram[(j * q) + i];
                for (int k = 0; k < j; k++) t -= gram[(k * q) + i] * gram[(k * q) + j];
                gram[(j * q) + i] = t / pivot;
            }
        }
        LinearAlgebra.SmallDense.SolveLower(gram, rhs, q);
        LinearAlgebra.SmallDense.SolveLowerTransposed(gram, rhs, q, q);
        for (int a = 0; a < q; a++) rhs[a] /= d[a];
        return (rhs, null);
    }
}
