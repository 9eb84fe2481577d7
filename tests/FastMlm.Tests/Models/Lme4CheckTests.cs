using System.Text.Json;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Reporting;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Models;

/// <summary>
/// Designs beyond the reference suite, fitted by lme4 1.1-31 (Lme4Checks/*.json, made by make-checks.R on the
/// simulated sets of <see cref="SimulatedData"/>): crossed with and without slopes (on the larger factor, the smaller, both), three-level nesting written
/// both ways, an uncorrelated slope, a boundary fit, groups of one observation, 100,000 levels of a random intercept, and the
/// teaching-evaluation-shaped crossed design, and a 3×3 random-effects covariance on which lme4 warns of failed convergence. Each must pass the suite's comparison.
/// </summary>
public sealed class Lme4CheckTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Lme4Checks");

    [Theory]
    [InlineData("crossed_sim_reml", "crossed_sim")]
    [InlineData("crossed_slope_sim_ml", "crossed_slope_sim")]
    [InlineData("crossed_uncorr_sim_ml", "crossed_slope_sim")]
    [InlineData("crossed_rest_slope_sim_ml", "crossed_slope_sim")]
    [InlineData("crossed_both_slopes_sim_reml", "crossed_slope_sim")]
    [InlineData("crossed_two_slopes_sim_ml", "crossed_two_slopes_sim")]
    [InlineData("crossed_two_slopes_sim_reml", "crossed_two_slopes_sim")]
    [InlineData("nested3_sim_reml", "nested3_sim")]
    [InlineData("nested3_explicit_sim_ml", "nested3_sim")]
    [InlineData("singular_sim_ml", "singular_sim")]
    [InlineData("one_obs_groups_ml", "one_obs_groups")]
    [InlineData("one_obs_groups_reml", "one_obs_groups")]
    [InlineData("sleepstudy_quadratic_ml", "sleepstudy")]
    [InlineData("nested3_naive_sim_reml", "nested3_sim")]
    [InlineData("singular_uncorr_sim_ml", "singular_sim")]
    [InlineData("singular_corr_sim_ml", "singular_corr_sim")]
    [InlineData("teaching_crossed_ml", "teaching_crossed")]
    [InlineData("sleepstudy_scaled_up_ri_ml", "sleepstudy")]
    [InlineData("sleepstudy_scaled_down_ri_ml", "sleepstudy")]
    [InlineData("rank_deficient_ml", "rank_deficient")]
    [InlineData("rank_deficient_reml", "rank_deficient")]
    [InlineData("rank_deficient_factor_reml", "rank_deficient")]
    [InlineData("ri_100k_ml", "ri_100k")]
    [InlineData("teaching_crossed_reml", "teaching_crossed")]
    public void Fit_MatchesLme4(string id, string data)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, id + ".json")));
        var root = reference.RootElement;
        var frame = BuiltInData.Contains(data) ? BuiltInData.Load(data)
            : SimulatedData.Names.Contains(data) ? SimulatedData.Frame(data)
            : CsvReader.ReadFile(Path.Combine(Folder, "data", data + ".csv"));
        var fit = LinearMixedModel.Fit(frame, root.GetProperty("formula").GetString()!, new LmmOptions { Reml = root.GetProperty("reml").GetBoolean() });
        using var result = JsonDocument.Parse(FitJson.Serialize(fit, id));
        var problems = FitComparison.Problems(root, result.RootElement);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
    }

    /// <summary>
    /// lme4 does not reach the optimum when Days is rescaled by 1e6 or 1e-6 (it stops at a boundary or warns of a
    /// degenerate Hessian); FastMlm reaches the unscaled model's optimum, 1751.9393444636682, in both.
    /// </summary>
    [Theory]
    [InlineData("sleepstudy_scaled_up_ml")]
    [InlineData("sleepstudy_scaled_down_ml")]
    public void ScaledPredictors_BeatLme4AndReachTheUnscaledOptimum(string id)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, id + ".json")));
        var root = reference.RootElement;
        var fit = LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), root.GetProperty("formula").GetString()!, new LmmOptions { Reml = false });
        Assert.True(fit.Deviance < root.GetProperty("objective").GetDouble() - 1, $"{fit.Deviance} vs lme4 {root.GetProperty("objective").GetDouble()}");
        Assert.Equal(1751.9393444636682, fit.Deviance, 1e-5);
        Assert.False(fit.IsSingular);
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
    }

    /// <summary>
    /// Conditional modes and conditional (co)variances when both the leading term and the dense block are vector
    /// terms, against lme4 1.1-31's <c>ranef(fit, condVar = TRUE)</c> for the first level of each factor.
    /// </summary>
    [Theory]
    [InlineData("a", 0.1964900510, 0.0028476272, 0.1470524327, 0.1364259685, -0.0006325586)]
    [InlineData("b", 0.3460436945, -0.0135820219, 0.1092387215, 0.0879195497, -0.0006971506)]
    public void VectorTermsInBothBlocks_ModesAndConditionalVariancesMatchLme4(string group, double intercept, double slope, double sdIntercept, double sdSlope, double covariance)
    {
        var fit = LinearMixedModel.Fit(SimulatedData.Frame("crossed_two_slopes_sim"), "y ~ x + (1 + x | a) + (1 + x | b)", new LmmOptions { Reml = false });
        var t = fit.RandomEffects.Single(r => r.Group == group);
        Assert.Equal(intercept, t.Value(0, 0), 2e-6);
        Assert.Equal(slope, t.Value(0, 1), 2e-6);
        Assert.Equal(sdIntercept, Math.Sqrt(t.ConditionalVariance(0, 0)), 2e-6);
        Assert.Equal(sdSlope, Math.Sqrt(t.ConditionalVariance(0, 1)), 2e-6);
        Assert.Equal(covariance, t.ConditionalCovariance(0, 0, 1), 1e-7);
    }

    /// <summary>lme4 drops the aliased column (x3 = x1 + x2; the never-observed cell C:V of f × h); so must we, by name.</summary>
    [Theory]
    [InlineData("y ~ x1 + x2 + x3 + (1 | g)", "x3")]
    [InlineData("y ~ f * h + (1 | g)", "fC:hV")]
    public void RankDeficientX_DropsTheColumnLme4Drops(string formula, string dropped)
    {
        var fit = LinearMixedModel.Fit(CsvReader.ReadFile(Path.Combine(Folder, "data", "rank_deficient.csv")), formula);
        Assert.Equal([dropped], fit.DroppedColumns);
        Assert.Contains(fit.Messages, m => m.Contains(dropped, StringComparison.Ordinal));
    }
}
