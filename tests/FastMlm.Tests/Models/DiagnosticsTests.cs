using FastMlm.Data;
using FastMlm.Models;

namespace FastMlm.Tests.Models;

/// <summary>Residuals and fitted values by their definitions, intervals of the conditional modes, and the pooling table.</summary>
public sealed class DiagnosticsTests
{
    private static FitResult Fit(string data, string formula, bool reml = true) =>
        LinearMixedModel.Fit(BuiltInData.Load(data), formula, new LmmOptions { Reml = reml });

    private static DataFrame Csv(string text) => CsvReader.Parse(text, source: "inline");

    [Fact]
    public void Residuals_FollowTheirDefinitions()
    {
        var fit = Fit("sleepstudy", "Reaction ~ Days + (Days | Subject)");
        var r = ResidualTable.Compute(fit);
        var reaction = ((NumericColumn)BuiltInData.Load("sleepstudy")["Reaction"]).Values.ToArray();
        var days = ((NumericColumn)BuiltInData.Load("sleepstudy")["Days"]).Values.ToArray();
        Assert.Equal(180, r.Count);
        Assert.Equal(Enumerable.Range(1, 180), r.Rows);
        var subject = fit.RandomEffects[0];
        var cov = fit.VarCorr.Where(v => v.Group == "Subject").ToArray();
        double v00 = cov.Single(v => v.Name1 == "(Intercept)" && v.Name2 is null).Value;
        double v11 = cov.Single(v => v.Name1 == "Days" && v.Name2 is null).Value;
        double v01 = cov.Single(v => v.Name2 is not null).Value;
        var codes = fit.Design.RandomTerms[0].Grouping.Codes;
        for (int i = 0; i < 180; i++)
        {
            double xb = fit.FixedEffects[0].Estimate + (fit.FixedEffects[1].Estimate * days[i]);
            double zb = subject.Value(codes[i], 0) + (subject.Value(codes[i], 1) * days[i]);
            Assert.Equal(reaction[i], r.Observed[i]);
            Assert.Equal(xb, r.FittedMarginal[i], 1e-9);
            Assert.Equal(xb + zb, r.Fitted[i], 1e-9);
            Assert.Equal(fit.Residuals[i], r.Residual[i], 1e-9);
            Assert.Equal(reaction[i] - xb - zb, r.Residual[i], 1e-9);
            Assert.Equal(r.Residual[i] / fit.Sigma, r.Pearson[i], 1e-12);
            Assert.Equal(reaction[i] - xb, r.MarginalResidual[i], 1e-9);
            double variance = (fit.Sigma * fit.Sigma) + v00 + (2 * v01 * days[i]) + (v11 * days[i] * days[i]);
            Assert.Equal(r.MarginalResidual[i] / Math.Sqrt(variance), r.MarginalPearson[i], 1e-12);
        }
    }

    [Fact]
    public void Residuals_KeepTheDataRowsOfTheObservationsUsed()
    {
        var data = Csv("y,x,g\n1,1,a\n2,NA,a\n3,3,a\n,4,b\n5,5,b\n6,6,b\n4,7,c\n9,8,c\n");
        var fit = LinearMixedModel.Fit(data, "y ~ x + (1 | g)", new LmmOptions { Reml = true });
        var r = ResidualTable.Compute(fit);
        Assert.Equal([1, 3, 5, 6, 7, 8], r.Rows);
        Assert.Equal([1.0, 3, 5, 6, 4, 9], r.Observed);
    }

