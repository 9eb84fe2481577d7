using System.Text.Json;
using FastMlm.Data;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Inference;

public sealed class SatterthwaiteTests
{
    public static TheoryData<string> RemlModels() => new(ReferenceSuite.ModelIds().Where(id =>
        ReferenceSuite.Load(id).RootElement.TryGetProperty("satterthwaite", out _)));

    private static FitResult FitReference(JsonElement root) =>
        LinearMixedModel.Fit(BuiltInData.Load(ReferenceSuite.DataSetName(root)), root.GetProperty("formula").GetString()!,
            new LmmOptions { Reml = root.GetProperty("reml").GetBoolean() });

    /// <summary>p-values follow from df within 1%, so tiny ones agree on the log scale: 2% relative for ordinary p, 1% of log p in the far tail.</summary>
    private static bool PClose(double actual, double expected) =>
        Math.Abs(actual - expected) <= 0.02 * expected || Math.Abs(Math.Log(actual) - Math.Log(expected)) <= 0.01 * Math.Abs(Math.Log(expected));

    [Theory]
    [MemberData(nameof(RemlModels))]
    public void Coefficients_MatchLmerTestWithinOnePercent(string id)
    {
        using var doc = ReferenceSuite.Load(id);
        var root = doc.RootElement;
        var fit = FitReference(root);
        var tests = Satterthwaite.For(fit).Coefficients();
        foreach (var expected in root.GetProperty("satterthwaite").EnumerateArray())
        {
            string term = expected.GetProperty("term").GetString()!;
            var actual = tests.Single(t => t.Term == term);
            double df = expected.GetProperty("df").GetDouble();
            Assert.True(Math.Abs(actual.Df - df) <= 0.01 * df, $"{id} {term}: df {actual.Df} vs lmerTest {df}");
            double p = expected.GetProperty("p").GetDouble();
            Assert.True(PClose(actual.P, p), $"{id} {term}: p {actual.P} vs lmerTest {p}");
        }
    }

    [Fact]
    public void TermTests_MatchLmerTestTypeThreeTable()
    {
        using var doc = ReferenceSuite.Load("ftest_hsb82_contextual_reml");
        var root = doc.RootElement;
        var fit = FitReference(root);
        var table = Satterthwaite.For(fit).TermTests();
        Assert.Equal(root.GetProperty("table").GetArrayLength(), table.Count);
        foreach (var expected in root.GetProperty("table").EnumerateArray())
        {
            var row = table.Single(r => r.Term == expected.GetProperty("term").GetString());
            Assert.Equal(expected.GetProperty("NumDF").GetInt32(), row.NumDf);
            double den = expected.GetProperty("DenDF").GetDouble();
            Assert.True(Math.Abs(row.DenDf - den) <= 0.01 * den, $"{row.Term}: DenDF {row.DenDf} vs {den}");
            double f = expected.GetProperty("F").GetDouble();
            Assert.Equal(f, row.F, f * 1e-3); // F = t² moves with the estimates, which agree with lme4 to a small fraction of a standard error
            double p = expected.GetProperty("p").GetDouble();
            Assert.True(PClose(row.P, p), $"{row.Term}: p {row.P} vs {p}");
        }
    }
}
