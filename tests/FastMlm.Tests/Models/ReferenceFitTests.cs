using System.Text.Json;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Reporting;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Models;

/// <summary>Every linear model of the lme4 reference suite, fitted and compared as <c>compare_fit.py</c> compares.</summary>
public sealed class ReferenceFitTests
{
    public static TheoryData<string> LinearModels() => new(ReferenceSuite.ModelIds().Where(id =>
    {
        using var doc = ReferenceSuite.Load(id);
        return doc.RootElement.GetProperty("family").GetString() == "gaussian";
    }));

    [Fact]
    public void Suite_HasTheLinearModels()
    {
        Assert.True(LinearModels().Count >= 20);
    }

    [Theory]
    [MemberData(nameof(LinearModels))]
    public void Fit_MatchesLme4WithinTheSuiteTolerances(string id)
    {
        using var reference = ReferenceSuite.Load(id);
        var root = reference.RootElement;
        var data = BuiltInData.Load(ReferenceSuite.DataSetName(root));
        var fit = LinearMixedModel.Fit(data, root.GetProperty("formula").GetString()!, new LmmOptions { Reml = root.GetProperty("reml").GetBoolean() });
        using var result = JsonDocument.Parse(FitJson.Serialize(fit, id));
        var problems = FitComparison.Problems(root, result.RootElement);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        // lme4 warns of failed convergence on hsb82 and popular models that are at their optimum; FastMlm must not.
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
        Assert.DoesNotContain(fit.Messages, m => m.Contains("converge", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(LinearModels))]
    public void Fit_ConditionalModesAndSds_MatchLme4(string id)
    {
        using var reference = ReferenceSuite.Load(id);
        var root = reference.RootElement;
        if (!root.TryGetProperty("ranef_head", out var head)) return;
        var data = BuiltInData.Load(ReferenceSuite.DataSetName(root));
        var fit = LinearMixedModel.Fit(data, root.GetProperty("formula").GetString()!, new LmmOptions { Reml = root.GetProperty("reml").GetBoolean() });
        double sigma = fit.Sigma;
        foreach (var row in head.EnumerateArray())
        {
            string group = row.GetProperty("group").GetString()!;
            string level = row.GetProperty("level").GetString()!;
            // lme4 writes a one-column term as a bare number (value and SD) and merges the terms of one factor.
            var condsdNode = row.GetProperty("condsd");
            var condsd = condsdNode.ValueKind == JsonValueKind.Array ? condsdNode.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [condsdNode.GetDouble()];
            var valuesNode = row.GetProperty("values");
            var tables = fit.RandomEffects.Where(t => ReferenceSuite.GroupKey(t.Group) == ReferenceSuite.GroupKey(group)).ToArray();
            var values = valuesNode.ValueKind == JsonValueKind.Object
                ? valuesNode.EnumerateObject().Select(v => (Name: v.Name, Value: v.Value.GetDouble())).ToArray()
                : valuesNode.EnumerateArray().Select(v => (Name: tables.Single().Columns.Single(), Value: v.GetDouble())).ToArray();
            for (int c = 0; c < values.Length; c++)
            {
                var table = tables.Single(t => t.Columns.Contains(values[c].Name));
                int li = table.Levels.ToList().IndexOf(level);
                Assert.True(li >= 0, $"level {level} of {group} not found");
                int col = table.Columns.ToList().IndexOf(values[c].Name);
                double want = values[c].Value;
                double sd = condsd[c];
                Assert.True(Math.Abs(table.Value(li, col) - want) <= (0.01 * sd) + (1e-6 * sigma),
                    $"{group} {level} {values[c].Name}: {table.Value(li, col)} != {want}");
                Assert.True(Math.Abs(Math.Sqrt(table.ConditionalVariance(li, col)) - sd) <= (0.01 * sd) + 1e-8,
                    $"{group} {level} condsd {values[c].Name}: {Math.Sqrt(table.ConditionalVariance(li, col))} != {sd}");
            }
        }
    }
}
