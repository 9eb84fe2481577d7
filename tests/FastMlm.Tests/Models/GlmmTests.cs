using System.Text;
using FastMlm.Data;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Tests.Models;

/// <summary>The GLMM engine's parts and its edge cases: quadrature rules, links, responses out of range, separation, PIRLS failure.</summary>
public sealed class GlmmTests
{
    private const string Cbpp = "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)";

    private static FitResult FitCbpp(int nagq = 1) =>
        GeneralizedLinearMixedModel.Fit(BuiltInData.Load("cbpp"), Cbpp, Family.Binomial, new GlmmOptions { Nagq = nagq });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(25)]
    [InlineData(60)]
    public void GaussHermite_IntegratesNormalMomentsExactly(int n)
    {
        var (nodes, weights) = GaussHermite.Rule(n);
        Assert.Equal(1.0, weights.Sum(), 1e-13);
        // E z^(2k) = (2k − 1)!! for a standard normal; the rule is exact up to degree 2n − 1.
        double doubleFactorial = 1;
        for (int k = 1; 2 * k <= (2 * n) - 1 && k <= 8; k++)
        {
            doubleFactorial *= (2 * k) - 1;
            double moment = 0;
            for (int i = 0; i < n; i++) moment += weights[i] * Math.Pow(nodes[i], 2 * k);
            Assert.Equal(doubleFactorial, moment, doubleFactorial * 1e-11);
        }
        for (int i = 0; i < n; i++) Assert.Equal(-nodes[i], nodes[n - 1 - i], 1e-14);
    }

    [Fact]
    public void GaussHermite_FivePointRule_HasTheZerosOfHe5()
    {
        // He_5(z) = z⁵ − 10z³ + 15z: zeros 0 and ±√(5 ± √10).
        var (nodes, weights) = GaussHermite.Rule(5);
        Assert.Equal(-Math.Sqrt(5 + Math.Sqrt(10)), nodes[0], 1e-14);
        Assert.Equal(-Math.Sqrt(5 - Math.Sqrt(10)), nodes[1], 1e-14);
        Assert.Equal(0, nodes[2]);
        Assert.Equal(8.0 / 15, weights[2], 1e-14); // w = n!/(n² He_{n−1}(0)²) = 120/(25·9)
    }

    [Theory]
    [InlineData(LinkFunction.Logit)]
    [InlineData(LinkFunction.Probit)]
    [InlineData(LinkFunction.Cloglog)]
    [InlineData(LinkFunction.Log)]
    public void Links_DerivativeIsTheSlopeOfTheInverse(LinkFunction link)
    {
        foreach (double eta in new[] { -3.0, -0.7, 0, 0.4, 2.5 })
        {
            double h = 1e-6;
            var (mu, muEta) = Links.Inverse(link, eta);
            double slope = (Links.Inverse(link, eta + h).Mu - Links.Inverse(link, eta - h).Mu) / (2 * h);
            Assert.Equal(slope, muEta, 1e-8);
            Assert.Equal(eta, Links.Apply(link, mu), 1e-9);
        }
    }

    [Fact]
    public void Links_KeepProbabilitiesAwayFromZeroAndOne()
    {
        foreach (var link in new[] { LinkFunction.Logit, LinkFunction.Probit, LinkFunction.Cloglog })
        {
            Assert.InRange(Links.Inverse(link, -800).Mu, double.Epsilon, 1e-10);
            Assert.InRange(Links.Inverse(link, 800).Mu, 1 - 1e-10, 1 - 1e-17);
            Assert.True(Links.Inverse(link, 800).MuEta > 0);
        }
    }

    [Fact]
    public void Link_NotOfTheFamily_IsRefusedNamingTheAllowedOnes()
    {
        var e = Assert.Throws<ModelException>(() => Links.Parse("probit", Family.Poisson));
        Assert.Contains("use log", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneNodeQuadrature_IsTheLaplaceApproximation()
    {
        var design = FastMlm.Design.ModelDesign.Build(BuiltInData.Load("cbpp"), Cbpp, Family.Binomial);
        var evaluator = new GlmmEvaluator(design, new GlmResponse(design.Response, Family.Binomial, LinkFunction.Logit));
        double[] theta = [0.7], beta = [-1.4, -1, -1.1, -1.6];
        double laplace = evaluator.Laplace(theta, beta);
        evaluator.Reset();
        double one = evaluator.Quadrature(theta, beta, [0.0], [1.0]);
        Assert.Equal(laplace, one, 1e-9);
        Assert.True(evaluator.LastConverged);
    }

    [Fact]
    public void Deviance_IsTheFullLogLikelihood_BinomialCoefficientsIncluded()
    {
        // At nAGQ = 25 the quadrature is all but exact: the deviance is −2 log L by direct integration (the suite's figure),
        // and glmer's own, without the saturated model's part, is said in a message.
        var fit = FitCbpp(25);
        Assert.Equal(183.966738078062, fit.Deviance, 1e-4);
        Assert.Equal(-fit.Deviance / 2, fit.LogLikelihood, 1e-12);
        Assert.Contains(fit.Messages, m => m.Contains("read deviance 100.0100", StringComparison.Ordinal));
    }

    [Fact]
    public void Vpc_IsOnTheLatentScale()
    {
        var fit = FitCbpp();
        double variance = fit.VarCorr.Single().Value;
        var icc = Assert.Single(fit.IntraclassCorrelations);
        Assert.Equal("herd", icc.Key);
        Assert.Equal(variance / (variance + (Math.PI * Math.PI / 3)), icc.Value, 1e-12);
        Assert.DoesNotContain(fit.VarCorr, v => v.Group == "Residual");
        Assert.Equal(5, fit.ParameterCount);
        Assert.Equal(51, fit.ResidualDf);
    }

    [Fact]
    public void FittedValues_AreProbabilities_AndPearsonResidualsScaleByTheirSd()
    {
        var fit = FitCbpp();
        var data = BuiltInData.Load("cbpp");
        var incidence = ((NumericColumn)data["incidence"]).Values;
        var size = ((NumericColumn)data["size"]).Values;
        for (int i = 0; i < fit.ObservationCount; i++)
        {
            double mu = fit.Fitted[i], y = incidence[i] / size[i];
            Assert.InRange(mu, 0, 1);
            Assert.Equal(mu, 1 / (1 + Math.Exp(-fit.LinearPredictor![i])), 1e-12);
            Assert.Equal((y - mu) / Math.Sqrt(mu * (1 - mu) / size[i]), fit.PearsonResiduals![i], 1e-10);
        }
    }

    [Fact]
    public void OddsRatios_AreExpOfTheWaldLimits()
    {
        var fit = FitCbpp();
        var ratios = ConfidenceIntervals.Exponentiated(fit, 0.95);
        var f = fit.FixedEffects[1];
        Assert.Equal("odds ratio", ratios[1].Description);
        Assert.Equal(Math.Exp(f.Estimate), ratios[1].Estimate, 1e-12);
        Assert.Equal(Math.Exp(f.Estimate - (1.959963984540054 * f.StandardError)), ratios[1].Lower, 1e-9);
    }

    [Fact]
    public void Summary_HasGlmersLayout()
    {
        // glmer's print of the same fit (lme4 1.1-31), from the scaled residuals to the correlations; nAGQ = 25 reaches
        // glmer's optimum to the digits shown.
        const string Glmer = """
            Scaled residuals: 
                Min      1Q  Median      3Q     Max 
            -2.3808 -0.7905 -0.2002  0.5112  2.8731 

            Random effects:
             Groups Name        Variance Std.Dev.
             herd   (Intercept) 0.4193   0.6475  
            Number of obs: 56, groups:  herd, 15

            Fixed effects:
                            Estimate Std. Error z value Pr(>|z|)    
            (Intercept)      -1.3992     0.2335  -5.992 2.07e-09 ***
            factor(period)2  -0.9914     0.3068  -3.232 0.001230 ** 
            factor(period)3  -1.1278     0.3268  -3.451 0.000558 ***
            factor(period)4  -1.5795     0.4276  -3.694 0.000221 ***
            ---
            Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1

            Correlation of Fixed Effects:
                        (Intr) fct()2 fct()3
            factr(prd)2 -0.362              
            factr(prd)3 -0.339  0.279       
            factr(prd)4 -0.260  0.212  0.197
            """;
        string text = FitSummary.Describe(FitCbpp(25));
        Assert.StartsWith("Generalized linear mixed model fit by maximum likelihood (Adaptive\n  Gauss-Hermite Quadrature, nAGQ = 25) [glmerMod]\n Family: binomial  ( logit )\nFormula: ", text);
        Assert.Contains(Glmer.ReplaceLineEndings("\n"), text);
        Assert.Contains("     AIC      BIC   logLik deviance df.resid \n   194.0    204.1    -92.0    184.0       51 \n", text);
        Assert.StartsWith("Generalized linear mixed model fit by maximum likelihood (Laplace\n  Approximation) [glmerMod]\n", FitSummary.Describe(FitCbpp()));
    }

    [Fact]
    public void PValues_FollowRsFormatPval()
    {
        Assert.Equal(["1.47e-09", "0.001068", "0.000474", "0.000182"], FitSummary.FormatPValues([1.47e-9, 0.001068, 0.000474, 0.000182], 3));
        Assert.Equal(["< 2e-16", "0.50000", "0.00107", "1.47e-09"], FitSummary.FormatPValues([1e-20, 0.5, 0.001068, 1.47e-9], 3));
        Assert.Equal(["<2e-16", "0.412"], FitSummary.FormatPValues([1e-20, 0.412], 3));
    }

    [Fact]
    public void ProportionWithWeights_IsTheSameFitAsCbind()
    {
        var data = SimulatedData.Frame("binomial_slopes_sim");
        var cbind = GeneralizedLinearMixedModel.Fit(data, "cbind(k, n - k) ~ x + (1 | g)", Family.Binomial);
        var weighted = GeneralizedLinearMixedModel.Fit(data, "p ~ x + (1 | g)", Family.Binomial, weights: "n");
        Assert.Equal(cbind.Deviance, weighted.Deviance, 1e-6);
        for (int j = 0; j < 2; j++) Assert.Equal(cbind.FixedEffects[j].Estimate, weighted.FixedEffects[j].Estimate, 1e-5);
    }

    [Fact]
    public void TwoLevelFactorResponse_IsTheSameFitAsZeroOne()
    {
        var text = new StringBuilder("y,outcome,x,g\n");
        var numeric = SimulatedData.Frame("bernoulli_groups_sim");
        var y = ((NumericColumn)numeric["y"]).Values;
        var x = ((NumericColumn)numeric["x"]).Values;
        var g = (CategoricalColumn)numeric["g"];
        for (int i = 0; i < numeric.RowCount; i++)
        {
            text.Append(y[i].ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',').Append(y[i] == 1 ? "yes" : "no").Append(',')
                .Append(x[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(',').Append(g.Levels[g.Codes[i]]).Append('\n');
        }
        var data = CsvReader.Parse(text.ToString(), source: "t");
        var a = GeneralizedLinearMixedModel.Fit(data, "y ~ x + (1 | g)", Family.Binomial);
        var b = GeneralizedLinearMixedModel.Fit(data, "outcome ~ x + (1 | g)", Family.Binomial);
        Assert.Equal(a.Deviance, b.Deviance, 1e-9);
    }

    [Theory]
    [InlineData("y\n2", Family.Binomial, "between 0 and 1")]
    [InlineData("y\n0.5", Family.Binomial, "must be 0 or 1")]
    [InlineData("y\n-1", Family.Poisson, "must not be negative")]
    [InlineData("y\n1.5", Family.Poisson, "whole count")]
    public void ResponseOutsideTheFamilysRange_IsAnErrorNamingTheRow(string bad, Family family, string rule)
    {
        string value = bad.Split('\n')[1];
        var csv = new StringBuilder("y,x,g\n");
        for (int i = 0; i < 12; i++) csv.Append(i == 7 ? value : (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',').Append(i).Append(",g").Append(i % 3).Append('\n');
        var data = CsvReader.Parse(csv.ToString(), source: "t");
        var e = Assert.Throws<ModelException>(() => GeneralizedLinearMixedModel.Fit(data, "y ~ x + (1 | g)", family));
        Assert.Contains("data row 8", e.Message, StringComparison.Ordinal);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("y ~ x + (1 | a) + (1 | b)")]
    [InlineData("y ~ x + (1 + x | a)")]
    public void QuadratureWithoutASingleScalarTerm_IsAClearError(string formula)
    {
        var e = Assert.Throws<ModelException>(() =>
            GeneralizedLinearMixedModel.Fit(SimulatedData.Frame("bernoulli_crossed_sim"), formula, Family.Binomial, new GlmmOptions { Nagq = 5 }));
        Assert.Contains("needs a single scalar random-effects term", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Separation_WarnsNamingTheTerm_AndTheEstimatesStayFinite()
    {
        var fit = GeneralizedLinearMixedModel.Fit(SimulatedData.Frame("separation_sim"), "y ~ x + f + (1 | g)", Family.Binomial);
        var warning = Assert.Single(fit.Messages, m => m.StartsWith("separation:", StringComparison.Ordinal));
        Assert.Contains("'fC'", warning, StringComparison.Ordinal);
        Assert.Contains("success", warning, StringComparison.Ordinal);
        Assert.All(fit.FixedEffects, f => Assert.True(double.IsFinite(f.Estimate)));
        Assert.InRange(fit.FixedEffects.Single(f => f.Term == "fC").Estimate, GeneralizedLinearMixedModel.SeparationBound - 0.1, GeneralizedLinearMixedModel.SeparationBound); // held at the bound
        Assert.True(double.IsFinite(fit.Deviance));
        Assert.True(fit.Converged, string.Join("; ", fit.Messages)); // the other estimates are at their optimum (glmer's: x 1.2964, fB 0.3556)
        Assert.Equal(1.2964, fit.FixedEffects.Single(f => f.Term == "x").Estimate, 1e-3);
    }

    [Fact]
    public void CompleteSeparationByAContinuousPredictor_IsFound()
    {
        var csv = new StringBuilder("y,x,g\n");
        for (int i = 1; i <= 24; i++) csv.Append(i > 12 ? 1 : 0).Append(',').Append(i).Append(",g").Append(i % 4).Append('\n');
        var fit = GeneralizedLinearMixedModel.Fit(CsvReader.Parse(csv.ToString(), source: "t"), "y ~ x + (1 | g)", Family.Binomial);
        var warning = Assert.Single(fit.Messages, m => m.StartsWith("separation:", StringComparison.Ordinal));
        Assert.Contains("every failure lies below every success on it in 'x'", warning, StringComparison.Ordinal);
        Assert.All(fit.FixedEffects, f => Assert.True(double.IsFinite(f.Estimate)));
    }

    [Fact]
    public void NoSeparation_NoWarning()
    {
        Assert.DoesNotContain(FitCbpp().Messages, m => m.Contains("separation", StringComparison.Ordinal));
    }

    [Fact]
    public void PirlsThatDoesNotConverge_SaysSo()
    {
        var fit = GeneralizedLinearMixedModel.Fit(BuiltInData.Load("cbpp"), Cbpp, Family.Binomial, new GlmmOptions { MaxPirlsIterations = 1 });
        Assert.Contains(fit.Messages, m => m.StartsWith("PIRLS did not converge in 1 iterations at the estimates", StringComparison.Ordinal));
        Assert.False(fit.Converged);
    }

    [Fact]
    public void FastMode_NagqZero_IsGlmersNagqZeroFit()
    {
        // glmer(..., nAGQ = 0): deviance 184.1 (logLik −92.1), variance 0.412, intercept −1.3605 (SE 0.2276, from RX).
        var fit = FitCbpp(0);
        Assert.Equal(184.1, Math.Round(fit.Deviance, 1));
        Assert.Equal(-1.3605, Math.Round(fit.FixedEffects[0].Estimate, 4));
        Assert.Equal(0.2276, Math.Round(fit.FixedEffects[0].StandardError, 4));
        Assert.Equal(0.412, Math.Round(fit.VarCorr[0].Value, 3));
    }

    [Fact]
    public void StandardErrorMethods_DifferAsGlmersTolerancesDo()
    {
        // glmer's default: 0.30315 (period 2); with tolPwrss = 1e-12: 0.30664; from RX: 0.30535.
        double Se(GlmmStandardErrors how) => GeneralizedLinearMixedModel.Fit(BuiltInData.Load("cbpp"), Cbpp, Family.Binomial, new GlmmOptions { StandardErrors = how }).FixedEffects[1].StandardError;
        Assert.Equal(0.30315, Se(GlmmStandardErrors.Glmer), 3e-4);
        Assert.Equal(0.30664, Se(GlmmStandardErrors.Hessian), 3e-5);
        Assert.Equal(0.30535, Se(GlmmStandardErrors.Rx), 1e-4);
    }

    [Fact]
    public void GaussianDesign_IsRefusedByTheGlmm()
    {
        var e = Assert.Throws<ModelException>(() => GeneralizedLinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (1 | Subject)", Family.Gaussian));
        Assert.Contains("linear mixed model", e.Message, StringComparison.Ordinal);
    }
}
