using FastMlm.Formulas;

namespace FastMlm.Tests.Formulas;

/// <summary>Random-effects expansion against lme4 1.1's <c>findbars</c> (after <c>expandDoubleVerts</c>) and its group names.</summary>
public sealed class RandomTermTests
{
    private static string[] Random(string formula) => ModelFormula.Parse(formula).Random.Select(t => t.ToString()).ToArray();

    [Theory]
    [InlineData("Reaction ~ 1 + Days + (1 + Days | Subject)", "(1 + Days | Subject)")]
    [InlineData("Reaction ~ Days + (Days || Subject)", "(1 | Subject);(0 + Days | Subject)")]
    [InlineData("angle ~ recipe * factor(temperature) + (1 | recipe:replicate)", "(1 | recipe:replicate)")]
    [InlineData("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "(1 | herd)")]
    [InlineData("diameter ~ 1 + (1 | plate) + (1 | sample)", "(1 | plate);(1 | sample)")]
    [InlineData("height ~ age + I(age^2) + (1 + age | Subject)", "(1 + age | Subject)")]
    [InlineData("mAch ~ meanses * cses + sector * cses + (1 + cses | school)", "(1 + cses | school)")]
    [InlineData("normexam ~ standlrt * schavg + sex + (1 + standlrt | school)", "(1 + standlrt | school)")]
    [InlineData("popular ~ extrav * texp + sex + (1 + extrav | class)", "(1 + extrav | class)")]
    [InlineData("strength ~ 1 + (1 | batch/cask)", "(1 | cask:batch);(1 | batch)")]
    [InlineData("mAch ~ 1 + ses + (1 | school) + (0 + ses | school)", "(1 | school);(0 + ses | school)")]
    public void ReferenceFormula_HasLme4RandomTerms(string formula, string terms) =>
        Assert.Equal(terms.Split(';'), Random(formula));

    [Fact]
    public void Nesting_InnerTermIsGroupedByInnerThenOuter()
    {
        var inner = ModelFormula.Parse("strength ~ 1 + (1 | batch/cask)").Random[0];
        Assert.Equal(["cask", "batch"], inner.Grouping.Select(g => g.ToString()));
        Assert.Equal("cask:batch", inner.GroupName);
    }

    [Fact]
    public void ThreeLevelNesting_NamesGroupsAsLme4Deparses()
    {
        var terms = ModelFormula.Parse("y ~ 1 + (1 | a/b/c)").Random;
        Assert.Equal(["c:(b:a)", "b:a", "a"], terms.Select(t => t.GroupName));
        Assert.Equal(["c", "b", "a"], terms[0].Grouping.Select(g => g.ToString()));
    }

    [Fact]
    public void NestingInsideAnInteraction_KeepsTheInteractionFirst() =>
        Assert.Equal(["(1 | b:c:a)", "(1 | a)"], Random("y ~ (1 | a/b:c)"));

    [Fact]
    public void DoubleBarWithNesting_SplitsBeforeNesting() =>
        Assert.Equal(["(1 | b:a)", "(1 | a)", "(0 + x | b:a)", "(0 + x | a)"], Random("y ~ (x || a/b)"));

    [Fact]
    public void DoubleBar_PutsTheInterceptFirstThenEachTermAlone() =>
        Assert.Equal(["(1 | g)", "(0 + x | g)", "(0 + z | g)"], Random("y ~ x + (x + z || g)"));

    [Fact]
    public void DoubleBarWithoutIntercept_GivesOnlyTheSlopes() =>
        Assert.Equal(["(0 + x | g)"], Random("y ~ (0 + x || g)"));

    [Fact]
    public void LeftSide_RanksVariablesByItsOwnOrder() =>
        Assert.Equal(["(1 + a + b:a | g)"], Random("y ~ a:b + (b:a + a | g)"));

    [Fact]
    public void LeftSide_MinusOneDropsTheIntercept() => Assert.Equal(["(0 + x | h)"], Random("y ~ x + (x - 1 | h)"));

    [Fact]
    public void FactorSlopeWithoutIntercept_IsKept() => Assert.Equal(["(0 + f | g)"], Random("y ~ (0 + f | g)"));

    [Fact]
    public void CallAsGroupingFactor_IsNamedByItsDeparse() =>
        Assert.Equal(["(1 + x | g:h)", "(1 | factor(k))"], Random("y ~ (x | g:h) + (1 | factor(k))"));

    [Fact]
    public void BarsInsideParenthesizedSum_AreFound()
    {
        var f = ModelFormula.Parse("y ~ x + ((1 | g) + (1 | h))");
        Assert.Equal(["(1 | g)", "(1 | h)"], f.Random.Select(t => t.ToString()));
        Assert.Equal(["x"], f.Fixed.Terms.Select(t => t.Label));
    }

    [Fact]
    public void SameFactorInSeveralTerms_GivesSeveralTerms() =>
        Assert.Equal(["(1 | g)", "(0 + x | g)"], Random("y ~ x + (1 | g) + (0 + x | g)"));

    [Fact]
    public void BarInsideAnInteraction_IsAnError()
    {
        var e = Assert.Throws<FormulaException>(() => ModelFormula.Parse("y ~ x * (1 | g)"));
        Assert.Equal(11, e.Position);
    }
}
