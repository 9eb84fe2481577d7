namespace FastMlm.Models;

/// <summary>
/// One conditional mode (EBLUP) with its conditional standard deviation and a normal interval around it.
/// </summary>
/// <param name="Group">lme4's group name (<c>g.1</c> for a second term on g).</param>
/// <param name="Factor">The grouping factor.</param>
/// <param name="Level">The factor's level.</param>
/// <param name="Column">The random-effect column (<c>(Intercept)</c>, <c>Days</c>).</param>
/// <param name="Mode">The conditional mode b̂.</param>
/// <param name="ConditionalSd">The square root of its conditional variance (lme4's <c>condVar</c>), given θ̂, σ̂ and β̂.</param>
/// <param name="Lower">Mode − z·condSD.</param>
/// <param name="Upper">Mode + z·condSD.</param>
public sealed record RandomEffectInterval(string Group, string Factor, string Level, string Column, double Mode, double ConditionalSd, double Lower, double Upper);

/// <summary>
/// Intervals for every level's conditional modes: mode ± z·condSD with z the standard normal quantile of
/// (1 + level)/2 — the intervals of lme4's <c>dotplot(ranef(fit, condVar = TRUE))</c>. They are conditional on the
/// estimated variance parameters and fixed effects, so they are narrower than intervals that account for those.
/// </summary>
public static class RandomEffectIntervals
{
    /// <summary>Every term's levels and columns, terms in lme4's order (as <see cref="FitResult.RandomEffects"/>), then levels, then columns.</summary>
    /// <param name="fit">The fitted model.</param>
    /// <param name="level">The confidence level, strictly between 0 and 1 (0.95 by default).</param>
    public static IReadOnlyList<RandomEffectInterval> Compute(FitResult fit, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(fit);
        Inference.ConfidenceIntervals.CheckLevel(level);
        double z = Inference.Distributions.NormalQuantile((1 + level) / 2);
        var list = new List<RandomEffectInterval>();
        foreach (var table in fit.RandomEffects)
        {
            for (int l = 0; l < table.Levels.Count; l++)
            {
                for (int c = 0; c < table.Columns.Count; c++)
                {
                    double mode = table.Value(l, c);
                    double sd = Math.Sqrt(Math.Max(table.ConditionalVariance(l, c), 0));
                    list.Add(new RandomEffectInterval(table.Group, table.Factor, table.Levels[l], table.Columns[c], mode, sd, mode - (z * sd), mode + (z * sd)));
                }
            }
        }
        return list;
    }
}
