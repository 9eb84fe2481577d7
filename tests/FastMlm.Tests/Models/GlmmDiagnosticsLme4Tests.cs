using System.Text.Json;
using FastMlm.Data;
using FastMlm.Inference;
using FastMlm.Models;

namespace FastMlm.Tests.Models;

/// <summary>
/// A GLMM's fitted values, residuals, conditional modes and likelihood-ratio table against lme4 1.1-31
/// (Lme4Checks/glmm-diagnostics.json, made by make-glmm-diagnostics.R): cbpp's binomial trials, a 0/1 response, Poisson
/// counts with an offset in nested factors, and a proportion with its trials as weights and a correlated random slope.
/// glmer was run to tight tolerances (tolPwrss 1e-12, rhoend 1e-10), where it reaches the Laplace optimum FastMlm
/// reaches, so the values are compared at 1e-5 relative; the formulas themselves are checked exactly on FastMlm's own
/// estimates.
/// </summary>
public sealed class GlmmDiagnosticsLme4Tests
{
    private static readonly Lazy<JsonDocument> s_reference = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Lme4Checks", "glmm-diagnostics.json"))));

    private static JsonElement Case(string id) =>
        s_reference.Value.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static DataFrame Data(string name) => name == "cbpp" ? BuiltInData.Load("cbpp") : SimulatedData.Frame(name);

    /// <summary>The FastMlm fit of a case; cbpp's period is numeric in the built-in data, so it is written factor(period).</summary>
    internal static FitResult Fit(string id)
    {
        var c = Case(id);
        string formula = c.GetProperty("formula").GetString()!;
        if (id == "cbpp") formula = formula.Replace("~ period", "~ factor(period)", StringComparison.Ordinal);
        var family = Families.Parse(c.GetProperty("family").GetString()!);
        string? weights = c.GetProperty("weights").ValueKind == JsonValueKind.String ? c.GetProperty("weights").GetString() : null;
        return GeneralizedLinearMixedModel.Fit(Data(c.GetProperty("data").GetString()!), formula, family, null, weights);
    }

