using FastMlm.Data;
using FastMlm.Design;

namespace FastMlm.Tests.Design;

/// <summary>
/// Formulas beyond the reference suite, with the fixed-effect names and group counts lme4 1.1-31 gives
/// (lme4-names.tsv, made by lme4-names.R): contrasts without an intercept, interactions without main
/// effects, nesting in the fixed part, crossed grouping, and rank-deficient designs whose aliased
/// columns lme4 drops.
/// </summary>
public sealed class Lme4NamesTests
{
    public static TheoryData<string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Design", "lme4-names.tsv")))
        {
            var f = line.Split('\t');
            if (f.Length == 4) data.Add(f[0], f[1], f[2], f[3].Trim());
        }
        return data;
    }

    [Fact]
    public void CasesFile_HasEveryCase() => Assert.Equal(9, Cases().Count);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Design_HasLme4sFixedEffectsAndGroups(string dataSet, string formula, string fixedNames, string groups)
    {
        var design = ModelDesign.Build(BuiltInData.Load(dataSet), formula);
        Assert.Equal(fixedNames.Split(','), design.Fixed.ColumnNames);
        var expected = groups.Split(',').Select(g => g.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), design.GroupCounts.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
