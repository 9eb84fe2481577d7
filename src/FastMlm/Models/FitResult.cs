using FastMlm.Design;
using FastMlm.LinearAlgebra;

namespace FastMlm.Models;

/// <summary>One fixed effect: lme4's term name, the estimate and its standard error.</summary>
/// <param name="Term">The column name of X, as lme4 names it (<c>(Intercept)</c>, <c>x</c>, <c>fB</c>, <c>x:fB</c>).</param>
/// <param name="Estimate">β̂.</param>
/// <param name="StandardError">The square root of the diagonal of vcov(β̂).</param>
public sealed record FixedEffect(string Term, double Estimate, double StandardError)
{
    /// <summary>Estimate / standard error (lme4's t value).</summary>
    public double Statistic => Estimate / StandardError;
}

/// <summary>
/// One row of lme4's <c>as.data.frame(VarCorr(fit))</c>: a variance (<see cref="Name2"/> null), a covariance
/// with its correlation, or the residual variance (group <c>Residual</c>).
/// </summary>
/// <param name="Group">lme4's group name (<c>Subject</c>, <c>b:a</c>, <c>g.1</c> for a second term on g).</param>
/// <param name="Name1">The first random-effect column, null for the residual.</param>
/// <param name="Name2">The second column of a covariance row, else null.</param>
/// <param name="Value">The variance or covariance.</param>
/// <param name="SdCor">The standard deviation, or the correlation for a covariance row.</param>
public sealed record VarianceComponent(string Group, string? Name1, string? Name2, double Value, double SdCor);

/// <summary>The conditional modes (EBLUPs) of one random-effects term with their conditional variances.</summary>
public sealed class RandomEffectsTable
{
    internal RandomEffectsTable(string group, string factor, IReadOnlyList<string> columns, IReadOnlyList<string> levels, double[] values, double[] conditionalVariances, int termIndex)
    {
        TermIndex = termIndex;
        Group = group;
        Factor = factor;
        Columns = columns;
        Levels = levels;
        _values = values;
        _conditionalVariances = conditionalVariances;
    }

    private readonly double[] _values;
    private readonly double[] _conditionalVariances;

    /// <summary>lme4's group name (with <c>.1</c> for a second term on one factor).</summary>
    public string Group { get; }

    /// <summary>The term's position in the formula: its design is <c>FitResult.Design.RandomTerms[TermIndex]</c>.</summary>
    public int TermIndex { get; }

    /// <summary>The grouping factor's name.</summary>
    public string Factor { get; }

    /// <summary>The term's random-effect columns.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The factor's levels, in the factor's order.</summary>
    public IReadOnlyList<string> Levels { get; }

    /// <summary>The mode of column <paramref name="column"/> at level <paramref name="level"/>.</summary>
    public double Value(int level, int column) => _values[(level * Columns.Count) + column];

    /// <summary>The conditional variance of column <paramref name="column"/> at level <paramref name="level"/>.</summary>
    public double ConditionalVariance(int level, int column) =>
        _conditionalVariances[(level * Columns.Count * Columns.Count) + (column * Columns.Count) + column];

    /// <summary>The conditional covariance of columns i and j at a level.</summary>
    public double ConditionalCovariance(int level, int i, int j) =>
        _conditionalVariances[(level * Columns.Count * Columns.Count) + (j * Columns.Count) + i];
}

/// <summary>Whether and how the optimum was checked (gradient and Hessian of the profiled criterion by finite differences).</summary>
/// <param name="Checked">Whether the check ran.</param>
/// <param name="MaxAbsGradient">The largest gradient component over parameters not held at a bound.</param>
/// <param name="PredictedDecrease">g'H⁻¹g/2: how much a Newton step from the optimum could still lower the criterion.</param>
/// <param name="HessianPositiveDefinite">Whether the Hessian over the free parameters is positive definite.</param>
public sealed record ConvergenceCheck(bool Checked, double MaxAbsGradient, double PredictedDecrease, bool HessianPositiveDefinite);

/// <summary>
/// A fitted linear or generalized linear mixed model: the estimates and everything lme4's summary shows (lmer's or
/// glmer's).
/// </summary>
public sealed class FitResult
{
    internal FitResult() { }

    /// <summary>The formula as written.</summary>
    public required string Formula { get; init; }

    /// <summary>Where the data came from (file or built-in name).</summary>
    public required string DataSource { get; init; }

    /// <summary>The response family.</summary>
    public required Family Family { get; init; }

    /// <summary>The link function's R name.</summary>
    public required string Link { get; init; }

    /// <summary>Fitted by REML (else maximum likelihood).</summary>
    public required bool Reml { get; init; }

    /// <summary>Quadrature points for GLMMs; null for linear models.</summary>
    public int? Nagq { get; init; }

    /// <summary>Whether this is a generalized linear mixed model (binomial or Poisson).</summary>
    public bool IsGeneralized => Family != Family.Gaussian;

    /// <summary>Observations used.</summary>
    public required int ObservationCount { get; init; }

    /// <summary>Levels of each grouping factor, by lme4's group name, in lme4's order.</summary>
    public required IReadOnlyList<KeyValuePair<string, int>> GroupCounts { get; init; }

    /// <summary>The optimised criterion: the REML criterion of a REML fit, else the deviance.</summary>
    public required double Criterion { get; init; }

