using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Optimization;

namespace FastMlm.Simulation;

/// <summary>How a parametric bootstrap runs.</summary>
public sealed class BootstrapOptions
{
    /// <summary>Replicates.</summary>
    public int Replicates { get; init; } = 1000;

    /// <summary>The job's seed: replicate i draws from <c>new RandomStream(Seed, i)</c>.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Replicates refitted at once (one per core by default).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Called after each replicate with the number done so far (from any thread).</summary>
    public Action<int>? Progress { get; init; }

    /// <summary>Stops the job between replicates; the replicates done so far are returned.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// The replicates of a parametric bootstrap: row r holds replicate r's parameters in <see cref="Names"/>' order
/// (the fixed effects, then the SDs and correlations <c>.sig01</c>… and <c>.sigma</c>), its criterion and θ.
/// </summary>
public sealed class BootstrapResult
{
    internal BootstrapResult(FitResult fit, string[] names, string[] descriptions, double[][] values, double[][] theta, double[] criterion, bool[] converged, int completed)
    {
        Fit = fit;
        Names = names;
        Descriptions = descriptions;
        Values = values;
        Theta = theta;
        Criterion = criterion;
        Converged = converged;
        Completed = completed;
    }

    /// <summary>The fit the replicates were simulated from.</summary>
    public FitResult Fit { get; }

    /// <summary>Parameter names: the fixed effects' terms, then lme4's <c>.sig01</c>… and <c>.sigma</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>What each parameter is (<c>sd_Days|Subject</c>, …).</summary>
    public IReadOnlyList<string> Descriptions { get; }

    /// <summary>Per replicate, the parameters in <see cref="Names"/>' order; null for a replicate not run (cancelled).</summary>
    public IReadOnlyList<double[]?> Values { get; }

    /// <summary>Per replicate, lme4's θ.</summary>
    public IReadOnlyList<double[]?> Theta { get; }

    /// <summary>Per replicate, the criterion at its optimum (REML or −2 log-likelihood, as the fit).</summary>
    public IReadOnlyList<double> Criterion { get; }

    /// <summary>Per replicate, whether its optimiser converged.</summary>
    public IReadOnlyList<bool> Converged { get; }

    /// <summary>Replicates completed (all unless cancelled).</summary>
    public int Completed { get; }

    /// <summary>
    /// Percentile intervals: the (1 − level)/2 and (1 + level)/2 quantiles (R's type 7) of each parameter over the
    /// completed replicates (correlations undefined in a replicate, at a zero SD, are left out).
    /// </summary>
    public IReadOnlyList<ConfidenceInterval> PercentileIntervals(double level = 0.95)
    {
        ConfidenceIntervals.CheckLevel(level);
        var result = new List<ConfidenceInterval>();
        var estimates = Fit.FixedEffects.Select(f => f.Estimate).ToList();
        var phi = new double[Fit.Theta.Count + 1];
        VarianceParameters.FromTheta(Fit.RandomEffects.Select(t => t.Columns.Count).ToArray(), Fit.Theta.ToArray(), Fit.Sigma, phi);
        estimates.AddRange(phi);
        for (int j = 0; j < Names.Count; j++)
        {
            var sample = Values.Where(v => v is not null && double.IsFinite(v[j])).Select(v => v![j]).Order().ToArray();
            if (sample.Length == 0)
            {
                result.Add(new ConfidenceInterval(Names[j], Descriptions[j], estimates[j], double.NaN, double.NaN, "no replicate gave a value"));
                continue;
            }
            result.Add(new ConfidenceInterval(Names[j], Descriptions[j], estimates[j], Quantile(sample, (1 - level) / 2), Quantile(sample, (1 + level) / 2),
                sample.Length < Completed ? $"{Completed - sample.Length} replicates without a value left out" : null));
        }
        return result;
    }

