using FastMlm.Data;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Inference;

public sealed class LikelihoodRatioTestTests
{
    private static FitResult FitSuiteModel(string id, DataFrame? data = null)
    {
        using var doc = ReferenceSuite.Load(id);
        var root = doc.RootElement;
        return LinearMixedModel.Fit(data ?? BuiltInData.Load(ReferenceSuite.DataSetName(root)), root.GetProperty("formula").GetString()!,
            new LmmOptions { Reml = root.GetProperty("reml").GetBoolean() });
    }

    [Theory]
    [InlineData("anova_exam_ri_vs_rs")]
    [InlineData("anova_popular_three")]
    public void Compare_MatchesLme4Anova(string id)
    {
        using var doc = ReferenceSuite.Load(id);
        var root = doc.RootElement;
        var ids = root.GetProperty("models").EnumerateArray().Select(m => m.GetString()!).ToArray();
        var data = BuiltInData.Load(ReferenceSuite.DataSetName(ReferenceSuite.Load(ids[0]).RootElement));
        // Given in reverse order: the table sorts by parameters.
        var fits = ids.Reverse().Select(m => FitSuiteModel(m, data)).ToArray();
        var table = LikelihoodRatioTest.Compare(fits, ids.Reverse().ToArray());
        var expected = root.GetProperty("table").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, table.Rows.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var row = table.Rows[i];
            Assert.Equal(e.GetProperty("model").GetString(), row.Name);
            Assert.Equal(e.GetProperty("npar").GetInt32(), row.Parameters);
            double dev = e.GetProperty("deviance").GetDouble();
            Assert.True(row.Deviance <= dev + (1e-6 * Math.Abs(dev)) && row.Deviance >= dev - (1e-4 * Math.Abs(dev)), $"{row.Name}: deviance {row.Deviance} vs {dev}");
            Assert.Equal(e.GetProperty("AIC").GetDouble(), row.Aic, 1e-3);
            Assert.Equal(e.GetProperty("BIC").GetDouble(), row.Bic, 1e-3);
            Assert.Equal(e.GetProperty("logLik").GetDouble(), row.LogLikelihood, 1e-3);
            if (i == 0)
            {
                Assert.Null(row.ChiSquare);
                Assert.Null(row.P);
                continue;
            }
            Assert.Equal(e.GetProperty("Df").GetInt32(), row.Df);
            Assert.Equal(e.GetProperty("Chisq").GetDouble(), row.ChiSquare!.Value, 2e-3);
            double p = e.GetProperty("p").GetDouble();
            Assert.True(Math.Abs(row.P!.Value - p) <= 1e-3 * p, $"{row.Name}: p {row.P} vs {p}");
        }
    }

    [Fact]
    public void Compare_AddedRandomSlope_GivesTheStramLeeMixture()
    {
        var data = BuiltInData.Load("sleepstudy");
        var ri = LinearMixedModel.Fit(data, "Reaction ~ Days + (1 | Subject)", new LmmOptions { Reml = false });
        var rs = LinearMixedModel.Fit(data, "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });
        var table = LikelihoodRatioTest.Compare([ri, rs]);
        var row = table.Rows[1];
        Assert.Equal(2, row.Df);
        double chisq = row.ChiSquare!.Value;
        Assert.Equal(ri.Criterion - rs.Criterion, chisq, 1e-9);
        // 0.5 P(χ²₁ > x) + 0.5 P(χ²₂ > x), with P(χ²₂ > x) = exp(−x/2) in closed form.
        double expected = (0.5 * Distributions.ChiSquareUpper(chisq, 1)) + (0.5 * Math.Exp(-chisq / 2));
        Assert.Equal(expected, row.BoundaryP!.Value, expected * 1e-10);
        Assert.True(row.BoundaryP < row.P);
        Assert.Contains(table.Notes, n => n.Contains("one-sided", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_AddedRandomIntercept_HalvesTheNaivePValue()
    {
        var data = BuiltInData.Load("penicillin");
        var one = LinearMixedModel.Fit(data, "diameter ~ 1 + (1 | plate)", new LmmOptions { Reml = false });
        var two = LinearMixedModel.Fit(data, "diameter ~ 1 + (1 | plate) + (1 | sample)", new LmmOptions { Reml = false });
        var row = LikelihoodRatioTest.Compare([one, two]).Rows[1];
        Assert.Equal(1, row.Df);
        Assert.Equal(row.P!.Value / 2, row.BoundaryP!.Value, row.P.Value * 1e-12);
    }

    [Fact]
    public void Compare_FixedEffectAdded_HasNoBoundaryCorrection()
    {
        var data = BuiltInData.Load("exam");
        var a = LinearMixedModel.Fit(data, "normexam ~ standlrt + (1 | school)", new LmmOptions { Reml = false });
        var b = LinearMixedModel.Fit(data, "normexam ~ standlrt + schgend + (1 | school)", new LmmOptions { Reml = false });
        var row = LikelihoodRatioTest.Compare([a, b]).Rows[1];
        Assert.Equal(2, row.Df);
        Assert.Null(row.BoundaryP);
        Assert.Null(row.Note);
    }

    [Fact]
    public void Compare_RemlFits_AreRefittedByMaximumLikelihood()
    {
        var data = BuiltInData.Load("sleepstudy");
        var ri = LinearMixedModel.Fit(data, "Reaction ~ Days + (1 | Subject)");
        var rs = LinearMixedModel.Fit(data, "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });
        var table = LikelihoodRatioTest.Compare([ri, rs]);
        Assert.False(table.Rows[0].Fit.Reml);
        Assert.Equal(1794.07864301, table.Rows[0].Deviance, 1e-6); // lme4 1.1-31: deviance(lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = FALSE))
        Assert.Contains(table.Notes, n => n.StartsWith("refitting m1 by maximum likelihood", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_ModelsOnDifferentRows_IsAnError()
    {
        var frame = CsvReader.Parse("y,x,z,g\n1.2,1,0.5,a\n2.3,2,NA,a\n2.9,3,1.5,b\n4.1,4,0.2,b\n5.2,5,0.9,c\n5.8,6,1.1,c\n7.1,7,0.3,d\n8.3,8,0.7,d\n3.3,2,0.4,a\n4.4,4,1.2,d\n", source: "test");
        var a = LinearMixedModel.Fit(frame, "y ~ x + (1 | g)", new LmmOptions { Reml = false });
        var b = LinearMixedModel.Fit(frame, "y ~ x + z + (1 | g)", new LmmOptions { Reml = false });
        var e = Assert.Throws<ModelException>(() => LikelihoodRatioTest.Compare([a, b]));
        Assert.Contains("m1 uses 10 rows and m2 uses 9", e.Message);
    }
}