    /// <summary>−2 × the (ML) log-likelihood at the estimates, also for REML fits (lme4's <c>deviance(fit, REML = TRUE)</c> and the suite's <c>objective</c>).</summary>
    public required double Deviance { get; init; }

    /// <summary>The log-likelihood lme4 reports: the REML log-likelihood for REML fits.</summary>
    public double LogLikelihood => -Criterion / 2;

    /// <summary>Parameters: fixed effects, θ and σ (GLMMs: fixed effects and θ).</summary>
    public required int ParameterCount { get; init; }

    /// <summary>AIC from <see cref="LogLikelihood"/>.</summary>
    public double Aic => Criterion + (2.0 * ParameterCount);

    /// <summary>BIC from <see cref="LogLikelihood"/>.</summary>
    public double Bic => Criterion + (ParameterCount * Math.Log(ObservationCount));

    /// <summary>Residual degrees of freedom as lme4 prints them: observations less parameters.</summary>
    public int ResidualDf => ObservationCount - ParameterCount;

    /// <summary>The residual standard deviation σ (1 for binomial and Poisson models, as lme4's <c>sigma()</c>).</summary>
    public required double Sigma { get; init; }

    /// <summary>θ in lme4's order (terms by decreasing number of levels, each λ's lower triangle by columns).</summary>
    public required IReadOnlyList<double> Theta { get; init; }

    /// <summary>A boundary fit: some diagonal element of λ below 1e-4 (lme4's isSingular).</summary>
    public required bool IsSingular { get; init; }

    /// <summary>The fixed effects in X's column order.</summary>
    public required IReadOnlyList<FixedEffect> FixedEffects { get; init; }

    /// <summary>vcov(β̂): σ²(L_X L_X')⁻¹ for linear models; for GLMMs twice the β block of the inverse Hessian of the deviance, as glmer (or from RX).</summary>
    public required DenseMatrix FixedEffectsCovariance { get; init; }

    /// <summary>X columns dropped as aliased.</summary>
    public required IReadOnlyList<string> DroppedColumns { get; init; }

    /// <summary>Variances, covariances and the residual variance (none for GLMMs), in lme4's order.</summary>
    public required IReadOnlyList<VarianceComponent> VarCorr { get; init; }

    /// <summary>Conditional modes per term, in lme4's order.</summary>
    public required IReadOnlyList<RandomEffectsTable> RandomEffects { get; init; }

    /// <summary>
    /// For models whose terms are all random intercepts, each term's share of the total variance σ²_g/(Σσ²_g + σ²):
    /// the intraclass correlation when there is one term, the variance partition coefficients when there are
    /// several. Empty for models with random slopes, whose shares depend on the predictors. For binomial GLMMs the
    /// shares are on the latent scale, σ² being the latent residual variance of the link (π²/3 logit, 1 probit,
    /// π²/6 cloglog); empty for Poisson models.
    /// </summary>
    public required IReadOnlyList<KeyValuePair<string, double>> IntraclassCorrelations { get; init; }

    /// <summary>Fitted values Xβ̂ + Zb̂ (+ offset), one per observation used; for GLMMs on the response scale, μ̂ = g⁻¹(η̂) (a binomial response's probability).</summary>
    public required IReadOnlyList<double> Fitted { get; init; }

    /// <summary>GLMMs: the linear predictor η̂ = Xβ̂ + Zb̂ + offset per observation; null for linear models.</summary>
    public IReadOnlyList<double>? LinearPredictor { get; init; }

    /// <summary>GLMMs: Pearson residuals (y − μ̂)/√(V(μ̂)/m), which glmer's summary shows as scaled residuals; null for linear models.</summary>
    public IReadOnlyList<double>? PearsonResiduals { get; init; }

    /// <summary>Response less fitted values.</summary>
    public required IReadOnlyList<double> Residuals { get; init; }

    /// <summary>Whether the optimiser converged and the check at the optimum found nothing to warn about.</summary>
    public required bool Converged { get; init; }

    /// <summary>Criterion evaluations by the optimiser.</summary>
    public required int Evaluations { get; init; }

    /// <summary>Seconds from data in memory to this result.</summary>
    public double FitSeconds { get; internal set; }

    /// <summary>The check of the optimum.</summary>
    public required ConvergenceCheck Convergence { get; init; }

    /// <summary>Everything the user should read: rows dropped, columns dropped, singular fit, convergence.</summary>
    public required IReadOnlyList<string> Messages { get; init; }

    /// <summary>The design the model was fitted to: frame, X, the random-effects terms, the response.</summary>
    public required ModelDesign Design { get; init; }

    /// <summary>GLMMs: the settings of the fit; null for linear models.</summary>
    public GlmmOptions? GlmmOptions { get; init; }

    /// <summary>Fitted by REML or ML, with these settings (GLMMs: ML).</summary>
    public required LmmOptions Options { get; init; }

    /// <summary>The evaluator of the profiled criterion (inference evaluates it at other θ; not thread-safe).</summary>
    internal ProfiledLmm? Engine { get; init; }

    /// <summary>θ on the engine's internal (rescaled) columns at the estimates.</summary>
    internal IReadOnlyList<double> InternalTheta { get; init; } = [];
}
