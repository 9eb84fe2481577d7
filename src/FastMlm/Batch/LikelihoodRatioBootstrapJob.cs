using System.Collections.Concurrent;
using System.Globalization;
using FastMlm.Models;
using FastMlm.Optimization;
using FastMlm.Simulation;

namespace FastMlm.Batch;

/// <summary>
/// The parametric bootstrap of a likelihood-ratio test (pbkrtest's <c>PBmodcomp</c>): each replicate draws a
/// response from the smaller model's fit, refits both models to it (only the y-parts of their cross-products
/// change) and records the statistic 2(ℓ_large − ℓ_small). The p-value is (1 + #{LRT* ≥ LRT})/(1 + N).
/// </summary>
public sealed class LikelihoodRatioBootstrapJob : IBatchJob
{
    private readonly FitResult _small;
    private readonly FitResult _large;
    private readonly long _seed;
    private readonly int _count;
    private readonly ConcurrentBag<(ProfiledLmm Small, ProfiledLmm Large)> _engines = new();

    /// <summary>A bootstrap of the test of <paramref name="small"/> within <paramref name="large"/> (both maximum-likelihood fits to the same rows).</summary>
    public LikelihoodRatioBootstrapJob(FitResult small, FitResult large, int replicates, long seed)
    {
        ArgumentNullException.ThrowIfNull(small);
        ArgumentNullException.ThrowIfNull(large);
        if (small.Reml || large.Reml) throw new ModelException("the bootstrap likelihood-ratio test compares maximum-likelihood fits");
        if (!small.Design.Frame.Rows.SequenceEqual(large.Design.Frame.Rows)) throw new ModelException("the two models must use the same rows");
        if (replicates < 1) throw new BatchException("at least one replicate is needed");
        _small = small;
        _large = large;
        _seed = seed;
        _count = replicates;
        Observed = Math.Max(small.Criterion - large.Criterion, 0);
        Key = string.Join("\u0001", "lrt-bootstrap", small.Formula, large.Formula, seed.ToString(CultureInfo.InvariantCulture), replicates.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The observed statistic.</summary>
    public double Observed { get; }

    /// <inheritdoc/>
    public string Key { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Columns { get; } = ["lrt", "deviance_small", "deviance_large"];

    /// <inheritdoc/>
    public int Count => _count;

    /// <inheritdoc/>
    public string Id(int index) => (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public BatchRow Run(int index)
    {
        (ProfiledLmm Small, ProfiledLmm Large) pair = _engines.TryTake(out var p) ? p : (new ProfiledLmm(_small.Design, false), new ProfiledLmm(_large.Design, false));
        try
        {
            var rng = new RandomStream(_seed, index);
            var y = new double[pair.Small.N];
            pair.Small.Simulate(_small.InternalTheta.ToArray(), _small.FixedEffects.Select(f => f.Estimate).ToArray(), _small.Sigma, rng.NextNormal, y);
            var (d0, ok0) = Refit(pair.Small, y, _small.InternalTheta.ToArray());
            var (d1, ok1) = Refit(pair.Large, y, _large.InternalTheta.ToArray());
            bool ok = ok0 && ok1;
            return new BatchRow(index, Id(index), ok, [Math.Max(d0 - d1, 0), d0, d1], ok ? "" : "a refit did not converge", null);
        }
        finally
        {
            _engines.Add(pair);
        }
    }

    private static (double Deviance, bool Converged) Refit(ProfiledLmm engine, double[] y, double[] start)
    {
        engine.SetResponse(y);
        var opt = engine.Minimize(start, LinearMixedModel.DefaultOptimizer);
        return (opt.Value, opt.Converged);
    }

    /// <summary>The bootstrap p-value from the replicates' statistics: (1 + #{LRT* ≥ LRT})/(1 + N).</summary>
    public double PValue(IEnumerable<double> statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var list = statistics.Where(double.IsFinite).ToArray();
        // A replicate equal to the observed statistic up to rounding counts as reaching it.
        double cut = Observed - (1e-9 * Math.Max(1, Observed));
        return (1.0 + list.Count(s => s >= cut)) / (1.0 + list.Length);
    }
}
