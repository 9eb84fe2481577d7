using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Models;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Design;

/// <summary>Every model of the lme4 reference suite builds a design with lme4's fixed-effect names, observation count and group counts.</summary>
public sealed class ReferenceDesignTests
{
    public static TheoryData<string> Models() => new(ReferenceSuite.ModelIds());

    [Fact]
    public void Suite_IsPresentAndHasEveryKindOfModel()
    {
        var ids = ReferenceSuite.ModelIds().ToArray();
        Assert.True(ids.Length >= 25, $"only {ids.Length} reference models found in {ReferenceSuite.Directory}");
        Assert.Contains("cake_factors_reml", ids);
        Assert.Contains("cbpp_binomial_laplace", ids);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Design_HasReferenceFixedEffectTermsInOrder(string id)
    {
        using var doc = ReferenceSuite.Load(id);
        var design = Build(doc.RootElement);
        var expected = doc.RootElement.GetProperty("fixef").EnumerateArray().Select(e => e.GetProperty("term").GetString()!).ToArray();
        Assert.Equal(expected, design.Fixed.ColumnNames);
        Assert.Empty(design.Fixed.DroppedColumns);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Design_HasReferenceObservationAndGroupCounts(string id)
    {
        using var doc = ReferenceSuite.Load(id);
        var design = Build(doc.RootElement);
        Assert.Equal(doc.RootElement.GetProperty("nobs").GetInt32(), design.ObservationCount);
        var expected = doc.RootElement.GetProperty("ngroups").EnumerateObject()
            .ToDictionary(p => ReferenceSuite.GroupKey(p.Name), p => p.Value.GetInt32());
        var actual = design.GroupCounts.ToDictionary(p => ReferenceSuite.GroupKey(p.Key), p => p.Value);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Design_HasOneRandomTermPerReferenceVarianceGroup(string id)
    {
        using var doc = ReferenceSuite.Load(id);
        var design = Build(doc.RootElement);
        // Each lme4 term contributes its variance rows; the columns of each term are the var1 names of its group.
        var expected = doc.RootElement.GetProperty("varcorr").EnumerateArray()
            .Where(r => r.GetProperty("group").GetString() != "Residual" && r.GetProperty("var2").ValueKind == System.Text.Json.JsonValueKind.Null)
            .Select(r => (Group: r.GetProperty("group").GetString()!, Column: r.GetProperty("var1").GetString()!))
            .GroupBy(r => r.Group)
            .Select(g => (ReferenceSuite.GroupKey(g.Key), string.Join(",", g.Select(r => r.Column))))
            .Order()
            .ToArray();
        var actual = design.RandomTerms
            .Select(t => (ReferenceSuite.GroupKey(t.GroupName), string.Join(",", t.ColumnNames)))
            .Order()
            .ToArray();
        Assert.Equal(expected, actual);
    }

    private static ModelDesign Build(System.Text.Json.JsonElement root)
    {
        var data = BuiltInData.Load(ReferenceSuite.DataSetName(root));
        var family = Families.Parse(root.TryGetProperty("family", out var f) ? f.GetString()! : "gaussian");
        return ModelDesign.Build(data, root.GetProperty("formula").GetString()!, family);
    }
}
