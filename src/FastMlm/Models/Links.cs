using FastMlm.Inference;

namespace FastMlm.Models;

/// <summary>The link g(μ) = η between a response's mean and the linear predictor.</summary>
public enum LinkFunction
{
    /// <summary>η = μ (linear models).</summary>
    Identity,

    /// <summary>η = log(μ / (1 − μ)): logistic regression; exp(β) are odds ratios.</summary>
    Logit,

    /// <summary>η = Φ⁻¹(μ): probit regression (a standard normal latent variable).</summary>
    Probit,

    /// <summary>η = log(−log(1 − μ)): complementary log-log; exp(β) are hazard ratios of a grouped-time model.</summary>
    Cloglog,

    /// <summary>η = log(μ): Poisson regression; exp(β) are rate ratios.</summary>
    Log,
}

/// <summary>
/// Names of links as R writes them, the links each family allows, and the inverse links with R's guards against
/// μ reaching 0 or 1 (so that a fitted probability is never exactly 0 or 1, as in R's <c>make.link</c>).
/// </summary>
public static class Links
{
    private static readonly string[] s_names = ["identity", "logit", "probit", "cloglog", "log"];

    /// <summary>R's name of the link.</summary>
    public static string RName(this LinkFunction link) => s_names[(int)link];

    /// <summary>The canonical (default) link of a family: identity, logit, log.</summary>
    public static LinkFunction Canonical(Family family) => family switch
    {
        Family.Binomial => LinkFunction.Logit,
        Family.Poisson => LinkFunction.Log,
        _ => LinkFunction.Identity,
    };

    /// <summary>The links a family allows.</summary>
    public static IReadOnlyList<LinkFunction> Allowed(Family family) => family switch
    {
        Family.Binomial => [LinkFunction.Logit, LinkFunction.Probit, LinkFunction.Cloglog],
        Family.Poisson => [LinkFunction.Log],
        _ => [LinkFunction.Identity],
    };

    /// <summary>Parses R's name of a link for a family; a link the family does not allow is a <see cref="ModelException"/>.</summary>
    public static LinkFunction Parse(string name, Family family)
    {
        ArgumentNullException.ThrowIfNull(name);
        var allowed = Allowed(family);
        int i = Array.FindIndex(s_names, n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (i < 0 || !allowed.Contains((LinkFunction)i))
        {
            throw new ModelException($"link '{name}' does not go with the {family.RName()} family (use {string.Join(", ", allowed.Select(l => l.RName()))})");
        }
        return (LinkFunction)i;
    }

    /// <summary>
    /// The variance of the latent residual of a binary-response link, the level-1 variance of a latent-scale VPC:
    /// π²/3 (logistic), 1 (probit), π²/6 (cloglog's extreme-value distribution); NaN for other links.
    /// </summary>
    public static double LatentResidualVariance(LinkFunction link) => link switch
    {
        LinkFunction.Logit => Math.PI * Math.PI / 3,
        LinkFunction.Probit => 1,
        LinkFunction.Cloglog => Math.PI * Math.PI / 6,
        _ => double.NaN,
    };

    private const double Eps = 2.220446049250313e-16;
    private const double LogitThreshold = 30;
    private static readonly double s_probitThreshold = -Distributions.NormalQuantile(Eps);

    /// <summary>η = g(μ).</summary>
    internal static double Apply(LinkFunction link, double mu) => link switch
    {
        LinkFunction.Logit => Math.Log(mu / (1 - mu)),
        LinkFunction.Probit => Distributions.NormalQuantile(mu),
        LinkFunction.Cloglog => Math.Log(-Math.Log(1 - mu)),
        LinkFunction.Log => Math.Log(mu),
        _ => mu,
    };

    /// <summary>μ = g⁻¹(η) and dμ/dη, both kept away from 0 (and μ from 1) as R keeps them.</summary>
    internal static (double Mu, double MuEta) Inverse(LinkFunction link, double eta)
    {
        switch (link)
        {
            case LinkFunction.Logit:
            {
                if (eta < -LogitThreshold) return (Eps / (1 + Eps), Eps);
                if (eta > LogitThreshold) return (1 / (1 + Eps), Eps);
                double e = Math.Exp(-Math.Abs(eta));
                double p = 1 / (1 + e); // μ for |η|
                double mu = eta >= 0 ? p : e * p;
                return (mu, e * p * p);
            }
            case LinkFunction.Probit:
            {
                double t = Math.Clamp(eta, -s_probitThreshold, s_probitThreshold);
                double mu = Distributions.NormalCdf(t);
                return (mu, Math.Max(Math.Exp(-0.5 * eta * eta) / Math.Sqrt(2 * Math.PI), Eps));
            }
            case LinkFunction.Cloglog:
            {
                double mu = Math.Clamp(-Expm1(-Math.Exp(eta)), Eps, 1 - Eps);
                double t = Math.Min(eta, 700);
                return (mu, Math.Max(Math.Exp(t) * Math.Exp(-Math.Exp(t)), Eps));
            }
            case LinkFunction.Log:
            {
                double mu = Math.Max(Math.Exp(eta), Eps);
                return (mu, mu);
            }
            default:
                return (eta, 1);
        }
    }

    /// <summary>exp(x) − 1 without cancellation for small x.</summary>
    private static double Expm1(double x) => Math.Abs(x) < 1e-5 ? x + (0.5 * x * x) + (x * x * x / 6) : Math.Exp(x) - 1;
}
