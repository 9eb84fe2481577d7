using System.Globalization;
using FastMlm.Models;
using FastMlm.Optimization;

namespace FastMlm.Inference;

/// <summary>How an interval was computed.</summary>
public enum IntervalMethod
{
    /// <summary>Estimate ± z·SE (fixed effects only, as lme4's <c>confint(method = "Wald")</c>).</summary>
    Wald,

    /// <summary>Likelihood-profile intervals (lme4's <c>confint(method = "profile")</c>).</summary>
    Profile,

    /// <summary>Percentiles of parametric-bootstrap replicates.</summary>
    Bootstrap,
}

/// <summary>One parameter's interval.</summary>
/// <param name="Parameter">lme4's name: <c>.sig01</c>… for the random-effect SDs and correlations in VarCorr order, <c>.sigma</c>, then the fixed effects.</param>
/// <param name="Description">What the parameter is (<c>sd (Intercept)|Subject</c>, <c>cor (Intercept).Days|Subject</c>, <c>sigma</c>, or the term).</param>
/// <param name="Estimate">The estimate.</param>
/// <param name="Lower">The lower limit (NaN when the method gives none).</param>
/// <param name="Upper">The upper limit.</param>
/// <param name="Note">A limit at a bound of the parameter space, or why no limit could be found.</param>
public sealed record ConfidenceInterval(string Parameter, string Description, double Estimate, double Lower, double Upper, string? Note = null);

/// <summary>Wald and likelihood-profile confidence intervals for a linear mixed model.</summary>
public static class ConfidenceIntervals
{
    /// <summary>Wald intervals β̂ ± z SE for the fixed effects (lme4 gives none for the variance parameters).</summary>
    public static IReadOnlyList<ConfidenceInterval> Wald(FitResult fit, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(fit);
        CheckLevel(level);
        double z = Distributions.NormalQuantile(0.5 + (level / 2));
        return fit.FixedEffects.Select(f => new ConfidenceInterval(f.Term, f.Term, f.Estimate, f.Estimate - (z * f.StandardError), f.Estimate + (z * f.StandardError))).ToArray();
    }

    /// <summary>
    /// The fixed effects of a GLMM exponentiated with their Wald intervals, exp(β̂ ± z SE): odds ratios under the logit
    /// link, rate ratios under the log link, hazard ratios under the complementary log-log link.
    /// </summary>
    /// <exception cref="ModelException">The model is linear, or its link (probit) gives no ratio.</exception>
    public static IReadOnlyList<ConfidenceInterval> Exponentiated(FitResult fit, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(fit);
        string what = RatioName(fit);
        return Wald(fit, level).Select(c => new ConfidenceInterval(c.Parameter, what, Math.Exp(c.Estimate), Math.Exp(c.Lower), Math.Exp(c.Upper))).ToArray();
    }

    /// <summary>What exp(β) is under the fit's link: "odds ratio", "rate ratio" or "hazard ratio".</summary>
    /// <exception cref="ModelException">The link gives no ratio (identity, probit).</exception>
    public static string RatioName(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return fit.Link switch
        {
            "logit" => "odds ratio",
            "log" => "rate ratio",
            "cloglog" => "hazard ratio",
            _ => throw new ModelException($"exponentiated coefficients are ratios only under the logit, log or cloglog link; this model's link is {fit.Link}"),
        };
    }

    /// <summary>
    /// Profile intervals for every parameter: the random-effect SDs and correlations, σ and the fixed effects. For
    /// each, the criterion (−2 log-likelihood, or the REML criterion of a REML fit) is minimised over all other
    /// parameters with this one held fixed; the limits are where the signed square root of its rise,
    /// ζ = sign(v − v̂)·√(d(v) − d̂), reaches ∓z. A limit that would lie beyond a bound (an SD of zero, a
    /// correlation of ±1) is the bound, noted. The profile is of the likelihood: a REML fit is refitted by
    /// maximum likelihood first, as lme4's <c>profile</c> does, so the intervals are lme4's.
    /// </summary>
    /// <param name="fit">The fit.</param>
    /// <param name="level">The confidence level.</param>
    /// <param name="threads">Profiles computed at once (each on its own copy of the evaluator).</param>
    public static IReadOnlyList<ConfidenceInterval> Profile(FitResult fit, double level = 0.95, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(fit);
        CheckLevel(level);
        var ml = MaximumLikelihood(fit);
        double z = Distributions.NormalQuantile(0.5 + (level / 2));
        // Each parameter's profile is a work item on the batch scheduler, each worker with its own evaluator.
        var job = new ProfileJob(ml, z, threads);
        var sink = new Batch.MemorySink(job.Count);
        Batch.BatchScheduler.Run(job, sink, new Batch.BatchRunOptions { Threads = threads });
        return job.Intervals(sink);
    }

    /// <summary>The profiles of a fit's parameters as batch items: variance parameters first, then the fixed effects.</summary>
    private sealed class ProfileJob(FitResult ml, double z, int threads) : Batch.IBatchJob
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<LikelihoodProfile> _profiles = new();
        private readonly ConfidenceInterval?[] _results = new ConfidenceInterval?[ml.Theta.Count + 1 + ml.FixedEffects.Count];

        public string Key => "profile";

        public IReadOnlyList<string> Columns { get; } = ["estimate", "lower", "upper"];

        public int Count => _results.Length;

        public string Id(int index) => index.ToString(CultureInfo.InvariantCulture);

        public Batch.BatchRow Run(int index)
        {
            // With one thread the fit's own evaluator serves; otherwise each worker builds one from the design.
            var profile = _profiles.TryTake(out var p) ? p : new LikelihoodProfile(ml, threads > 1 ? new ProfiledLmm(ml.Design, reml: false) : null);
            try
            {
                var ci = profile.Interval(index, z);
                _results[index] = ci;
                return new Batch.BatchRow(index, ci.Parameter, true, [ci.Estimate, ci.Lower, ci.Upper], ci.Note ?? "", null);
            }
            finally
            {
                _profiles.Add(profile);
            }
        }

        public IReadOnlyList<ConfidenceInterval> Intervals(Batch.MemorySink sink)
        {
            var failed = sink.Rows.FirstOrDefault(r => r?.Error is not null);
            if (failed is not null) throw new ModelException($"the profile of parameter {failed.Index + 1} failed: {failed.Error}");
            return _results.Select(r => r!).ToArray();
        }
    }

    /// <summary>The fit itself when it is by ML, else its refit by ML with the same settings.</summary>
    public static FitResult MaximumLikelihood(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (!fit.Reml) return fit;
        return LinearMixedModel.Fit(fit.Design, new LmmOptions
        {
            Reml = false,
            Optimizer = fit.Options.Optimizer,
            CheckConvergence = false,
            SingularTolerance = fit.Options.SingularTolerance,
        });
    }

    internal static void CheckLevel(double level)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "the confidence level must lie strictly between 0 and 1");
    }

    internal static string Name(int index) => string.Create(CultureInfo.InvariantCulture, $".sig{index + 1:00}");
}
