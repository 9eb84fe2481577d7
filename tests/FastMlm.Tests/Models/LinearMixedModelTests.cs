using System.Globalization;
using System.Text;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Models;
using FastMlm.Optimization;

namespace FastMlm.Tests.Models;

/// <summary>Fits at the edges: boundary estimates, aliased columns, badly scaled predictors, tiny groups, convergence reports.</summary>
public sealed class LinearMixedModelTests
{
    private static FitResult Fit(string data, string formula, bool reml = false, LmmOptions? options = null) =>
        LinearMixedModel.Fit(BuiltInData.Load(data), formula, options ?? new LmmOptions { Reml = reml });

    private static DataFrame Csv(string text) => CsvReader.Parse(text, source: "inline");

    [Fact]
    public void SleepstudyMl_ReachesLme4sOptimumToItsLastDigits()
    {
        var fit = Fit("sleepstudy", "Reaction ~ 1 + Days + (1 + Days | Subject)");
        Assert.True(fit.Criterion <= 1751.9393444636682 + 1e-7, fit.Criterion.ToString("R", CultureInfo.InvariantCulture));
        Assert.True(fit.Criterion >= 1751.9393444636682 - 1e-6);
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
        Assert.Empty(fit.Messages);
    }

    [Fact]
    public void Dyestuff2_IsSingular_ThetaZero_AndSaysSo()
    {
        var fit = Fit("dyestuff2", "Yield ~ 1 + (1 | Batch)", reml: true);
        Assert.True(fit.IsSingular);
        Assert.Equal(0, fit.Theta[0]);
        Assert.Equal(0, fit.VarCorr[0].Value);
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
        Assert.Contains(fit.Messages, m => m.StartsWith("boundary (singular) fit: the variance of (Intercept) in Batch is estimated as zero", StringComparison.Ordinal));
        // ../shared/reference/dyestuff2_singular_reml.json: logLik -80.9141389061442, sigma 3.71568427447573
        Assert.Equal(2 * 80.9141389061442, fit.Criterion, 1e-9);
        Assert.Equal(3.71568427447573, fit.Sigma, 1e-10);
    }

    [Fact]
    public void RankDeficientX_DropsTheAliasedColumnAndNamesIt()
    {
        // x3 = x1 + x2 exactly: lme4 drops x3 and fits the rest.
        var sb = new StringBuilder("y,x1,x2,x3,g\n");
        var rng = new Random(4);
        for (int i = 0; i < 60; i++)
        {
            double x1 = rng.NextDouble(), x2 = rng.NextDouble();
            sb.Append(CultureInfo.InvariantCulture, $"{(1 + x1 - x2 + (i % 6 * 0.3) + rng.NextDouble()):R},{x1:R},{x2:R},{x1 + x2:R},g{i % 6}\n");
        }
        var fit = LinearMixedModel.Fit(Csv(sb.ToString()), "y ~ x1 + x2 + x3 + (1 | g)", new LmmOptions { Reml = false });
        Assert.Equal(["(Intercept)", "x1", "x2"], fit.FixedEffects.Select(f => f.Term));
        Assert.Equal(["x3"], fit.DroppedColumns);
        Assert.Contains(fit.Messages, m => m.Contains("x3", StringComparison.Ordinal));
        var direct = LinearMixedModel.Fit(Csv(sb.ToString()), "y ~ x1 + x2 + (1 | g)", new LmmOptions { Reml = false });
        Assert.Equal(direct.Criterion, fit.Criterion, 1e-9);
    }

    [Theory]
    [InlineData("1e6")]
    [InlineData("1e-6")]
    public void ScaledPredictor_ReachesTheSameOptimum(string factor)
    {
        var baseline = Fit("sleepstudy", "Reaction ~ 1 + Days + (1 + Days | Subject)");
        var scaled = Fit("sleepstudy", $"Reaction ~ 1 + I(Days * {factor}) + (1 + I(Days * {factor}) | Subject)");
        Assert.True(scaled.Criterion <= baseline.Criterion + 1e-6, $"{scaled.Criterion} vs {baseline.Criterion}");
        Assert.True(scaled.Criterion >= baseline.Criterion - 1e-6);
        double f = double.Parse(factor, CultureInfo.InvariantCulture);
        Assert.Equal(baseline.FixedEffects[1].Estimate, scaled.FixedEffects[1].Estimate * f, 1e-4 * baseline.FixedEffects[1].StandardError);
    }

    [Fact]
    public void FixedOnlyScaling_ChangesNothingButTheCoefficient()
    {
        var baseline = Fit("exam", "normexam ~ standlrt + (1 | school)");
        var scaled = Fit("exam", "normexam ~ I(standlrt * 1e6) + (1 | school)");
        Assert.Equal(baseline.Criterion, scaled.Criterion, 1e-7);
    }

    [Fact]
    public void OneObservationGroups_AreFitted()
    {
        // Groups a..e have one observation each; f..h have eight.
        var sb = new StringBuilder("y,x,g\n");
        var rng = new Random(9);
        int row = 0;
        foreach (var (g, count, effect) in new[] { ("a", 1, 0.5), ("b", 1, -0.2), ("c", 1, 0.1), ("d", 1, 0.9), ("e", 1, -0.7), ("f", 8, 0.3), ("h", 8, -0.4), ("k", 8, 0.0) })
        {
            for (int i = 0; i < count; i++, row++)
            {
                double x = rng.NextDouble();
                sb.Append(CultureInfo.InvariantCulture, $"{(2 + x + effect + (0.5 * (rng.NextDouble() - 0.5))):R},{x:R},{g}\n");
            }
        }
        var fit = LinearMixedModel.Fit(Csv(sb.ToString()), "y ~ x + (1 | g)", new LmmOptions { Reml = false });
        Assert.Equal(29, fit.ObservationCount);
        Assert.Equal(8, fit.GroupCounts.Single().Value);
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
        Assert.True(double.IsFinite(fit.Criterion));
        Assert.All(Enumerable.Range(0, 8), l => Assert.True(double.IsFinite(fit.RandomEffects[0].Value(l, 0))));
    }

