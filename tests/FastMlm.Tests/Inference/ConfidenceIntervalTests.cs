using System.Text.Json;
using FastMlm.Data;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Inference;

public sealed class ConfidenceIntervalTests
{
    private static FitResult FitReference(JsonElement root) =>
        LinearMixedModel.Fit(BuiltInData.Load(ReferenceSuite.DataSetName(root)), root.GetProperty("formula").GetString()!,
            new LmmOptions { Reml = root.GetProperty("reml").GetBoolean() });

    private static void AssertMatches(JsonElement expected, IReadOnlyList<ConfidenceInterval> actual, string id)
    {
        foreach (var e in expected.EnumerateArray())
        {
            string name = e.GetProperty("parameter").GetString()!;
            var ci = actual.Single(c => c.Parameter == name);
            foreach (var (limit, value) in new[] { ("lower", ci.Lower), ("upper", ci.Upper) })
            {
                double want = e.GetProperty(limit).GetDouble();
                Assert.True(Math.Abs(value - want) <= 1e-3 * Math.Abs(want), $"{id} {name} {limit}: {value} vs lme4 {want}");
            }
        }
    }

    [Theory]
    [InlineData("ci_sleepstudy_slopes_ml")]
    [InlineData("icc_exam_empty_ml")]
    public void Profile_MatchesLme4Confint(string id)
    {
        using var doc = ReferenceSuite.Load(id);
        var root = doc.RootElement;
        var intervals = ConfidenceIntervals.Profile(FitReference(root));
        AssertMatches(root.GetProperty("profile"), intervals, id);
    }

    [Fact]
    public void Wald_MatchesLme4Confint()
    {
        using var doc = ReferenceSuite.Load("ci_sleepstudy_slopes_ml");
        var root = doc.RootElement;
        AssertMatches(root.GetProperty("wald"), ConfidenceIntervals.Wald(FitReference(root)), "wald");
    }

    [Fact]
    public void Profile_OnTwoThreads_EqualsOneThread()
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)");
        var one = ConfidenceIntervals.Profile(fit, 0.95, threads: 1);
        var two = ConfidenceIntervals.Profile(fit, 0.95, threads: 2);
        Assert.Equal(one, two);
    }
}
