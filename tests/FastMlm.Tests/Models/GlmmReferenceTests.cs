using System.Text.Json;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Reporting;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Models;

/// <summary>
/// The GLMMs of the lme4 reference suite (binomial, Laplace and 25-point adaptive quadrature), fitted and compared as
/// <c>compare_fit.py</c> compares, with the conditional modes and their conditional SDs.
/// </summary>
public sealed class GlmmReferenceTests
{
    public static TheoryData<string> GeneralizedModels() => new(ReferenceSuite.ModelIds().Where(id =>
    {
        using var doc = ReferenceSuite.Load(id);
        return doc.RootElement.GetProperty("family").GetString() != "gaussian";
    }));

    private static FitResult FitReference(JsonElement root)
    {
        var data = BuiltInData.Load(ReferenceSuite.DataSetName(root));
        var family = Families.Parse(root.GetProperty("family").GetString()!);
        var options = new GlmmOptions
        {
            Link = Links.Parse(root.GetProperty("link").GetString()!, family),
            Nagq = root.GetProperty("nAGQ").GetInt32(),
        };
        return GeneralizedLinearMixedModel.Fit(data, root.GetProperty("formula").GetString()!, family, options);
    }

    [Fact]
    public void Suite_HasTheTwoCbppFits()
    {
        var ids = ReferenceSuite.ModelIds().Where(id =>
        {
            using var doc = ReferenceSuite.Load(id);
            return doc.RootElement.GetProperty("family").GetString() != "gaussian";
        });
        Assert.Equal(["cbpp_binomial_agq25", "cbpp_binomial_laplace"], ids.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(GeneralizedModels))]
    public void Fit_MatchesLme4WithinTheSuiteTolerances(string id)
    {
        using var reference = ReferenceSuite.Load(id);
        var root = reference.RootElement;
        var fit = FitReference(root);
        using var result = JsonDocument.Parse(FitJson.Serialize(fit, id));
        var problems = FitComparison.Problems(root, result.RootElement);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
        Assert.Equal(JsonValueKind.Null, result.RootElement.GetProperty("sigma").ValueKind);
    }

    [Theory]
    [MemberData(nameof(GeneralizedModels))]
    public void Fit_ConditionalModesAndSds_MatchLme4(string id)
    {
        using var reference = ReferenceSuite.Load(id);
        var root = reference.RootElement;
        var fit = FitReference(root);
        foreach (var row in root.GetProperty("ranef_head").EnumerateArray())
        {
            var table = fit.RandomEffects.Single(t => t.Group == row.GetProperty("group").GetString());
            int level = table.Levels.ToList().IndexOf(row.GetProperty("level").GetString()!);
            double want = row.GetProperty("values")[0].GetDouble(), sd = row.GetProperty("condsd").GetDouble();
            Assert.True(Math.Abs(table.Value(level, 0) - want) <= 0.01 * sd, $"level {level}: mode {table.Value(level, 0)} != {want}");
            Assert.True(Math.Abs(Math.Sqrt(table.ConditionalVariance(level, 0)) - sd) <= 0.01 * sd, $"level {level}: condsd {Math.Sqrt(table.ConditionalVariance(level, 0))} != {sd}");
        }
    }
}
