namespace FastMlm.Models;

/// <summary>
/// Fitted values and residuals of a generalized linear mixed model, one per observation used, with its data row: the
/// values of glmer's <c>predict(fit)</c>, <c>fitted(fit)</c> and <c>residuals(fit, type)</c>.
/// </summary>
/// <remarks>
/// With η̂ = Xβ̂ + Zb̂ (+ offset) the conditional linear predictor, μ̂ = g⁻¹(η̂) the fitted mean (a binomial response's
/// probability, the proportion of its trials), V the family's variance function and m the prior weight (a binomial
/// response's trials; 1 unless given):
/// <list type="bullet">
/// <item><see cref="Response"/>: y − μ̂ (glmer's type <c>"response"</c>; y a proportion for binomial responses).</item>
/// <item><see cref="Pearson"/>: (y − μ̂)/√(V(μ̂)/m) (type <c>"pearson"</c>; glmer's summary shows them as scaled residuals).</item>
/// <item><see cref="Deviance"/>: sign(y − μ̂)√dᵢ, dᵢ the observation's share of the conditional deviance (type
/// <c>"deviance"</c>, glmer's default).</item>
/// </list>
/// </remarks>
public sealed class GlmmResidualTable
{
    private GlmmResidualTable(int[] rows, double[] observed, double[] weights, double[] eta, double[] etaMarginal, double[] fitted,
        double[] response, double[] pearson, double[] deviance, double[] variance, bool binary)
    {
        Rows = rows;
        Observed = observed;
        PriorWeights = weights;
        LinearPredictor = eta;
        LinearPredictorMarginal = etaMarginal;
        Fitted = fitted;
        Response = response;
        Pearson = pearson;
        Deviance = deviance;
        Variance = variance;
        IsBinary = binary;
    }

    /// <summary>Number of observations used.</summary>
    public int Count => Rows.Count;

    /// <summary>The data row of each observation, counted from 1 (the header not counted).</summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>The response y: a proportion of the trials for binomial responses, a count for Poisson ones.</summary>
    public IReadOnlyList<double> Observed { get; }

    /// <summary>The prior weights m: a binomial response's trials (<c>cbind</c> or <c>--weights</c>), else the weights given or 1.</summary>
    public IReadOnlyList<double> PriorWeights { get; }

    /// <summary>The conditional linear predictor η̂ = Xβ̂ + Zb̂ (+ offset): glmer's <c>predict(fit)</c>.</summary>
    public IReadOnlyList<double> LinearPredictor { get; }

    /// <summary>The marginal linear predictor Xβ̂ (+ offset): glmer's <c>predict(fit, re.form = NA)</c>.</summary>
    public IReadOnlyList<double> LinearPredictorMarginal { get; }

    /// <summary>The fitted mean μ̂ = g⁻¹(η̂) on the response scale: glmer's <c>fitted(fit)</c>.</summary>
    public IReadOnlyList<double> Fitted { get; }

    /// <summary>y − μ̂.</summary>
    public IReadOnlyList<double> Response { get; }

    /// <summary>(y − μ̂)/√(V(μ̂)/m).</summary>
    public IReadOnlyList<double> Pearson { get; }

    /// <summary>sign(y − μ̂)√dᵢ.</summary>
    public IReadOnlyList<double> Deviance { get; }

    /// <summary>V(μ̂)/m: the variance of y given μ̂ (μ̂(1 − μ̂)/m for a binomial proportion, μ̂/m for counts; 0 where m is 0).</summary>
    public IReadOnlyList<double> Variance { get; }

    /// <summary>
    /// A binary (Bernoulli) response: binomial with one trial per observation, so that each residual takes one of two
    /// values given μ̂ and their distribution says nothing by itself.
    /// </summary>
    public bool IsBinary { get; }

    /// <summary>The fitted values and residuals of the GLMM <paramref name="fit"/>.</summary>
    /// <exception cref="ModelException">The fit is a linear mixed model (its residuals are <see cref="ResidualTable"/>'s).</exception>
    public static GlmmResidualTable Compute(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (!fit.IsGeneralized) throw new ModelException("this table is of generalized linear mixed models; a linear model's residuals are ResidualTable's");
        var design = fit.Design;
        var response = new GlmResponse(design.Response, fit.Family, Links.Parse(fit.Link, fit.Family));
        var eta = fit.LinearPredictor!.ToArray();
        var mu = fit.Fitted.ToArray();
        var observed = response.Y.ToArray();
        var weights = response.PriorWeights.ToArray();
        var raw = new double[mu.Length];
        var variance = new double[mu.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = observed[i] - mu[i];
            variance[i] = weights[i] > 0 ? response.Variance(mu[i]) / weights[i] : 0;
        }
        bool binary = fit.Family == Family.Binomial && weights.All(w => w == 1);
        return new GlmmResidualTable(ResidualTable.DataRows(fit), observed, weights, eta, ResidualTable.MarginalLinearPredictor(fit), mu, raw,
            response.PearsonResiduals(mu), response.DevianceResiduals(mu), variance, binary);
    }
}
