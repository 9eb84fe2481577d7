using FastMlm.Formulas;

namespace FastMlm.Tests.Formulas;

public sealed class ModelFormulaTests
{
    private static string[] Terms(string formula) => ModelFormula.Parse(formula).Fixed.Terms.Select(t => t.Label).ToArray();

    private static string[] Random(string formula) => ModelFormula.Parse(formula).Random.Select(t => t.ToString()).ToArray();

    // The reference suite's formulas, with the fixed terms R's terms() gives.
    [Theory]
    [InlineData("Reaction ~ 1 + Days + (1 + Days | Subject)", "Days")]
    [InlineData("Reaction ~ Days + (Days || Subject)", "Days")]
    [InlineData("angle ~ recipe * factor(temperature) + (1 | recipe:replicate)", "recipe,factor(temperature),recipe:factor(temperature)")]
    [InlineData("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "factor(period)")]
    [InlineData("diameter ~ 1 + (1 | plate) + (1 | sample)", "")]
    [InlineData("height ~ age + I(age^2) + (1 + age | Subject)", "age,I(age^2)")]
    [InlineData("mAch ~ meanses * cses + sector * cses + (1 + cses | school)", "meanses,cses,sector,meanses:cses,cses:sector")]
    [InlineData("normexam ~ standlrt * schavg + sex + (1 + standlrt | school)", "standlrt,schavg,sex,standlrt:schavg")]
    [InlineData("popular ~ extrav * texp + sex + (1 + extrav | class)", "extrav,texp,sex,extrav:texp")]
    [InlineData("strength ~ 1 + (1 | batch/cask)", "")]
    [InlineData("mAch ~ 1 + ses + (1 | school) + (0 + ses | school)", "ses")]
    public void ReferenceFormula_HasRsFixedTerms(string formula, string terms) =>
        Assert.Equal(terms.Length == 0 ? [] : terms.Split(','), Terms(formula));

    // Expansions checked against R's terms().
    [Theory]
    [InlineData("y ~ (x + z):(u + v)", "x:u,x:v,z:u,z:v")]
    [InlineData("y ~ (x + z)*(u + v)", "x,z,u,v,x:u,x:v,z:u,z:v")]
    [InlineData("y ~ (a + b)/c", "a,b,a:b:c")]
    [InlineData("y ~ a*b - a", "b,a:b")]
    [InlineData("y ~ (a + b + c)^3 - a:b:c", "a,b,c,a:b,a:c,b:c")]
    [InlineData("y ~ (a + b + c)^2", "a,b,c,a:b,a:c,b:c")]
    [InlineData("y ~ b:a + a", "a,b:a")]
    [InlineData("y ~ a %in% b", "a:b")]
    [InlineData("y ~ a + a + a:a", "a")]
    [InlineData("y ~ a/b", "a,a:b")]
    [InlineData("y ~ log(x) + exp(x)", "log(x),exp(x)")]
    public void Expansion_MatchesRTerms(string formula, string terms) => Assert.Equal(terms.Split(','), Terms(formula));

    [Theory]
    [InlineData("y ~ x", true)]
    [InlineData("y ~ 0 + x", false)]
    [InlineData("y ~ x - 1", false)]
    [InlineData("y ~ -1 + x", false)]
    [InlineData("y ~ x + 0", false)]
    [InlineData("y ~ x - 1 + 1", true)]
    [InlineData("y ~ 1", true)]
    public void InterceptMarkers_AreRead(string formula, bool intercept) =>
        Assert.Equal(intercept, ModelFormula.Parse(formula).Fixed.HasIntercept);

    [Fact]
    public void DoubleBar_SplitsIntoUncorrelatedTerms() =>
        Assert.Equal(["(1 | Subject)", "(0 + Days | Subject)"], Random("Reaction ~ Days + (Days || Subject)"));

    [Fact]
    public void DoubleBarWithoutIntercept_GivesOnlyTheSlopes() =>
        Assert.Equal(["(0 + x | g)", "(0 + z | g)"], Random("y ~ 1 + (0 + x + z || g)"));

    [Fact]
    public void Nesting_ExpandsInnerFirstWithLme4Names()
    {
        var f = ModelFormula.Parse("strength ~ 1 + (1 | batch/cask)");
        Assert.Equal(["cask:batch", "batch"], f.Random.Select(r => r.GroupName));
        Assert.Equal(["cask", "batch"], f.Random[0].Grouping.Select(g => g.ToString()));
    }

    [Fact]
    public void ThreeLevelNesting_GivesThreeTerms() =>
        Assert.Equal(["c:(b:a)", "b:a", "a"], ModelFormula.Parse("y ~ 1 + (1 | a/b/c)").Random.Select(r => r.GroupName));

    [Fact]
    public void InteractionGrouping_IsOneFactor()
    {
        var r = ModelFormula.Parse("angle ~ recipe + (1 | recipe:replicate)").Random.Single();
        Assert.Equal("recipe:replicate", r.GroupName);
        Assert.Equal(2, r.Grouping.Count);
    }

    [Fact]
    public void RandomSlopeWithFactor_KeepsFactorTerm()
    {
        var r = ModelFormula.Parse("y ~ 1 + (0 + f | g)").Random.Single();
        Assert.False(r.Effects.HasIntercept);
        Assert.Equal("f", r.Effects.Terms.Single().Label);
    }

    [Fact]
    public void SameFactorInSeveralTerms_IsKept() =>
        Assert.Equal(["(1 | g)", "(0 + x | g)"], Random("y ~ x + (1 | g) + (0 + x | g)"));

    [Fact]
    public void CbindResponse_IsACall()
    {
        var f = ModelFormula.Parse("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)");
        Assert.Equal("cbind(incidence, size - incidence)", f.Response.ToString());
        Assert.Equal(["incidence", "size", "period", "herd"], f.VariableNames);
    }

    [Fact]
    public void Offset_IsNotATerm()
    {
        var f = ModelFormula.Parse("y ~ x + offset(log(t)) + (1 | g)");
        Assert.Equal(["x"], f.Fixed.Terms.Select(t => t.Label));
        Assert.Equal("log(t)", f.Offsets.Single().ToString());
        Assert.Equal(["y", "x", "t", "g"], f.VariableNames);
    }

    [Theory]
    [InlineData("y ~ I(age^2)", "I(age^2)")]
    [InlineData("y ~ I(y * 100)", "I(y * 100)")]
    [InlineData("y ~ I(x/2)", "I(x/2)")]
    [InlineData("y ~ I(x * 1e6)", "I(x * 1e+06)")]
    [InlineData("y ~ I(x - 0.5)", "I(x - 0.5)")]
    [InlineData("y ~ I((a + b)^2)", "I((a + b)^2)")]
    [InlineData("y ~ I(-x)", "I(-x)")]
    [InlineData("y ~ log10(x)", "log10(x)")]
    [InlineData("y ~ `my col`", "`my col`")]
    [InlineData("y ~ I(x**2)", "I(x^2)")]
    public void Deparse_WritesNamesAsR(string formula, string label) => Assert.Equal(label, Terms(formula).Single());

    [Fact]
    public void PowerBindsTighterThanUnaryMinus()
    {
        var f = ModelFormula.Parse("y ~ I(-a^2)");
        var call = (CallNode)f.Fixed.Terms.Single().Variables.Single();
        var minus = Assert.IsType<UnaryNode>(call.Arguments[0]);
        Assert.IsType<BinaryNode>(minus.Operand);
    }
}
