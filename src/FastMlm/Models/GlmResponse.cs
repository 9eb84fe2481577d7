using FastMlm.Design;
using FastMlm.Inference;

namespace FastMlm.Models;

/// <summary>
/// The conditional distribution of a GLMM's response given the linear predictor: the family with its link, the
/// responses y (a binomial proportion, or counts) and the prior weights m (binomial trials, or Poisson weights).
/// It gives μ and dμ/dη from η, the IRLS weights and working residuals, and the conditional deviance
/// −2 Σ log p(y_i | μ_i) with every constant kept (the binomial coefficients, log y!), which is what lme4's
/// <c>aic()</c> of the family sums and what a log-likelihood must include.
/// </summary>
internal sealed class GlmResponse
{
    private readonly double[] _y;
    private readonly double[] _m;
    private readonly double _constant;

    public GlmResponse(Response response, Family family, LinkFunction link)
    {
        ArgumentNullException.ThrowIfNull(response);
        Family = family;
        Link = link;
        _y = response.Values.ToArray();
        int n = _y.Length;
        _m = new double[n];
        if (response.PriorWeights.IsEmpty) Array.Fill(_m, 1.0);
        else response.PriorWeights.CopyTo(_m);

        // −2 × the parts of log p that do not depend on μ: −2 log C(m, k) or 2 m log y!, rounded to counts as R's dbinom and dpois round.
        double c = 0;
        for (int i = 0; i < n; i++)
        {
            if (family == Family.Binomial)
            {
                double m = Math.Round(_m[i]), k = Math.Round(_m[i] * _y[i]);
                if (m > 0) c -= 2 * (Distributions.LogGamma(m + 1) - Distributions.LogGamma(k + 1) - Distributions.LogGamma(m - k + 1));
            }
            else if (family == Family.Poisson)
            {
                c += 2 * _m[i] * Distributions.LogGamma(_y[i] + 1);
            }
        }
        _constant = c;
    }

    /// <summary>The family.</summary>
    public Family Family { get; }

    /// <summary>The link.</summary>
    public LinkFunction Link { get; }

    /// <summary>Observations.</summary>
    public int Count => _y.Length;

    /// <summary>The response per observation (a proportion for binomial models).</summary>
    public ReadOnlySpan<double> Y => _y;

    /// <summary>The prior weights (binomial trials).</summary>
    public ReadOnlySpan<double> PriorWeights => _m;

    /// <summary>μ and dμ/dη from η, and −2 Σ log p(y_i | μ_i) (constants included) in the same pass.</summary>
    public double Update(ReadOnlySpan<double> eta, Span<double> mu, Span<double> muEta)
    {
        if (Family == Family.Binomial && Link == LinkFunction.Logit) return _constant + GlmKernels.Logit(eta, _y, _m, mu, muEta);
        if (Family == Family.Poisson && Link == LinkFunction.Log) return _constant + GlmKernels.Log(eta, _y, _m, mu, muEta);
        for (int i = 0; i < eta.Length; i++) (mu[i], muEta[i]) = Links.Inverse(Link, eta[i]);
        return Deviance(mu);
    }

    /// <summary>The variance function V(μ) (per unit prior weight).</summary>
    public double Variance(double mu) => Family == Family.Binomial ? mu * (1 - mu) : mu;

    /// <summary>
    /// −2 Σ log p(y_i | y_i): the saturated model's part of <see cref="VariablePart"/>, so that VariablePart(μ) less
    /// this is the sum of the deviance residuals.
    /// </summary>
    public double SaturatedPart => _saturated ??= VariablePart(_y, 0, _y.Length, null);

    private double? _saturated;

    /// <summary>−2 log-likelihood of the saturated model (μ = y), constants included: what glmer leaves out of its quadrature deviance.</summary>
    public double SaturatedDeviance => _constant + SaturatedPart;

    /// <summary>−2 Σ log p(y_i | μ_i), constants included.</summary>
    public double Deviance(ReadOnlySpan<double> mu) => _constant + VariablePart(mu, 0, mu.Length, null);

    /// <summary>The μ-dependent part of −2 log p over the observations listed (rows from <paramref name="rows"/>, or start..end).</summary>
    public double VariablePart(ReadOnlySpan<double> mu, int start, int end, int[]? rows)
    {
        double s = 0;
        bool binomial = Family == Family.Binomial;
        for (int k = start; k < end; k++)
        {
            int i = rows is null ? k : rows[k];
            double y = _y[i], m = _m[i], u = mu[i];
            if (binomial)
            {
                double t = 0;
                if (y > 0) t += y * Math.Log(u);
                if (y < 1) t += (1 - y) * Math.Log(1 - u);
                s -= 2 * m * t;
            }
            else
            {
                s -= 2 * m * ((y > 0 ? y * Math.Log(u) : 0) - u);
            }
        }
        return s;
    }

    /// <summary>The constant part of −2 log p summed over the rows listed (for quadrature by group).</summary>
    public double ConstantPart(int[] rows, int start, int end)
    {
        double c = 0;
        for (int k = start; k < end; k++)
        {
            int i = rows[k];
            if (Family == Family.Binomial)
            {
                double m = Math.Round(_m[i]), kk = Math.Round(_m[i] * _y[i]);
                if (m > 0) c -= 2 * (Distributions.LogGamma(m + 1) - Distributions.LogGamma(kk + 1) - Distributions.LogGamma(m - kk + 1));
            }
            else
            {
                c += 2 * _m[i] * Distributions.LogGamma(_y[i] + 1);
            }
        }
        return c;
    }

    /// <summary>
    /// The IRLS weights' square roots √(m μ'² / V(μ)) and the working residuals (y − μ)/μ' at the current μ.
    /// </summary>
    public void WeightsAndResiduals(ReadOnlySpan<double> mu, ReadOnlySpan<double> muEta, Span<double> sqrtW, Span<double> workingResidual) =>
        GlmKernels.WeightsAndResiduals(Family == Family.Binomial, _y, _m, mu, muEta, sqrtW, workingResidual);

    /// <summary>Pearson residuals (y − μ)/√(V(μ)/m) (zero where m is 0).</summary>
    public double[] PearsonResiduals(ReadOnlySpan<double> mu)
    {
        var r = new double[mu.Length];
        for (int i = 0; i < r.Length; i++) r[i] = _m[i] > 0 ? (_y[i] - mu[i]) / Math.Sqrt(Variance(mu[i]) / _m[i]) : 0;
        return r;
    }

    /// <summary>
    /// Deviance residuals sign(y − μ)·√dᵢ, dᵢ the observation's share of the deviance: −2 log p(yᵢ | μᵢ) less the same at
    /// μᵢ = yᵢ, the prior weight included (R's <c>dev.resids</c>).
    /// </summary>
    public double[] DevianceResiduals(ReadOnlySpan<double> mu)
    {
        var r = new double[mu.Length];
        for (int i = 0; i < r.Length; i++)
        {
            double d = VariablePart(mu, i, i + 1, null) - VariablePart(_y, i, i + 1, null);
            r[i] = Math.Sign(_y[i] - mu[i]) * Math.Sqrt(Math.Max(d, 0));
        }
        return r;
    }

    /// <summary>R's starting means: (m y + ½)/(m + 1) for binomial responses, y + 0.1 for counts.</summary>
    public void StartingEta(Span<double> eta)
    {
        for (int i = 0; i < eta.Length; i++)
        {
            double mu = Family == Family.Binomial ? ((_m[i] * _y[i]) + 0.5) / (_m[i] + 1) : _y[i] + 0.1;
            eta[i] = Links.Apply(Link, mu);
        }
    }
}
