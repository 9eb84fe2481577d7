using System.Text.Json;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Reporting;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Models;

/// <summary>
/// GLMMs beyond the reference suite, fitted by lme4 1.1-31's glmer (Lme4Checks/*.json, made by make-glmm-checks.R on
/// the simulated sets of <see cref="SimulatedData"/>): a binary response with crossed factors (logit and probit), successes
/// out of trials with a correlated random slope (cbind and a proportion with weights), Poisson counts with an offset
/// and nested factors, and small groups fitted with nAGQ 0, 1, 5 and 25 and the cloglog link. Each must pass the
/// suite's comparison — the deviance at least as good as glmer's — and converge.
/// </summary>
public sealed class GlmmLme4CheckTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Lme4Checks");

    internal static FitResult FitCase(JsonElement root, string data)
    {
        var family = Families.Parse(root.GetProperty("family").GetString()!);
        var options = new GlmmOptions
        {
            Link = root.TryGetProperty("link", out var link) ? Links.Parse(link.GetString()!, family) : null,
            Nagq = root.GetProperty("nAGQ").GetInt32(),
            // A reference made with glmer's PIRLS tolerance tightened has the exact Hessian's standard errors.
            StandardErrors = root.TryGetProperty("tolPwrss", out var tol) && tol.GetDouble() < 1e-7 ? GlmmStandardErrors.Hessian : GlmmStandardErrors.Glmer,
        };
        string? weights = root.TryGetProperty("weights", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null;
        return GeneralizedLinearMixedModel.Fit(SimulatedData.Frame(data), root.GetProperty("formula").GetString()!, family, options, weights);
    }

    [Theory]
    [InlineData("bernoulli_crossed_laplace", "bernoulli_crossed_sim")]
    [InlineData("bernoulli_crossed_probit", "bernoulli_crossed_sim")]
    [InlineData("binomial_slopes_laplace", "binomial_slopes_sim")]
    [InlineData("binomial_slopes_weights", "binomial_slopes_sim")]
    [InlineData("poisson_nested_offset_laplace", "poisson_nested_sim")]
    [InlineData("bernoulli_groups_nagq0", "bernoulli_groups_sim")]
    [InlineData("bernoulli_groups_agq1_tight", "bernoulli_groups_sim")]
    [InlineData("bernoulli_groups_agq5", "bernoulli_groups_sim")]
    [InlineData("bernoulli_groups_agq25", "bernoulli_groups_sim")]
    [InlineData("bernoulli_groups_cloglog", "bernoulli_groups_sim")]
    public void Fit_MatchesGlmer(string id, string data)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, id + ".json")));
        var root = reference.RootElement;
        var fit = FitCase(root, data);
        using var result = JsonDocument.Parse(FitJson.Serialize(fit, id));
        var problems = FitComparison.Problems(root, result.RootElement);
        Assert.True(problems.Count == 0, string.Join("; ", problems) + $" (objective {fit.Deviance:R} vs {root.GetProperty("objective").GetDouble():R})");
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
    }

    /// <summary>
    /// "At least as good an optimum", measured on one criterion: the deviance FastMlm reports is no higher than its
    /// own criterion (PIRLS converged) evaluated at glmer's estimates. glmer's reported figure can read lower than that
    /// (its PIRLS stops at a relative change of 1e-7: cloglog by 3e-4), which is why the suite allows 1e-3.
    /// </summary>
    [Theory]
    [InlineData("bernoulli_crossed_laplace", "bernoulli_crossed_sim")]
    [InlineData("bernoulli_crossed_probit", "bernoulli_crossed_sim")]
    [InlineData("binomial_slopes_laplace", "binomial_slopes_sim")]
    [InlineData("binomial_slopes_weights", "binomial_slopes_sim")]
    [InlineData("poisson_nested_offset_laplace", "poisson_nested_sim")]
    [InlineData("bernoulli_groups_nagq0", "bernoulli_groups_sim")]
    [InlineData("bernoulli_groups_agq1", "bernoulli_groups_sim")]
    [InlineData("bernoulli_groups_agq5", "bernoulli_groups_sim")]
    [InlineData("bernoulli_groups_agq25", "bernoulli_groups_sim")]
    [InlineData("bernoulli_groups_cloglog", "bernoulli_groups_sim")]
    public void Deviance_IsNoHigherThanTheCriterionAtGlmersEstimates(string id, string data)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, id + ".json")));
        var root = reference.RootElement;
        var fit = FitCase(root, data);
        Assert.Equal(fit.Theta, fit.InternalTheta); // no column rescaled: glmer's θ is the engine's
        var design = fit.Design;
        var evaluator = new GlmmEvaluator(design, new GlmResponse(design.Response, fit.Family, Links.Parse(fit.Link, fit.Family)));
        var thetaNode = root.GetProperty("theta");
        double[] theta = thetaNode.ValueKind == JsonValueKind.Array ? thetaNode.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [thetaNode.GetDouble()];
        double[] beta = fit.FixedEffects.Select(f => root.GetProperty("fixef").EnumerateArray().Single(r => r.GetProperty("term").GetString() == f.Term).GetProperty("estimate").GetDouble()).ToArray();
        int nagq = fit.Nagq!.Value;
        double atGlmer;
        if (nagq == 0)
        {
            atGlmer = evaluator.FastDeviance(theta);
        }
        else if (nagq == 1)
        {
            atGlmer = evaluator.Laplace(theta, beta);
        }
        else
        {
            var (nodes, weights) = GaussHermite.Rule(nagq);
            atGlmer = evaluator.Quadrature(theta, beta, nodes, weights);
        }
        Assert.True(evaluator.LastConverged);
        Assert.True(fit.Deviance <= atGlmer + 1e-8, $"{fit.Deviance:R} > {atGlmer:R} (the criterion at glmer's estimates)");
    }

    /// <summary>
    /// On the small groups glmer, at its default PIRLS tolerance, stops 0.0056 short of the Laplace optimum (with
    /// tolPwrss = 1e-12 it reaches FastMlm's, bernoulli_groups_agq1_tight above); its slope is then 1.1% of a standard
    /// error from the optimum's. FastMlm's deviance must be the lower, and its glmer-style standard errors glmer's.
    /// </summary>
    [Fact]
    public void SmallGroups_Laplace_BeatsGlmerAtItsDefaultTolerance()
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "bernoulli_groups_agq1.json")));
        var root = reference.RootElement;
        var fit = FitCase(root, "bernoulli_groups_sim");
        double glmer = root.GetProperty("objective").GetDouble();
        Assert.True(fit.Deviance < glmer - 0.005, $"{fit.Deviance:R} vs glmer {glmer:R}");
        foreach (var r in root.GetProperty("fixef").EnumerateArray())
        {
            var mine = fit.FixedEffects.Single(f => f.Term == r.GetProperty("term").GetString());
            double se = r.GetProperty("se").GetDouble();
            Assert.True(Math.Abs(mine.StandardError - se) <= 0.01 * se, $"{mine.Term}: se {mine.StandardError} vs glmer {se}");
        }
    }
}