    [Fact]
    public void Intervals_AreModePlusMinusZTimesConditionalSd()
    {
        var fit = Fit("sleepstudy", "Reaction ~ Days + (Days | Subject)");
        var intervals = RandomEffectIntervals.Compute(fit);
        Assert.Equal(36, intervals.Count);
        var table = fit.RandomEffects[0];
        var first = intervals[1];
        Assert.Equal(("Subject", "308", "Days"), (first.Group, first.Level, first.Column));
        Assert.Equal(table.Value(0, 1), first.Mode);
        Assert.Equal(Math.Sqrt(table.ConditionalVariance(0, 1)), first.ConditionalSd, 1e-15);
        foreach (var i in intervals)
        {
            Assert.Equal(i.Mode - (1.959963984540054 * i.ConditionalSd), i.Lower, 1e-10);
            Assert.Equal(i.Mode + (1.959963984540054 * i.ConditionalSd), i.Upper, 1e-10);
        }
        var ninety = RandomEffectIntervals.Compute(fit, 0.9)[0];
        Assert.Equal(ninety.Mode + (1.6448536269514722 * ninety.ConditionalSd), ninety.Upper, 1e-10);
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomEffectIntervals.Compute(fit, 1));
    }

    [Theory]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.5, 0)]
    [InlineData(0.995, 2.5758293035489004)]
    [InlineData(0.05, -1.6448536269514729)]
    [InlineData(1e-10, -6.3613409024040557)]
    [InlineData(1e-300, -37.0470962993612)]
    public void NormalQuantile_MatchesR(double p, double expected) =>
        Assert.Equal(expected, FastMlm.Inference.Distributions.NormalQuantile(p), 1e-13 * Math.Max(1, Math.Abs(expected)));

    [Fact]
    public void Pooling_Sleepstudy_OwnEstimateIsTheSubjectsOls_PartialIsFixefPlusRanef()
    {
        var fit = Fit("sleepstudy", "Reaction ~ Days + (Days | Subject)");
        var table = PoolingTable.Compute(fit);
        Assert.Equal("Subject", table.Factor);
        Assert.Equal(["(Intercept)", "Days"], table.Columns);
        Assert.Equal(ShrinkageMeasure.EmpiricalRatio, table.Shrinkage);
        Assert.Equal(18, table.Levels.Count);

        // Subject 308: OLS on its 10 rows by the textbook formulas.
        var data = BuiltInData.Load("sleepstudy");
        var reaction = ((NumericColumn)data["Reaction"]).Values.ToArray();
        var days = ((NumericColumn)data["Days"]).Values.ToArray();
        var subject = data["Subject"];
        var rows = Enumerable.Range(0, data.RowCount).Where(i => subject.FormatValue(i) == "308").ToArray();
        Assert.Equal(10, rows.Length);
        double mx = rows.Average(i => days[i]), my = rows.Average(i => reaction[i]);
        double slope = rows.Sum(i => (days[i] - mx) * (reaction[i] - my)) / rows.Sum(i => (days[i] - mx) * (days[i] - mx));
        double intercept = my - (slope * mx);
        var level = table.Levels[0];
        Assert.Equal("308", level.Level);
        Assert.Equal(10, level.Observations);
        Assert.Null(level.NoPoolingNote);
        Assert.Equal(intercept, level.NoPooling[0], 1e-9);
        Assert.Equal(slope, level.NoPooling[1], 1e-9);

        var ranef = fit.RandomEffects[0];
        Assert.Equal(fit.FixedEffects[0].Estimate + ranef.Value(0, 0), level.PartialPooling[0], 1e-12);
        Assert.Equal(fit.FixedEffects[1].Estimate + ranef.Value(0, 1), level.PartialPooling[1], 1e-12);

        // Complete pooling: OLS over all 180 rows.
        double ax = days.Average(), ay = reaction.Average();
        double pooledSlope = Enumerable.Range(0, 180).Sum(i => (days[i] - ax) * (reaction[i] - ay)) / days.Sum(d => (d - ax) * (d - ax));
        Assert.Equal(pooledSlope, table.CompletePooling[1], 1e-9);
        Assert.Equal(ay - (pooledSlope * ax), table.CompletePooling[0], 1e-9);
        Assert.Equal((level.PartialPooling[1] - table.CompletePooling[1]) / (slope - table.CompletePooling[1]), level.Shrinkage[1], 1e-12);
        Assert.Empty(table.Messages);
    }

    [Fact]
    public void Pooling_RandomIntercept_ReportsTheReliability_AndLevelsWithoutOwnEstimates()
    {
        var data = Csv("y,x,g\n1,0,a\n2,1,a\n4,2,a\n3,0,b\n5,1,b\n2,2,b\n7,0,c\n6,1,c\n9,2,c\n4,1,d\n");
        var fit = LinearMixedModel.Fit(data, "y ~ x + (1 | g)", new LmmOptions { Reml = true });
        var table = PoolingTable.Compute(fit, "g");
        Assert.Equal(ShrinkageMeasure.Reliability, table.Shrinkage);
        double tau2 = fit.VarCorr[0].Value, sigma2 = fit.Sigma * fit.Sigma;
        Assert.Equal(tau2 / (tau2 + (sigma2 / 3)), table.Levels[0].Shrinkage[0], 1e-12);
        Assert.Equal(tau2 / (tau2 + sigma2), table.Levels[3].Shrinkage[0], 1e-12);
        Assert.Equal(7.0 / 3, table.Levels[0].NoPooling[0], 1e-12); // the group mean
        Assert.Equal(4, table.Levels[3].NoPooling[0], 1e-12);
        Assert.Equal(43.0 / 10, table.CompletePooling[0], 1e-12);

        var slopes = LinearMixedModel.Fit(data, "y ~ x + (x | g)", new LmmOptions { Reml = true });
        var withSlopes = PoolingTable.Compute(slopes);
        var d = withSlopes.Levels[3];
        Assert.True(double.IsNaN(d.NoPooling[0]) && double.IsNaN(d.NoPooling[1]));
        Assert.Equal("1 observation for 2 columns", d.NoPoolingNote);
        Assert.True(double.IsNaN(d.Shrinkage[1]));
        Assert.Contains(withSlopes.Messages, m => m.StartsWith("1 of 4 levels of g have no own", StringComparison.Ordinal));
    }

    [Fact]
    public void Pooling_CollinearColumnsWithinALevel_HaveNoOwnEstimate()
    {
        var data = Csv("y,x,g\n1,0,a\n2,1,a\n4,2,a\n3,1,b\n5,1,b\n2,1,b\n7,0,c\n6,1,c\n9,2,c\n4,1,d\n5,2,d\n");
        var fit = LinearMixedModel.Fit(data, "y ~ x + (x | g)", new LmmOptions { Reml = false });
        var b = PoolingTable.Compute(fit).Levels[1];
        Assert.Equal("b", b.Level);
        Assert.Equal("x is constant or collinear with the other columns", b.NoPoolingNote);
    }

    [Fact]
    public void Pooling_UncorrelatedTerms_AreCombined_AndAnUnknownFactorIsNamed()
    {
        var fit = Fit("sleepstudy", "Reaction ~ Days + (Days || Subject)");
        var table = PoolingTable.Compute(fit, "Subject");
        Assert.Equal(["(Intercept)", "Days"], table.Columns);
        var intercept = fit.RandomEffects.Single(t => t.Columns[0] == "(Intercept)");
        var slope = fit.RandomEffects.Single(t => t.Columns[0] == "Days");
        Assert.Equal(fit.FixedEffects[1].Estimate + slope.Value(3, 0), table.Levels[3].PartialPooling[1], 1e-12);
        Assert.Equal(fit.FixedEffects[0].Estimate + intercept.Value(3, 0), table.Levels[3].PartialPooling[0], 1e-12);
        var error = Assert.Throws<ModelException>(() => PoolingTable.Compute(fit, "Subjet"));
        Assert.Contains("did you mean 'Subject'?", error.Message);
    }
}
