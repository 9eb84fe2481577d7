using FastMlm.Formulas;

namespace FastMlm.Tests.Formulas;

/// <summary>Fixed-part expansion against R: each expected value is R's <c>attr(terms(nobars(f)), "term.labels")</c> and intercept.</summary>
public sealed class TermExpansionTests
{
    private static (string Labels, bool Intercept) Fixed(string formula)
    {
        var f = ModelFormula.Parse(formula);
        return (string.Join(",", f.Fixed.Terms.Select(t => t.Label)), f.Fixed.HasIntercept);
    }

    [Theory]
    [InlineData("y ~ b - a + a:b", "b,b:a", true)]
    [InlineData("y ~ (a + b)^2 - a:b", "a,b", true)]
    [InlineData("y ~ a/(b + c)", "a,a:b,a:c", true)]
    [InlineData("y ~ a/b/c", "a,a:b,a:b:c", true)]
    [InlineData("y ~ a*b*c - a:b", "a,b,c,a:c,b:c,a:b:c", true)]
    [InlineData("y ~ c:a + b:a + a", "a,c:a,a:b", true)]
    [InlineData("y ~ (a + b) %in% c", "a:c,b:c", true)]
    [InlineData("y ~ a + b %in% a", "a,a:b", true)]
    [InlineData("y ~ x^2", "x", true)]
    [InlineData("y ~ a + (b - a)", "a,b", true)]
    [InlineData("y ~ (a + b + c)^2 - 1 + a:b:c", "a,b,c,a:b,a:c,b:c,a:b:c", false)]
    [InlineData("log(y) ~ exp(x) + log(y)", "exp(x),log(y)", true)]
    [InlineData("y ~ a:b + a*b", "a,b,a:b", true)]
    [InlineData("cbind(s, f) ~ x:s + x", "x,x:s", true)]
    [InlineData("y ~ I(x^2):z + z", "z,I(x^2):z", true)]
    [InlineData("y ~ scale(x) * factor(g)", "scale(x),factor(g),scale(x):factor(g)", true)]
    [InlineData("y ~ a*b + (1 | g) + c", "a,b,c,a:b", true)]
    [InlineData("y ~ x + ((1 | g) + (1 | h))", "x", true)]
    [InlineData("y ~ `my col` * x", "`my col`,x,`my col`:x", true)]
    [InlineData("y ~ x - 1 + 1", "x", true)]
    [InlineData("y ~ 0 + a*b", "a,b,a:b", false)]
    [InlineData("y ~ x - 0", "x", true)]
    [InlineData("y ~ 0", "", false)]
    [InlineData("y ~ -1", "", false)]
    [InlineData("y ~ 1", "", true)]
    public void Expansion_EqualsRTermLabelsAndIntercept(string formula, string labels, bool intercept) =>
        Assert.Equal((labels, intercept), Fixed(formula));

    [Fact]
    public void Power_GivesMainEffectsAndAllTwoWayInteractions() =>
        Assert.Equal(("a,b,c,a:b,a:c,b:c", true), Fixed("y ~ (a + b + c)^2"));

    [Fact]
    public void StarMinusMainEffect_KeepsTheOtherMainEffectAndTheInteraction() =>
        Assert.Equal(("b,a:b", true), Fixed("y ~ a*b - a"));

    [Fact]
    public void Slash_IsMainEffectPlusInteraction() => Assert.Equal(("a,a:b", true), Fixed("y ~ a/b"));

    [Fact]
    public void MinusOne_AnywhereRemovesTheIntercept()
    {
        Assert.Equal(("x,z", false), Fixed("y ~ x - 1 + z"));
        Assert.Equal(("x,z", false), Fixed("y ~ -1 + x + z"));
    }

    [Fact]
    public void LeadingZero_RemovesTheIntercept() => Assert.Equal(("x", false), Fixed("y ~ 0 + x"));

    [Fact]
    public void DuplicateTerms_AreDropped() => Assert.Equal(("x,z,x:z", true), Fixed("y ~ x + z + x + z:x + x:z"));

    [Fact]
    public void VariableRepeatedInAnInteraction_Collapses() => Assert.Equal(("a,a:b", true), Fixed("y ~ a:a + a:b:a"));

    [Fact]
    public void InsideATerm_VariablesFollowFirstAppearanceWithTheResponseFirst() =>
        Assert.Equal(("x,x:y", true), Fixed("z ~ x + y:x"));

    [Fact]
    public void IProtectsArithmetic_AsOneVariable() =>
        Assert.Equal(("I(a + b),I(a * b)", true), Fixed("y ~ I(a + b) + I(a * b)"));

    [Fact]
    public void Offset_IsNotATermAndKeepsItsArgument()
    {
        var f = ModelFormula.Parse("y ~ offset(log(n)) + x");
        Assert.Equal(["x"], f.Fixed.Terms.Select(t => t.Label));
        Assert.Equal(["log(n)"], f.Offsets.Select(o => o.ToString()));
    }

    [Fact]
    public void VariableNames_AreEveryColumnOnceInFirstAppearanceOrder() =>
        Assert.Equal(["y", "a", "x", "t", "g", "h"], ModelFormula.Parse("log(y) ~ a*x + offset(t) - x + (x | g/h) + (1 | a:g)").VariableNames);
}