    private static double[] Values(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>The largest |a − b| / max(|b|, 1) (relative, absolute for values under 1 in size).</summary>
    private static double MaxRelative(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        Assert.Equal(b.Count, a.Count);
        return Enumerable.Range(0, a.Count).Max(i => Math.Abs(a[i] - b[i]) / Math.Max(Math.Abs(b[i]), 1));
    }

    public static TheoryData<string> Cases() => new() { "cbpp", "bernoulli_groups", "poisson_nested_offset", "binomial_slopes_weights" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FittedValuesAndResiduals_AgreeWithGlmer(string id)
    {
        var c = Case(id);
        var table = GlmmResidualTable.Compute(Fit(id));
        var checks = new (string Name, IReadOnlyList<double> Mine, string Key)[]
        {
            ("eta", table.LinearPredictor, "eta"),
            ("fitted", table.Fitted, "fitted"),
            ("response", table.Response, "response_residuals"),
            ("pearson", table.Pearson, "pearson_residuals"),
            ("deviance", table.Deviance, "deviance_residuals"),
        };
        foreach (var (name, mine, key) in checks)
        {
            double d = MaxRelative(mine, Values(c.GetProperty(key)));
            Assert.True(d <= 1e-5, $"{id} {name}: largest relative difference {d:G3}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ResidualFormulas_HoldAtTheFitsOwnEstimates(string id)
    {
        var fit = Fit(id);
        var table = GlmmResidualTable.Compute(fit);
        var link = Links.Parse(fit.Link, fit.Family);
        Assert.Equal(fit.LinearPredictor!, table.LinearPredictor);
        Assert.Equal(fit.PearsonResiduals!, table.Pearson);
        double deviance = 0;
        for (int i = 0; i < table.Count; i++)
        {
            double y = table.Observed[i], mu = table.Fitted[i], m = table.PriorWeights[i];
            Assert.Equal(Links.Inverse(link, table.LinearPredictor[i]).Mu, mu, 1e-14);
            Assert.Equal(y - mu, table.Response[i], 1e-15);
            double v = fit.Family == Family.Binomial ? mu * (1 - mu) : mu;
            Assert.Equal((y - mu) / Math.Sqrt(v / m), table.Pearson[i], 1e-12);
            double d = fit.Family == Family.Binomial
                ? 2 * m * ((y > 0 ? y * Math.Log(y / mu) : 0) + (y < 1 ? (1 - y) * Math.Log((1 - y) / (1 - mu)) : 0))
                : 2 * m * ((y > 0 ? y * Math.Log(y / mu) : 0) - (y - mu));
            Assert.Equal(Math.Sign(y - mu) * Math.Sqrt(d), table.Deviance[i], 1e-9);
            deviance += d;
        }
        // The squared deviance residuals add up to the conditional deviance less the saturated model's.
        var response = new GlmResponse(fit.Design.Response, fit.Family, link);
        Assert.Equal(response.Deviance(table.Fitted.ToArray()) - response.SaturatedDeviance, deviance, 1e-8 * deviance);
        Assert.Equal(table.PriorWeights.All(w => w == 1) && fit.Family == Family.Binomial, table.IsBinary);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConditionalModesAndIntervals_AgreeWithGlmersCondVar(string id)
    {
        var c = Case(id);
        var fit = Fit(id);
        var intervals = RandomEffectIntervals.Compute(fit);
        double z = Distributions.NormalQuantile(0.975);
        int compared = 0;
        double worstMode = 0, worstSd = 0;
        foreach (var g in c.GetProperty("ranef").EnumerateArray())
        {
            string group = g.GetProperty("group").GetString()!;
            var levels = g.GetProperty("levels").EnumerateArray().Select(l => l.GetString()!).ToArray();
            var columns = g.GetProperty("columns").EnumerateArray().Select(l => l.GetString()!).ToArray();
            for (int j = 0; j < columns.Length; j++)
            {
                var modes = Values(g.GetProperty("modes")[j]);
                var sds = Values(g.GetProperty("condsd")[j]);
                for (int l = 0; l < levels.Length; l++)
                {
                    var mine = intervals.Single(i => i.Group == group && i.Level == levels[l] && i.Column == columns[j]);
                    worstMode = Math.Max(worstMode, Math.Abs(mine.Mode - modes[l]) / Math.Max(Math.Abs(modes[l]), 0.1));
                    worstSd = Math.Max(worstSd, Math.Abs(mine.ConditionalSd - sds[l]) / sds[l]);
                    Assert.Equal(mine.Mode - (z * mine.ConditionalSd), mine.Lower, 1e-12);
                    Assert.Equal(mine.Mode + (z * mine.ConditionalSd), mine.Upper, 1e-12);
                    compared++;
                }
            }
        }
        Assert.Equal(intervals.Count, compared);
        Assert.True(worstMode <= 1e-4, $"{id}: modes differ by {worstMode:G3} (relative)");
        Assert.True(worstSd <= 1e-4, $"{id}: conditional SDs differ by {worstSd:G3} (relative)");
    }

    /// <summary>
    /// lme4's <c>anova(m0, m1)</c> of two cbpp models, glmer at its default settings: npar and Df exactly, the deviances
    /// within the 1e-3 by which glmer's PIRLS stops short (FastMlm's the lower), the χ² and p-value to match.
    /// </summary>
    [Fact]
    public void LikelihoodRatioTable_OfTwoGlmms_IsLme4sAnova()
    {
        var anova = s_reference.Value.RootElement.GetProperty("anova");
        var formulas = anova.GetProperty("formulas").EnumerateArray().Select(f => f.GetString()!).ToArray();
        var data = BuiltInData.Load("cbpp");
        var fits = formulas.Select(f => GeneralizedLinearMixedModel.Fit(data, f, Family.Binomial)).ToArray();
        var table = LikelihoodRatioTest.Compare(fits, ["m0", "m1"]);
        var rows = anova.GetProperty("rows").EnumerateArray().ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            var (mine, theirs) = (table.Rows[i], rows[i]);
            Assert.Equal(theirs.GetProperty("model").GetString(), mine.Name);
            Assert.Equal(theirs.GetProperty("npar").GetInt32(), mine.Parameters);
            double deviance = theirs.GetProperty("deviance").GetDouble();
            Assert.InRange(mine.Deviance, deviance - 1e-3, deviance + 1e-8);
            Assert.Equal(theirs.GetProperty("AIC").GetDouble(), mine.Aic, 1e-3);
            Assert.Equal(theirs.GetProperty("logLik").GetDouble(), mine.LogLikelihood, 1e-3);
        }
        var test = table.Rows[1];
        Assert.Equal(rows[1].GetProperty("Df").GetInt32(), test.Df);
        Assert.Equal(rows[1].GetProperty("Chisq").GetDouble(), test.ChiSquare!.Value, 2e-3);
        double p = rows[1].GetProperty("p").GetDouble();
        Assert.True(Math.Abs(test.P!.Value - p) <= 1e-3 * p, $"p {test.P} vs lme4 {p}");
    }

    [Fact]
    public void LikelihoodRatioTable_OfDifferentFamilies_IsRefused()
    {
        var data = BuiltInData.Load("cbpp");
        var binomial = GeneralizedLinearMixedModel.Fit(data, "cbind(incidence, size - incidence) ~ 1 + (1 | herd)", Family.Binomial);
        var poisson = GeneralizedLinearMixedModel.Fit(data, "incidence ~ factor(period) + (1 | herd)", Family.Poisson);
        var e = Assert.Throws<ModelException>(() => LikelihoodRatioTest.Compare([binomial, poisson]));
        Assert.Contains("one family and link", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinearTable_RefusesAGlmm_AndTheGlmmTableALinearFit()
    {
        var glmm = Fit("cbpp");
        Assert.Throws<ModelException>(() => ResidualTable.Compute(glmm));
        Assert.Throws<ModelException>(() => GlmmResidualTable.Compute(LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (1 | Subject)")));
    }
}