    [Fact]
    public void TooFewEvaluations_IsReportedAsNotConverged()
    {
        var fit = Fit("sleepstudy", "Reaction ~ 1 + Days + (1 + Days | Subject)", options: new LmmOptions
        {
            Reml = false,
            Optimizer = new BobyqaOptions { MaxEvaluations = 8 },
        });
        Assert.False(fit.Converged);
        Assert.Contains(fit.Messages, m => m.Contains("did not converge", StringComparison.Ordinal));
    }

    [Fact]
    public void ConvergenceCheck_AtTheOptimum_FindsNothingToGain()
    {
        var fit = Fit("hsb82", "mAch ~ meanses * cses + sector * cses + (1 + cses | school)", reml: true);
        Assert.True(fit.Convergence.Checked);
        Assert.True(fit.Convergence.HessianPositiveDefinite);
        Assert.True(fit.Convergence.PredictedDecrease < 1e-6, fit.Convergence.ToString());
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
    }

    /// <summary>
    /// The check's gradient and Hessian (two evaluations per parameter, two per pair) predict what a Newton step gains:
    /// a short way from sleepstudy's optimum along a direction that moves all three parameters, g'H⁻¹g/2 equals the
    /// criterion's excess over the optimum up to the third-order terms, so the relative miss shrinks with the step
    /// (measured: 0.26%, 0.50%, 1.1% at steps 0.005, 0.01, 0.02). A wrong or missing mixed second difference would
    /// leave a miss that does not shrink.
    /// </summary>
    [Theory]
    [InlineData(0.005)]
    [InlineData(0.01)]
    [InlineData(0.02)]
    public void ConvergenceCheck_AwayFromTheOptimum_PredictsTheNewtonGain(double step)
    {
        var design = ModelDesign.Build(BuiltInData.Load("sleepstudy"), "Reaction ~ 1 + Days + (1 + Days | Subject)");
        var model = new ProfiledLmm(design, reml: false);
        var opt = model.Minimize(model.StartFor(design.Response.Values), LinearMixedModel.DefaultOptimizer);
        double[] theta = [opt.X[0] * (1 + step), opt.X[1] + (step * 0.5), opt.X[2] * (1 - step)];
        double f = model.Evaluate(theta);
        var check = LinearMixedModel.CheckOptimum(model, theta, f);
        Assert.True(check.HessianPositiveDefinite);
        double excess = f - opt.Value;
        Assert.True(excess > 1e-3, $"the excess {excess} is too small to test with");
        Assert.Equal(excess, check.PredictedDecrease, step * excess);

        var atOptimum = LinearMixedModel.CheckOptimum(model, (double[])opt.X.Clone(), opt.Value);
        Assert.True(atOptimum.PredictedDecrease < 1e-6 * excess, atOptimum.ToString());
    }

    [Fact]
    public void RandomInterceptModels_HaveIccs_OthersNone()
    {
        var empty = Fit("exam", "normexam ~ 1 + (1 | school)");
        var icc = Assert.Single(empty.IntraclassCorrelations);
        Assert.Equal("school", icc.Key);
        // ../shared/reference/icc_exam_empty_ml.json
        Assert.Equal(0.165917970190303, icc.Value, 1e-4);
        Assert.Empty(Fit("exam", "normexam ~ standlrt + (standlrt | school)").IntraclassCorrelations);
    }

    [Fact]
    public void FittedPlusResiduals_IsTheResponse()
    {
        var fit = Fit("sleepstudy", "Reaction ~ 1 + Days + (1 + Days | Subject)");
        var y = BuiltInData.Load("sleepstudy")["Reaction"];
        var values = ((NumericColumn)y).Values;
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], fit.Fitted[i] + fit.Residuals[i], 1e-9);
    }

    [Fact]
    public void NonGaussianDesign_IsRefusedWithAClearMessage()
    {
        var design = ModelDesign.Build(BuiltInData.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)", Family.Binomial);
        var e = Assert.Throws<ModelException>(() => LinearMixedModel.Fit(design));
        Assert.Contains("binomial", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offset_IsInTheFittedValuesAndEqualsMovingItIntoTheResponse()
    {
        var withOffset = Fit("sleepstudy", "Reaction ~ Days + offset(Days * 10) + (1 | Subject)");
        var moved = Fit("sleepstudy", "I(Reaction - Days * 10) ~ Days + (1 | Subject)");
        Assert.Equal(moved.Criterion, withOffset.Criterion, 1e-9);
        Assert.Equal(moved.FixedEffects[1].Estimate, withOffset.FixedEffects[1].Estimate, 1e-6);
        Assert.Equal(0.46728595959593, withOffset.FixedEffects[1].Estimate, 1e-4); // 10.4673 less the offset slope
        var y = ((NumericColumn)BuiltInData.Load("sleepstudy")["Reaction"]).Values;
        for (int i = 0; i < y.Length; i++) Assert.Equal(y[i], withOffset.Fitted[i] + withOffset.Residuals[i], 1e-9);
    }

    [Fact]
    public void NoFixedEffects_IsFitted()
    {
        var fit = Fit("dyestuff", "Yield ~ 0 + (1 | Batch)");
        Assert.Empty(fit.FixedEffects);
        Assert.True(double.IsFinite(fit.Criterion));
        Assert.Contains("No fixed effect coefficients", FastMlm.Reporting.FitSummary.Describe(fit), StringComparison.Ordinal);
    }
}
