using FastMlm.Data;
using FastMlm.Diagnostics;
using FastMlm.Inference;
using FastMlm.Models;

namespace FastMlm.Tests.Plots;

/// <summary>The plot data equal the model's own residuals, modes, intervals, lines, profiles and bootstrap columns.</summary>
public sealed class DiagnosticsDataTests
{
    [Fact]
    public void QqResiduals_SampleIsTheSortedScaledResiduals()
    {
        var fit = PlotData.SleepStudy;
        var qq = QqPlots.Residuals(fit);
        var expected = ResidualTable.Compute(fit).Pearson.Order().ToArray();
        Assert.Equal(expected, qq.Sample);
        Assert.Equal(fit.Residuals.Select(r => r / fit.Sigma).Order(), qq.Sample, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(qq.Sample.Count, qq.Theoretical.Count);
        Assert.True(qq.Theoretical.Zip(qq.Theoretical.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal(0, qq.Theoretical.Sum(), 1e-9); // symmetric normal scores
    }

    [Fact]
    public void QqRanef_OnePanelPerColumn_SampleIsTheSortedModes()
    {
        var fit = PlotData.SleepStudy;
        var series = QqPlots.RandomEffects(fit);
        Assert.Equal(["(Intercept)", "Days"], series.Select(s => s.Column));
        var table = fit.RandomEffects[0];
        for (int c = 0; c < 2; c++)
        {
            var modes = Enumerable.Range(0, table.Levels.Count).Select(l => (Level: table.Levels[l], Mode: table.Value(l, c))).OrderBy(m => m.Mode).ToArray();
            Assert.Equal(modes.Select(m => m.Mode), series[c].Sample);
            Assert.Equal(modes.Select(m => m.Level), series[c].Labels);
        }
    }

    [Fact]
    public void ResidualsAgainstFitted_AreTheResidualTablesColumns()
    {
        var fit = PlotData.SleepStudy;
        var points = Residuals.AgainstFitted(fit);
        var table = ResidualTable.Compute(fit);
        Assert.Equal(table.Fitted, points.Fitted);
        Assert.Equal(table.Pearson, points.Residual);
        Assert.StartsWith("row 1, Subject 308", points.Labels[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Caterpillar_RowsAreModesPlusMinusZConditionalSd_SortedByMode()
    {
        var fit = PlotData.SleepStudy;
        var panels = Caterpillar.Compute(fit, 0.9);
        var table = fit.RandomEffects[0];
        double z = Distributions.NormalQuantile(0.95);
        Assert.Equal(2, panels.Count);
        for (int c = 0; c < 2; c++)
        {
            var rows = panels[c].Rows;
            Assert.Equal(table.Levels.Count, rows.Count);
            Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.Mode <= p.Second.Mode));
            foreach (var row in rows)
            {
                int l = table.Levels.ToList().IndexOf(row.Level);
                double sd = Math.Sqrt(table.ConditionalVariance(l, c));
                Assert.Equal(table.Value(l, c), row.Mode);
                Assert.Equal(row.Mode - (z * sd), row.Lower, 1e-9);
                Assert.Equal(row.Mode + (z * sd), row.Upper, 1e-9);
            }
        }
    }

    [Fact]
    public void GroupLines_InterceptAndSlopeAreFixedPlusRandomEffects()
    {
        var fit = PlotData.SleepStudy;
        var data = GroupLines.Compute(fit);
        Assert.Equal("Days", data.XName);
        Assert.Equal("Reaction", data.ResponseName);
        var table = fit.RandomEffects[0];
        double b0 = fit.FixedEffects[0].Estimate, b1 = fit.FixedEffects[1].Estimate;
        Assert.Equal(table.Levels, data.Lines.Select(l => l.Level));
        for (int l = 0; l < table.Levels.Count; l++)
        {
            var line = data.Lines[l];
            double slope = (line.Y[^1] - line.Y[0]) / (line.X[^1] - line.X[0]);
            double intercept = line.Y[0] - (slope * line.X[0]);
            Assert.Equal(b1 + table.Value(l, 1), slope, 1e-9);
            Assert.Equal(b0 + table.Value(l, 0), intercept, 1e-8);
        }
        double popSlope = (data.Population.Y[^1] - data.Population.Y[0]) / (data.Population.X[^1] - data.Population.X[0]);
        Assert.Equal(b1, popSlope, 1e-9);
        Assert.Equal(GroupLines.DefaultSample, data.Lines.Count(l => l.Highlighted));
        Assert.Equal(10 * GroupLines.DefaultSample, data.Observations.Count);
    }

    [Fact]
    public void GroupLines_WithAnotherPredictor_SlopeIsFixedPlusRandomSlope_AndNamedGroupsAreHighlighted()
    {
        var fit = PlotData.Fit("popular", "popular ~ extrav + sex + (1 + extrav | class)", reml: false);
        var data = GroupLines.Compute(fit, highlight: ["1", "17"]);
        Assert.Equal("extrav", data.XName);
        Assert.Equal(["1", "17"], data.Lines.Where(l => l.Highlighted).Select(l => l.Level));
        var table = fit.RandomEffects[0];
        double beta = fit.FixedEffects.First(f => f.Term == "extrav").Estimate;
        for (int l = 0; l < table.Levels.Count; l++)
        {
            var line = data.Lines[l];
            if (line.X[^1] == line.X[0]) continue;
            Assert.Equal(beta + table.Value(l, 1), (line.Y[^1] - line.Y[0]) / (line.X[^1] - line.X[0]), 1e-9);
        }
    }

    [Fact]
    public void GroupLines_UnknownLevelOrX_IsAnErrorNamingIt()
    {
        var fit = PlotData.SleepStudy;
        var e = Assert.Throws<ModelException>(() => GroupLines.Compute(fit, highlight: ["308", "999"]));
        Assert.Contains("'999' is not a level of Subject", e.Message, StringComparison.Ordinal);
        var x = Assert.Throws<ModelException>(() => GroupLines.Compute(fit, x: "Weight"));
        Assert.Contains("Weight", x.Message, StringComparison.Ordinal);
        var none = PlotData.Fit("dyestuff", "Yield ~ 1 + (1 | Batch)", reml: true);
        Assert.Throws<ModelException>(() => GroupLines.DefaultX(none));
    }

    [Fact]
    public void ProfileCurves_PassThroughZeroAtTheEstimate_AndReachTheProfileLimits()
    {
        var fit = PlotData.SleepStudy;
        var curves = ProfileCurves.Compute(fit);
        var intervals = ConfidenceIntervals.Profile(fit);
        Assert.Equal(intervals.Count, curves.Count);
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            Assert.Equal(intervals[i].Parameter, c.Parameter);
            int at = c.Values.ToList().IndexOf(c.Estimate);
            Assert.True(at > 0 && at < c.Values.Count - 1, c.Parameter);
            Assert.True(Math.Abs(c.Zeta[at]) < 1e-3, $"{c.Parameter}: ζ(estimate) = {c.Zeta[at]}");
            Assert.True(c.Zeta[0] < 0 && c.Zeta[^1] > 0, c.Parameter);
            Assert.Equal(intervals[i].Lower, c.Lower, 1e-6 * Math.Max(1, Math.Abs(c.Lower)));
            Assert.Equal(intervals[i].Upper, c.Upper, 1e-6 * Math.Max(1, Math.Abs(c.Upper)));
            Assert.Equal(-1.96, c.Zeta[0], 0.01);
            Assert.Equal(1.96, c.Zeta[^1], 0.01);
        }
    }

    [Fact]
    public void BootstrapDensities_IntegrateToOne_FromTheFilesColumns()
    {
        var fit = PlotData.SleepStudy;
        var replicates = Replicates(fit, 400);
        var densities = BootstrapDensities.Compute(fit, replicates);
        Assert.Equal(["(Intercept)", "Days", "sd_(Intercept)|Subject", "cor_Days.(Intercept)|Subject", "sd_Days|Subject", "sigma"],
            densities.Select(d => d.Parameter));
        foreach (var d in densities)
        {
            var values = ((NumericColumn)replicates[d.Parameter]).Values.ToArray();
            Assert.Equal(values.Length, d.Replicates);
            Assert.Equal(BootstrapDensities.Bandwidth(values), d.Bandwidth);
            double area = 0;
            for (int k = 1; k < d.X.Count; k++) area += (d.X[k] - d.X[k - 1]) * (d.Density[k] + d.Density[k - 1]) / 2;
            Assert.Equal(1, area, 0.01);
            // The density at a grid point is the mean of the Gaussian kernels on the file's values.
            int mid = d.X.Count / 2;
            double direct = values.Average(v => Math.Exp(-0.5 * Math.Pow((d.X[mid] - v) / d.Bandwidth, 2)) / (d.Bandwidth * Math.Sqrt(2 * Math.PI)));
            Assert.Equal(direct, d.Density[mid], 1e-12);
        }
        Assert.Equal(fit.FixedEffects[1].Estimate, densities[1].Estimate);
    }

    [Fact]
    public void BootstrapDensities_AFileWithoutTheModelsColumns_IsAnError()
    {
        var frame = new DataFrame([new NumericColumn("x", [1, 2, 3])], "other.csv");
        var e = Assert.Throws<DataException>(() => BootstrapDensities.Compute(PlotData.SleepStudy, frame));
        Assert.Contains("(Intercept)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bandwidth_IsSilvermansRule()
    {
        double[] v = [1, 2, 3, 4, 10];
        double sd = Math.Sqrt(v.Sum(x => (x - 4) * (x - 4)) / 4); // mean 4
        double iqr = 4 - 2; // R's type-7 quartiles 2 and 4
        Assert.Equal(0.9 * Math.Min(sd, iqr / 1.34) * Math.Pow(5, -0.2), BootstrapDensities.Bandwidth(v), 1e-12);
    }

    [Fact]
    public void PlantedOutlyingGroup_IsTheLabelledLevel()
    {
        var fit = LinearMixedModel.Fit(PlotData.PlantedOutlier("g07"), "y ~ 1 + (1 | g)", new LmmOptions { Reml = true });
        var qq = QqPlots.RandomEffects(fit).Single();
        Assert.Equal("g07", Assert.Single(qq.Outliers).Label);
        Assert.Equal(qq.Sample[^1], qq.Outliers[0].Y);
        Assert.True(qq.Outliers[0].Z > Outliers.Threshold(20));
    }

    [Fact]
    public void Outliers_NormalSample_NamesNone_AndTheBoundIsBonferroni()
    {
        Assert.Equal(Distributions.NormalQuantile(1 - (0.025 / 180)), Outliers.Threshold(180));
        var scores = QqPlots.NormalScores(50);
        Assert.Empty(Outliers.Find(scores, scores, scores.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));
    }

    [Fact]
    public void GeneralizedFit_IsRefusedByThePlotsDefinedForLinearModelsOnly()
    {
        var glmm = GeneralizedLinearMixedModel.Fit(BuiltInData.Load("cbpp"), "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", Family.Binomial);
        Assert.Contains("pooling", Assert.Throws<ModelException>(() => PoolingTable.Compute(glmm)).Message, StringComparison.Ordinal);
        Assert.Contains("profile", Assert.Throws<ModelException>(() => ProfileCurves.Compute(glmm)).Message, StringComparison.Ordinal);
        Assert.Contains("bootstrap", Assert.Throws<ModelException>(() => BootstrapDensities.Compute(glmm, Replicates(PlotData.SleepStudy, 5))).Message, StringComparison.Ordinal);
    }

    /// <summary>A replicates table with the bootstrap's columns: each value normal around the estimate.</summary>
    internal static DataFrame Replicates(FitResult fit, int n, int seed = 3)
    {
        var random = new Random(seed);
        var columns = new List<Column> { new NumericColumn("objective", Enumerable.Range(0, n).Select(_ => 1700 + random.NextDouble()).ToArray()) };
        foreach (var (column, estimate) in VarianceParameters.BootstrapColumns(fit))
        {
            double scale = Math.Max(Math.Abs(estimate) * 0.1, 0.05);
            columns.Add(new NumericColumn(column, Enumerable.Range(0, n).Select(_ => estimate + (scale * (random.NextDouble() + random.NextDouble() - 1))).ToArray()));
        }
        return new DataFrame(columns, "replicates");
    }
}
