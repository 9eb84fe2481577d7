using System.Text.Json;
using FastMlm.Data;
using FastMlm.Inference;
using FastMlm.Models;

namespace FastMlm.Tests.Inference;

/// <summary>
/// Intervals, F tests and R² checked against lme4 1.1-31 / lmerTest run on this project's built-in data
/// (Lme4Checks/make-inference.R writes Lme4Checks/inference-checks.json).
/// </summary>
public sealed class Lme4InferenceChecksTests
{
    private static readonly Lazy<JsonDocument> s_checks = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Lme4Checks", "inference-checks.json"))));

    private static JsonElement Case(string section, string id) =>
        s_checks.Value.RootElement.GetProperty(section).EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static FitResult Fit(JsonElement c) =>
        LinearMixedModel.Fit(BuiltInData.Load(c.GetProperty("data").GetString()!), c.GetProperty("formula").GetString()!,
            new LmmOptions { Reml = c.GetProperty("reml").GetBoolean() });

    public static TheoryData<string> ProfileCases() => new(s_checks.Value.RootElement.GetProperty("profile").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));

    public static TheoryData<string> FTestCases() => new(s_checks.Value.RootElement.GetProperty("ftest").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));

    [Theory]
    [MemberData(nameof(ProfileCases))]
    public void ProfileIntervals_MatchLme4(string id)
    {
        var c = Case("profile", id);
        var intervals = ConfidenceIntervals.Profile(Fit(c));
        foreach (var e in c.GetProperty("profile").EnumerateArray())
        {
            string name = e.GetProperty("parameter").GetString()!;
            var ci = intervals.Single(i => i.Parameter == name);
            foreach (var (limit, value) in new[] { ("lower", ci.Lower), ("upper", ci.Upper) })
            {
                double want = e.GetProperty(limit).GetDouble();
                // lme4 interpolates its profile with splines: 1e-3 relative, or 1e-3 of the estimate's scale for limits at zero.
                double tol = 1e-3 * Math.Max(Math.Abs(want), 0.01 * Math.Abs(ci.Estimate));
                Assert.True(Math.Abs(value - want) <= tol, $"{id} {name} {limit}: {value} vs lme4 {want}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(FTestCases))]
    public void TypeThreeTests_MatchLmerTest(string id)
    {
        var c = Case("ftest", id);
        var s = Satterthwaite.For(Fit(c));
        var table = s.TermTests();
        Assert.Equal(c.GetProperty("table").GetArrayLength(), table.Count);
        foreach (var e in c.GetProperty("table").EnumerateArray())
        {
            var row = table.Single(r => r.Term == e.GetProperty("term").GetString());
            Assert.Equal(e.GetProperty("NumDF").GetInt32(), row.NumDf);
            double den = e.GetProperty("DenDF").GetDouble();
            Assert.True(Math.Abs(row.DenDf - den) <= 0.01 * den, $"{id} {row.Term}: DenDF {row.DenDf} vs {den}");
            double f = e.GetProperty("F").GetDouble();
            Assert.True(Math.Abs(row.F - f) <= 2e-3 * f, $"{id} {row.Term}: F {row.F} vs {f}");
        }
        var coefficients = s.Coefficients();
        foreach (var e in c.GetProperty("satterthwaite").EnumerateArray())
        {
            var t = coefficients.Single(x => x.Term == e.GetProperty("term").GetString());
            double df = e.GetProperty("df").GetDouble();
            Assert.True(Math.Abs(t.Df - df) <= 0.01 * df, $"{id} {t.Term}: df {t.Df} vs {df}");
        }
    }

    [Theory]
    [MemberData(nameof(ProfileCases))]
    [MemberData(nameof(FTestCases))]
    public void RSquared_MatchesTheDefinitionsComputedFromLme4(string id)
    {
        var root = s_checks.Value.RootElement;
        var c = root.GetProperty("profile").EnumerateArray().Concat(root.GetProperty("ftest").EnumerateArray())
            .Single(x => x.GetProperty("id").GetString() == id);
        var r2 = VarianceExplained.RSquared(Fit(c));
        var e = c.GetProperty("r2");
        Assert.Equal(e.GetProperty("marginal").GetDouble(), r2.Marginal, 2e-3);
        Assert.Equal(e.GetProperty("conditional").GetDouble(), r2.Conditional, 2e-3);
        double rv = e.GetProperty("random_variance").GetDouble();
        Assert.True(Math.Abs(r2.RandomVariance - rv) <= 0.01 * rv, $"{id}: random variance {r2.RandomVariance} vs {rv}");
    }
}
