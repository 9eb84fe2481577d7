using FastMlm.Models;

namespace FastMlm.Simulation;

/// <summary>Responses drawn from a fitted linear mixed model (lme4's <c>simulate(fit)</c>, new random effects each time).</summary>
public static class ResponseSimulator
{
    /// <summary>
    /// One response for the fit's rows: y = Xβ̂ + Zb + ε (+ offset), b ~ N(0, σ̂²ΛΛ'), ε ~ N(0, σ̂²), drawn from
    /// <c>new RandomStream(seed, index)</c> — the stream replicate <paramref name="index"/> of a bootstrap seeded
    /// with <paramref name="seed"/> uses.
    /// </summary>
    public static double[] Simulate(FitResult fit, long seed, long index = 0)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var engine = fit.Engine ?? throw new ModelException("simulation needs the fitted linear mixed model");
        var rng = new RandomStream(seed, index);
        var y = new double[engine.N];
        engine.Simulate(fit.InternalTheta.ToArray(), fit.FixedEffects.Select(f => f.Estimate).ToArray(), fit.Sigma, rng.NextNormal, y);
        return y;
    }
}
