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
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "the level must lie strictly between 0 and 1");
        double z = StandardNormalQuantile((1 + level) / 2);
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

    /// <summary>
    /// The standard normal quantile Φ⁻¹(p), by Wichura's algorithm AS 241 (PPND16), accurate to about 1e-16
    /// relative, as R's <c>qnorm</c>.
    /// </summary>
    internal static double StandardNormalQuantile(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        double q = p - 0.5;
        if (Math.Abs(q) <= 0.425)
        {
            double r = 0.180625 - (q * q);
            return q * Horner(r, 2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457,
                    13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608)
                / Horner(r, 5226.495278852545925, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867,
                    5394.1960214247511077, 687.1870074920579083, 42.313330701600911252, 1.0);
        }
        double t = Math.Sqrt(-Math.Log(q < 0 ? p : 1 - p));
        double value;
        if (t <= 5)
        {
            t -= 1.6;
            value = Horner(t, 7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258,
                    3.64784832476320460504, 5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734)
                / Horner(t, 1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459,
                    0.68976733498510000455, 1.6763848301838038494, 2.05319162663775882187, 1.0);
        }
        else
        {
            t -= 5;
            value = Horner(t, 2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093,
                    0.29656057182850489123, 1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772)
                / Horner(t, 2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4,
                    0.0148753612908506148525, 0.13692988092273580531, 0.59983220655588793769, 1.0);
        }
        return q < 0 ? -value : value;
    }

    /// <summary>The polynomial with coefficients <paramref name="c"/> (highest degree first) at <paramref name="x"/>.</summary>
    private static double Horner(double x, params ReadOnlySpan<double> c)
    {
        double s = 0;
        foreach (double a in c) s = (s * x) + a;
        return s;
    }
}
