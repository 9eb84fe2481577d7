using FastMlm.Models;

namespace FastMlm.Diagnostics;

/// <summary>One level's conditional mode with its interval.</summary>
/// <param name="Level">The level.</param>
/// <param name="Mode">The conditional mode b̂.</param>
/// <param name="Lower">Mode − z·condSD.</param>
/// <param name="Upper">Mode + z·condSD.</param>
public sealed record CaterpillarRow(string Level, double Mode, double Lower, double Upper);

/// <summary>The caterpillar plot of one random-effect column: every level's mode and interval, sorted by the mode.</summary>
/// <param name="Group">lme4's group name.</param>
/// <param name="Column">The random-effect column.</param>
/// <param name="Rows">The levels, ascending by mode.</param>
public sealed record CaterpillarPanel(string Group, string Column, IReadOnlyList<CaterpillarRow> Rows)
{
    /// <summary>The scale of the modes when it is not the response's: a GLMM's are on the link scale (<c>logit scale</c>); else null.</summary>
    public string? Scale { get; init; }
}

/// <summary>The data of lme4's <c>dotplot(ranef(fit, condVar = TRUE))</c>, from <see cref="RandomEffectIntervals"/>.</summary>
public static class Caterpillar
{
    /// <summary>
    /// One panel per random-effects term and column, in lme4's order; intervals mode ± z·condSD at <paramref name="level"/>
    /// (a GLMM's on the link scale, from the conditional variances at the converged PIRLS weights, as glmer's <c>condVar</c>).
    /// </summary>
    public static IReadOnlyList<CaterpillarPanel> Compute(FitResult fit, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(fit);
        string? scale = Residuals.LinkScale(fit);
        return RandomEffectIntervals.Compute(fit, level)
            .GroupBy(i => (i.Group, i.Column))
            .Select(g => new CaterpillarPanel(g.Key.Group, g.Key.Column,
                g.OrderBy(i => i.Mode).Select(i => new CaterpillarRow(i.Level, i.Mode, i.Lower, i.Upper)).ToArray()) { Scale = scale })
            .ToArray();
    }
}
