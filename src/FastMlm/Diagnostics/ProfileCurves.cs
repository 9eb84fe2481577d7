using FastMlm.Inference;
using FastMlm.Models;

namespace FastMlm.Diagnostics;

/// <summary>
/// One parameter's likelihood profile: ζ(v) = sign(v − v̂)·√(d(v) − d̂) at points v, d the deviance minimised over
/// the other parameters (lme4's <c>profile</c>, drawn by its <c>xyplot</c>). ζ is zero at the estimate and crosses ∓z
/// at the profile interval's limits.
/// </summary>
/// <param name="Parameter">lme4's name: <c>.sig01</c>…, <c>.sigma</c>, or the fixed effect's term.</param>
/// <param name="Description">What it is: <c>sd_Days|Subject</c>, <c>cor_Days.(Intercept)|Subject</c>, <c>sigma</c>, the term.</param>
/// <param name="Estimate">The maximum-likelihood estimate.</param>
/// <param name="Lower">The lower limit of the profile interval (a bound of the parameter space where ζ does not reach −z before it; NaN if the search failed).</param>
/// <param name="Upper">The upper limit.</param>
/// <param name="Values">The points v, ascending, from <paramref name="Lower"/> to <paramref name="Upper"/> with the estimate among them.</param>
/// <param name="Zeta">ζ at each point.</param>
public sealed record ProfileCurve(string Parameter, string Description, double Estimate, double Lower, double Upper,
    IReadOnlyList<double> Values, IReadOnlyList<double> Zeta);

/// <summary>The profiles of every parameter of a linear mixed model, from the machinery of the profile intervals (<see cref="ConfidenceIntervals.Profile"/>).</summary>
public static class ProfileCurves
{
    /// <summary>
    /// The profile of each variance parameter (SDs and correlations in θ's order, then σ) and each fixed effect, over its
    /// profile interval at <paramref name="level"/>. A REML fit is refitted by maximum likelihood first, as lme4 does.
    /// </summary>
    /// <param name="fit">A linear mixed model.</param>
    /// <param name="level">The level of the intervals the curves span.</param>
    /// <param name="points">Points per curve besides the estimate (at least 2).</param>
    /// <param name="progress">Called with (parameters done, parameters in all) after each parameter.</param>
    public static IReadOnlyList<ProfileCurve> Compute(FitResult fit, double level = 0.95, int points = 12, Action<int, int>? progress = null)
    {
        Residuals.CheckLinear(fit, "profile plots are not available for GLMMs: likelihood profiles (and profile intervals) are computed for linear mixed models only");
        ConfidenceIntervals.CheckLevel(level);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        var ml = ConfidenceIntervals.MaximumLikelihood(fit);
        double z = Distributions.NormalQuantile(0.5 + (level / 2));
        var profile = new LikelihoodProfile(ml);
        int count = profile.VarianceParameterCount + ml.FixedEffects.Count;
        var curves = new ProfileCurve[count];
        for (int index = 0; index < count; index++)
        {
            var p = profile.Parameter(index);
            var (lo, _) = LikelihoodProfile.Root(p.Zeta, p.Estimate, p.Step, p.LowerBound, p.UpperBound, -z);
            var (hi, _) = LikelihoodProfile.Root(p.Zeta, p.Estimate, p.Step, p.LowerBound, p.UpperBound, z);
            double from = double.IsFinite(lo) ? lo : p.Estimate - (3 * p.Step);
            double to = double.IsFinite(hi) ? hi : p.Estimate + (3 * p.Step);
            var values = Enumerable.Range(0, points).Select(k => from + ((to - from) * k / (points - 1)))
                .Append(p.Estimate).Distinct().Order().ToArray();
            var zeta = values.Select(p.Zeta).ToArray();
            var finite = Enumerable.Range(0, values.Length).Where(i => double.IsFinite(zeta[i])).ToArray();
            profile.Restore();
            curves[index] = new ProfileCurve(p.Name, p.Description, p.Estimate, lo, hi, finite.Select(i => values[i]).ToArray(), finite.Select(i => zeta[i]).ToArray());
            progress?.Invoke(index + 1, count);
        }
        return curves;
    }
}
