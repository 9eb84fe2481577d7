namespace FastMlm.Models;

/// <summary>
/// Fitted values and residuals of a linear mixed model, one per observation used, with the observation's row in the
/// data so that rows dropped for missing values can be told apart.
/// </summary>
/// <remarks>
/// The residual types and lme4's names for them (lme4's <c>residuals(fit, type, scaled)</c>; prior weights are 1 here):
/// <list type="bullet">
/// <item><see cref="Residual"/>: y − ŷ, with ŷ = Xβ̂ + Zb̂ (+ offset), the conditional fitted value: lme4's default type
/// <c>"response"</c>. lme4's type <c>"pearson"</c> without <c>scaled</c> multiplies it by √(prior weight), so it is the
/// same number in a model without weights.</item>
/// <item><see cref="Pearson"/>: (y − ŷ)/σ̂: lme4's <c>residuals(fit, type = "pearson", scaled = TRUE)</c>, nlme's type
/// <c>"pearson"</c>, and what lme4's summary shows as "Scaled residuals". It is not standardized by leverage (R's
/// <c>rstandard</c> divides by σ̂√(1 − hᵢᵢ) in addition).</item>
/// <item><see cref="MarginalResidual"/>: y − Xβ̂ (− offset), the residual from the population prediction.</item>
/// <item><see cref="MarginalPearson"/>: the marginal residual over its model standard deviation √(σ̂² + zᵢ'Σ̂zᵢ), zᵢ the
/// row's random-effects columns and Σ̂ the estimated covariance of each term's random effects (β̂ taken as known).</item>
/// </list>
/// </remarks>
public sealed class ResidualTable
{
    private ResidualTable(int[] rows, double[] observed, double[] fitted, double[] fittedMarginal, double[] residual,
        double[] pearson, double[] marginalResidual, double[] marginalPearson)
    {
        Rows = rows;
        Observed = observed;
        Fitted = fitted;
        FittedMarginal = fittedMarginal;
        Residual = residual;
        Pearson = pearson;
        MarginalResidual = marginalResidual;
        MarginalPearson = marginalPearson;
    }

    /// <summary>Number of observations used.</summary>
    public int Count => Rows.Count;

    /// <summary>
    /// The data row of each observation, counted from 1 as the data rows of the file are (the header not counted):
    /// the numbers missing here are the rows dropped for missing values.
    /// </summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>The response y.</summary>
    public IReadOnlyList<double> Observed { get; }

    /// <summary>The conditional fitted value Xβ̂ + Zb̂ (+ offset), as <see cref="FitResult.Fitted"/>.</summary>
    public IReadOnlyList<double> Fitted { get; }

    /// <summary>The marginal (population) fitted value Xβ̂ (+ offset).</summary>
    public IReadOnlyList<double> FittedMarginal { get; }

    /// <summary>y − <see cref="Fitted"/> (lme4's type "response"; equal to <see cref="FitResult.Residuals"/>).</summary>
    public IReadOnlyList<double> Residual { get; }

    /// <summary><see cref="Residual"/>/σ̂ (lme4's type "pearson" with <c>scaled = TRUE</c>).</summary>
    public IReadOnlyList<double> Pearson { get; }

    /// <summary>y − <see cref="FittedMarginal"/>.</summary>
    public IReadOnlyList<double> MarginalResidual { get; }

    /// <summary><see cref="MarginalResidual"/>/√(σ̂² + zᵢ'Σ̂zᵢ).</summary>
    public IReadOnlyList<double> MarginalPearson { get; }

    /// <summary>The fitted values and residuals of <paramref name="fit"/>.</summary>
    /// <exception cref="ModelException">The fit is a GLMM: its residuals are <see cref="GlmmResidualTable"/>'s.</exception>
    public static ResidualTable Compute(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.IsGeneralized) throw new ModelException("this table is of linear mixed models; a GLMM's fitted values and residuals are GlmmResidualTable's");
        var design = fit.Design;
        int n = design.ObservationCount;
        var rows = DataRows(fit);
        var observed = design.Response.Values.ToArray();
        var fitted = fit.Fitted.ToArray();
        var marginal = MarginalLinearPredictor(fit);

        double sigma2 = fit.Sigma * fit.Sigma;
        var variance = new double[n];
        Array.Fill(variance, sigma2);
        foreach (var table in fit.RandomEffects)
        {
            var z = design.RandomTerms[table.TermIndex].Columns;
            int q = z.Columns;
            var cov = RandomEffectsCovariance.Of(fit, table);
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int a = 0; a < q; a++)
                {
                    for (int b = 0; b < q; b++) s += z[i, a] * cov[(b * q) + a] * z[i, b];
                }
                variance[i] += s;
            }
        }

        var residual = new double[n];
        var pearson = new double[n];
        var marginalResidual = new double[n];
        var marginalPearson = new double[n];
        for (int i = 0; i < n; i++)
        {
            residual[i] = observed[i] - fitted[i];
            pearson[i] = residual[i] / fit.Sigma;
            marginalResidual[i] = observed[i] - marginal[i];
            marginalPearson[i] = marginalResidual[i] / Math.Sqrt(variance[i]);
        }
        return new ResidualTable(rows, observed, fitted, marginal, residual, pearson, marginalResidual, marginalPearson);
    }

    /// <summary>The data row of each observation used, counted from 1.</summary>
    internal static int[] DataRows(FitResult fit) => fit.Design.Frame.Rows.Select(r => r + 1).ToArray();

    /// <summary>Xβ̂ (+ offset) per observation used: the marginal fitted value of a linear model, the marginal linear predictor of a GLMM.</summary>
    internal static double[] MarginalLinearPredictor(FitResult fit)
    {
        var design = fit.Design;
        int n = design.ObservationCount;
        var marginal = new double[n];
        var x = design.Fixed.X;
        for (int j = 0; j < x.Columns; j++)
        {
            double b = fit.FixedEffects[j].Estimate;
            var column = x.Column(j);
            for (int i = 0; i < n; i++) marginal[i] += column[i] * b;
        }
        var offset = design.Offset;
        if (!offset.IsEmpty)
        {
            for (int i = 0; i < n; i++) marginal[i] += offset[i];
        }
        return marginal;
    }
}

/// <summary>The estimated covariance matrix of one term's random effects, read from <see cref="FitResult.VarCorr"/>.</summary>
internal static class RandomEffectsCovariance
{
    /// <summary>Σ̂ of <paramref name="table"/>'s term, q × q column-major, in the term's column order.</summary>
    public static double[] Of(FitResult fit, RandomEffectsTable table)
    {
        int q = table.Columns.Count;
        var index = new Dictionary<string, int>(q, StringComparer.Ordinal);
        for (int k = 0; k < q; k++) index[table.Columns[k]] = k;
        var cov = new double[q * q];
        foreach (var v in fit.VarCorr)
        {
            if (v.Group != table.Group || v.Name1 is null) continue;
            int a = index[v.Name1];
            int b = v.Name2 is null ? a : index[v.Name2];
            cov[(b * q) + a] = cov[(a * q) + b] = v.Value;
        }
        return cov;
    }
}