    /// <summary>R's default (type 7) quantile of sorted values.</summary>
    internal static double Quantile(double[] sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}

/// <summary>
/// Parametric bootstrap of a linear mixed model (lme4's <c>bootMer</c> with <c>use.u = FALSE</c>): each replicate
/// draws new random effects and residuals from the fitted (θ̂, β̂, σ̂), replaces the response — only the y-parts
/// of A are recomputed — and refits from θ̂. Replicates run in parallel, one engine per thread; replicate i uses
/// its own random stream, so a seed gives the same replicates whatever the thread count.
/// </summary>
public static class ParametricBootstrap
{
    private static readonly BobyqaOptions s_refit = LinearMixedModel.DefaultOptimizer;

    /// <summary>Runs the bootstrap.</summary>
    public static BootstrapResult Run(FitResult fit, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        options ??= new BootstrapOptions();
        if (options.Replicates < 1) throw new ArgumentOutOfRangeException(nameof(options), "at least one replicate is needed");
        if (fit.Engine is null) throw new ModelException("the bootstrap needs the fitted linear mixed model");
        int nsim = options.Replicates;
        int p = fit.FixedEffects.Count;
        int k = fit.Theta.Count;
        var (varNames, varDescriptions, _) = VarianceParameters.Describe(fit);
        var names = fit.FixedEffects.Select(f => f.Term).Concat(varNames).ToArray();
        var descriptions = fit.FixedEffects.Select(f => f.Term).Concat(varDescriptions).ToArray();

        // The batch scheduler runs the replicates (the same component as every other batch job).
        var job = new Batch.BootstrapJob(fit, nsim, options.Seed);
        var sink = new Batch.MemorySink(nsim);
        Batch.BatchScheduler.Run(job, sink, new Batch.BatchRunOptions
        {
            Threads = options.Threads,
            Cancellation = options.Cancellation,
            Progress = options.Progress is null ? null : (done, _) => options.Progress(done),
        });

        // A job row is: objective, β (p), the SDs/correlations and σ (k + 1), θ (k).
        var values = new double[nsim][];
        var thetas = new double[nsim][];
        var criterion = new double[nsim];
        var converged = new bool[nsim];
        for (int r = 0; r < nsim; r++)
        {
            if (sink.Rows[r] is not { } row) continue;
            values[r] = row.Values.AsSpan(1, p + k + 1).ToArray();
            thetas[r] = row.Values.AsSpan(p + k + 2, k).ToArray();
            criterion[r] = row.Values[0];
            converged[r] = row.Converged;
        }
        return new BootstrapResult(fit, names, descriptions, values, thetas, criterion, converged, sink.Done);
    }

    /// <summary>One replicate's estimates.</summary>
    internal sealed record ReplicateResult(double[] Beta, double[] Variance, double[] Theta, double Criterion, bool Converged);

    /// <summary>
    /// Replicate <paramref name="r"/> of a job seeded with <paramref name="seed"/>: a response drawn from the fit at
    /// (θ̂, β̂, σ̂) with the replicate's own stream, set into <paramref name="engine"/> (built from the fit's design),
    /// and refitted from θ̂.
    /// </summary>
    internal static ReplicateResult Replicate(ProfiledLmm engine, FitResult fit, double[] thetaHat, double[] betaHat, long seed, int r)
    {
        int p = betaHat.Length, k = thetaHat.Length;
        var rng = new RandomStream(seed, r);
        var y = new double[engine.N];
        engine.Simulate(thetaHat, betaHat, fit.Sigma, rng.NextNormal, y);
        engine.SetResponse(y);
        var opt = engine.Minimize(thetaHat, s_refit);
        var beta = new double[p];
        var unscaled = new double[p * p];
        engine.FixedEffects(beta, unscaled);
        double sigma = Math.Sqrt(engine.ResidualVariance);
        var reported = engine.ReportedTheta(opt.X);
        var variance = new double[k + 1];
        VarianceParameters.FromTheta(fit.RandomEffects.Select(t => t.Columns.Count).ToArray(), reported, sigma, variance);
        bool converged = opt.Converged;
        return new ReplicateResult(beta, variance, reported, opt.Value, converged);
    }
}
