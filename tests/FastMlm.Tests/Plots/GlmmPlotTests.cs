using System.Text.RegularExpressions;
using System.Xml.Linq;
using FastMlm.Data;
using FastMlm.Diagnostics;
using FastMlm.Models;
using FastMlm.Plots;

namespace FastMlm.Tests.Plots;

/// <summary>
/// The plots of GLMMs: every kind that applies renders as SVG and PNG for the demo's cbpp model and a 0/1 response, the
/// others are refused with the reason; the data are the fit's own residuals, linear predictor and modes.
/// </summary>
public sealed partial class GlmmPlotTests
{
    internal const string Bernoulli = "y ~ x + (1 | g)";

    private static readonly Lazy<FitResult> s_cbpp = new(() =>
    {
        var (data, formula) = DemoLogistic();
        return GeneralizedLinearMixedModel.Fit(BuiltInData.Load(data), formula, Family.Binomial);
    });

    private static readonly Lazy<FitResult> s_bernoulli = new(() =>
        GeneralizedLinearMixedModel.Fit(SimulatedData.Frame("bernoulli_groups_sim"), Bernoulli, Family.Binomial));

    private static FitResult Model(string name) => name == "cbpp" ? s_cbpp.Value : s_bernoulli.Value;

    /// <summary>The kinds a GLMM has not: by model, the kinds refused and a word of the reason.</summary>
    private static readonly Dictionary<(string Model, string Kind), string> s_refused = new()
    {
        [("cbpp", "group-lines")] = "no numeric predictor",
        [("cbpp", "pooling")] = "linear mixed models only",
        [("cbpp", "profile")] = "not available for GLMMs",
        [("cbpp", "bootstrap")] = "linear mixed models only",
        [("bernoulli", "qq-residuals")] = "0/1 response carries no information",
        [("bernoulli", "pooling")] = "linear mixed models only",
        [("bernoulli", "profile")] = "not available for GLMMs",
        [("bernoulli", "bootstrap")] = "linear mixed models only",
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "cbpp", "bernoulli" })
        {
            foreach (var kind in DiagnosticFigures.Kinds) data.Add(model, kind);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryKind_RendersAsSvgAndPng_OrIsRefusedWithItsReason(string model, string kind)
    {
        var fit = Model(model);
        var request = new PlotRequest { Replicates = kind == "bootstrap" ? DiagnosticsDataTests.Replicates(PlotData.SleepStudy, 20) : null };
        if (s_refused.TryGetValue((model, kind), out var reason))
        {
            var e = Assert.Throws<ModelException>(() => DiagnosticFigures.Create(kind, fit, request));
            Assert.Contains(reason, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
            return;
        }
        PlotRenderingTests.AssertRendersAsSvgAndPng(DiagnosticFigures.Create(kind, fit, request));
    }

    [Fact]
    public void QqResiduals_OfTrials_AreTheSortedDevianceResiduals()
    {
        var fit = s_cbpp.Value;
        var qq = QqPlots.Residuals(fit);
        Assert.Equal("Deviance residuals", qq.Title);
        Assert.Equal(GlmmResidualTable.Compute(fit).Deviance.Order(), qq.Sample);
    }

    [Fact]
    public void ResidualsFitted_ArePearsonResidualsAgainstTheLinearPredictor()
    {
        var fit = s_cbpp.Value;
        var points = Residuals.AgainstFitted(fit);
        Assert.Equal(fit.LinearPredictor!, points.Fitted);
        Assert.Equal(fit.PearsonResiduals!, points.Residual);
        Assert.Contains("logit scale", points.FittedLabel, StringComparison.Ordinal);
        Assert.Equal("Pearson residuals", points.ResidualLabel);
        Assert.StartsWith("row 1, herd 1", points.Labels[0], StringComparison.Ordinal);
    }

    [Fact]
    public void QqRanefAndCaterpillar_AreTheModesOnTheLinkScale_AndSaySo()
    {
        var fit = s_cbpp.Value;
        var table = fit.RandomEffects[0];
        var modes = Enumerable.Range(0, table.Levels.Count).Select(l => table.Value(l, 0)).Order().ToArray();
        var qq = Assert.Single(QqPlots.RandomEffects(fit));
        Assert.Equal(modes, qq.Sample);
        Assert.Equal("logit scale", qq.Scale);
        var panel = Assert.Single(Caterpillar.Compute(fit));
        Assert.Equal("logit scale", panel.Scale);
        var intervals = RandomEffectIntervals.Compute(fit);
        Assert.Equal(intervals.OrderBy(i => i.Mode).Select(i => (i.Level, i.Lower, i.Upper)), panel.Rows.Select(r => (r.Level, r.Lower, r.Upper)));
        var texts = XDocument.Parse(DiagnosticFigures.Create("caterpillar", fit).Figure.ToSvg()).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value);
        Assert.Contains(texts, t => t.Contains("(logit scale)", StringComparison.Ordinal));
    }

    [Fact]
    public void BinnedResiduals_AreMeanResponseResidualsInBinsOfTheLinearPredictor()
    {
        var fit = s_bernoulli.Value;
        var table = GlmmResidualTable.Compute(fit);
        var data = BinnedResiduals.Compute(fit);
        Assert.Equal(BinnedResiduals.BinCount(table.Count), data.Bins.Count);
        Assert.Equal(17, data.Bins.Count); // 315 rows: ⌊√315⌋
        Assert.Equal(table.Count, data.Bins.Sum(b => b.Count));
        Assert.True(data.Bins.Zip(data.Bins.Skip(1)).All(p => p.First.MeanPredictor <= p.Second.MeanPredictor));
        var order = Enumerable.Range(0, table.Count).OrderBy(i => table.LinearPredictor[i]).ToArray();
        int from = 0;
        foreach (var bin in data.Bins)
        {
            var rows = order.Skip(from).Take(bin.Count).ToArray();
            from += bin.Count;
            Assert.Equal(rows.Average(i => table.Response[i]), bin.MeanResidual, 1e-12);
            Assert.Equal(Math.Sqrt(rows.Sum(i => table.Fitted[i] * (1 - table.Fitted[i]))) / bin.Count, bin.StandardError, 1e-12);
        }
        // The residuals of a fit with an intercept average zero only approximately in a GLMM; the bins' spread is ±2 SE.
        Assert.True(data.Bins.Count(b => b.Outside) <= 3, "most bins lie within ±2 standard errors for a well-specified model");
    }

    [Fact]
    public void GroupLines_AreProbabilityCurves_ThePopulationCurveTheInverseLogitOfXBeta()
    {
        var fit = s_bernoulli.Value;
        var lines = GroupLines.Compute(fit, highlight: ["g0001"]);
        Assert.Equal("x", lines.XName);
        Assert.StartsWith("fitted probability", lines.ResponseName, StringComparison.Ordinal);
        double b0 = fit.FixedEffects[0].Estimate, b1 = fit.FixedEffects[1].Estimate;
        for (int k = 0; k < lines.Population.X.Count; k++)
        {
            Assert.Equal(1 / (1 + Math.Exp(-(b0 + (b1 * lines.Population.X[k])))), lines.Population.Y[k], 1e-12);
        }
        var table = fit.RandomEffects[0];
        int level = table.Levels.ToList().IndexOf("g0001");
        var line = lines.Lines[level];
        double u = table.Value(level, 0);
        for (int k = 0; k < line.X.Count; k++) Assert.Equal(1 / (1 + Math.Exp(-(b0 + u + (b1 * line.X[k])))), line.Y[k], 1e-12);
        Assert.All(lines.Observations, o => Assert.True(o.Y is 0 or 1));
    }

    [Fact]
    public void GroupLines_AlongAVariableTakenAsAFactor_IsRefused()
    {
        var e = Assert.Throws<ModelException>(() => GroupLines.Compute(s_cbpp.Value, x: "period"));
        Assert.Contains("takes it as a factor", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The demo's logistic model, read from its source so that the two stay one.</summary>
    internal static (string Data, string Formula) DemoLogistic()
    {
        string source = File.ReadAllText(Path.Combine(Cli.CliRunner.RepositoryRoot(), "src", "FastMlm.Cli", "Commands", "DemoCommand.cs"));
        var m = LogisticModel().Match(source);
        Assert.True(m.Success, "the demo's logistic model is not where the test looks for it");
        return (m.Groups[1].Value, m.Groups[2].Value);
    }

    [GeneratedRegex("""Logistic =\s*\("(\w+)", "([^"]+)",""")]
    private static partial Regex LogisticModel();
}
