using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Models;

namespace FastMlm.Tests.Design;

public sealed class ModelDesignTests
{
    private static DataFrame Frame(params Column[] columns) => new(columns, "test");

    private static NumericColumn Num(string name, params double[] values) => new(name, values);

    private static CategoricalColumn Cat(string name, params string?[] values) => CategoricalColumn.FromStrings(name, values);

    /// <summary>Twelve rows, two groups, a three-level factor f crossed with a two-level factor h.</summary>
    private static DataFrame Small() => Frame(
        Num("y", 1, 2, 3, 4, 5, 7, 6, 8, 9, 11, 10, 12),
        Num("x", 0.5, 1.5, 2, 3.5, 4, 6, 2.5, 1, 3, 5, 4.5, 7),
        Cat("f", "a", "b", "c", "a", "b", "c", "a", "b", "c", "a", "b", "c"),
        Cat("h", "u", "u", "u", "v", "v", "v", "u", "u", "u", "v", "v", "v"),
        Cat("g", "g1", "g1", "g1", "g1", "g1", "g1", "g2", "g2", "g2", "g2", "g2", "g2"));

    [Fact]
    public void InterceptColumn_IsOnesAndNamedAsInR()
    {
        var d = ModelDesign.Build(Small(), "y ~ x + (1 | g)");
        Assert.Equal(["(Intercept)", "x"], d.Fixed.ColumnNames);
        Assert.All(Enumerable.Range(0, 12), i => Assert.Equal(1.0, d.Fixed.X[i, 0]));
        Assert.Equal(6.0, d.Fixed.X[5, 1]);
    }

    [Fact]
    public void Factor_GetsTreatmentContrastsWithFirstLevelAsReference()
    {
        var d = ModelDesign.Build(Small(), "y ~ f + (1 | g)");
        Assert.Equal(["(Intercept)", "fb", "fc"], d.Fixed.ColumnNames);
        Assert.Equal([0.0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0], Column(d, 1));
        Assert.Equal([0.0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], Column(d, 2));
    }

    [Fact]
    public void NoIntercept_FirstFactorGetsEveryLevel_LaterFactorsContrasts()
    {
        var d = ModelDesign.Build(Small(), "y ~ 0 + f + h + (1 | g)");
        Assert.Equal(["fa", "fb", "fc", "hv"], d.Fixed.ColumnNames);
    }

    [Fact]
    public void NumericByFactorInteractionWithoutMainEffect_CodesFactorByIndicators()
    {
        var d = ModelDesign.Build(Small(), "y ~ x:f + (1 | g)");
        Assert.Equal(["(Intercept)", "x:fa", "x:fb", "x:fc"], d.Fixed.ColumnNames);
        Assert.Equal([0.5, 0, 0, 3.5, 0, 0, 2.5, 0, 0, 5, 0, 0], Column(d, 1));
    }

    [Fact]
    public void FactorInteraction_FirstVariableVariesFastest()
    {
        var d = ModelDesign.Build(Small(), "y ~ f * h + (1 | g)");
        Assert.Equal(["(Intercept)", "fb", "fc", "hv", "fb:hv", "fc:hv"], d.Fixed.ColumnNames);
        Assert.Equal([0.0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1], Column(d, 5)); // f = c and h = v in rows 6 and 12
    }

    // Column names as R's model.matrix gives them for the same data (checked with R 4.2 and lme4 1.1-31).
    [Theory]
    [InlineData("y ~ 0 + f + h", "fa,fb,fc,hv")]
    [InlineData("y ~ x:f", "(Intercept),x:fa,x:fb,x:fc")]
    [InlineData("y ~ f*h", "(Intercept),fb,fc,hv,fb:hv,fc:hv")]
    [InlineData("y ~ 0 + x + f", "x,fa,fb,fc")]
    [InlineData("y ~ (x + f + h)^2", "(Intercept),x,fb,fc,hv,x:fb,x:fc,x:hv,fb:hv,fc:hv")]
    [InlineData("y ~ x*f - f", "(Intercept),x,x:fb,x:fc")]
    [InlineData("y ~ f/x", "(Intercept),fb,fc,fa:x,fb:x,fc:x")]
    [InlineData("y ~ h + f:h", "(Intercept),hv,hu:fb,hv:fb,hu:fc,hv:fc")]
    [InlineData("y ~ 0 + x:f + h", "hu,hv,x:fa,x:fb,x:fc")]
    [InlineData("y ~ I(x^2) + log(y) + scale(x)", "(Intercept),I(x^2),log(y),scale(x)")]
    public void ColumnNames_MatchRModelMatrix(string fixedPart, string expected)
    {
        var d = ModelDesign.Build(Small(), fixedPart + " + (1 | g)");
        Assert.Equal(expected.Split(','), d.Fixed.ColumnNames);
    }

    [Fact]
    public void RankDeficientX_DropsLaterAliasedColumnAndNamesIt()
    {
        var data = Frame(
            Num("y", 1, 2, 3, 5, 4, 6),
            Num("x", 1, 2, 3, 4, 5, 6),
            Num("x2", 2, 4, 6, 8, 10, 12),
            Num("z", 1, 0, 1, 0, 0, 1),
            Cat("g", "a", "a", "a", "b", "b", "b"));
        var d = ModelDesign.Build(data, "y ~ x + x2 + z + (1 | g)");
        Assert.Equal(["(Intercept)", "x", "z"], d.Fixed.ColumnNames);
        Assert.Equal(["x2"], d.Fixed.DroppedColumns);
        Assert.Equal(3, d.Fixed.X.Columns);
        Assert.Contains("rank deficient", d.Fixed.RankNote);
        Assert.Contains("x2", d.Messages.Single());
    }

    [Fact]
    public void OverParameterizedFactorInteraction_DropsTheLastIndicator()
    {
        var d = ModelDesign.Build(Small(), "y ~ f:h + (1 | g)");
        Assert.Equal(["fc:hv"], d.Fixed.DroppedColumns);
        Assert.Equal(6, d.Fixed.ColumnCount);
    }

    [Fact]
    public void MissingValues_DropRowsAndCountThemPerVariable()
    {
        var data = Frame(
            Num("y", 1, double.NaN, 3, 4, 5, 6, 7),
            Num("x", 1, 2, double.NaN, double.NaN, 5, 6, 7),
            Num("unused", double.NaN, double.NaN, double.NaN, 1, 1, 1, 1),
            Cat("g", "a", "a", "a", "b", "b", null, "c"));
        var d = ModelDesign.Build(data, "y ~ x + (1 | g)");
        Assert.Equal(3, d.ObservationCount);
        Assert.Equal([0, 4, 6], d.Frame.Rows);
        var note = Assert.Single(d.Messages);
        Assert.Equal("dropped 4 of 7 rows with missing values (y 1, x 2, g 1)", note);
    }

    [Fact]
    public void UnusedFactorLevelsAfterDroppingRows_AreDropped()
    {
        var data = Frame(
            Num("y", 1, 2, 3, 4, 5),
            Cat("f", "a", "b", "b", "c", "c"),
            Num("x", double.NaN, 1, 2, 3, 4),
            Cat("g", "p", "p", "p", "q", "q"));
        var d = ModelDesign.Build(data, "y ~ f + x + (1 | g)");
        Assert.Equal(["(Intercept)", "fc", "x"], d.Fixed.ColumnNames);
    }

    [Fact]
    public void NoCompleteRow_IsAnErrorNamingTheVariables()
    {
        var data = Frame(Num("y", 1, 2), Num("x", double.NaN, double.NaN), Cat("g", "a", "b"));
        var e = Assert.Throws<DataException>(() => ModelDesign.Build(data, "y ~ x + (1 | g)"));
        Assert.Contains("no rows left", e.Message);
        Assert.Contains("x", e.Message);
    }

    [Fact]
    public void InfiniteValue_IsAnErrorNamingColumnAndRow()
    {
        var data = Frame(Num("y", 1, 2, 3), Num("x", 1, double.PositiveInfinity, 3), Cat("g", "a", "b", "b"));
        var e = Assert.Throws<DataException>(() => ModelDesign.Build(data, "y ~ x + (1 | g)"));
        Assert.Equal("'x' has a non-finite value (Inf) in data row 2", e.Message);
    }

    [Fact]
    public void GroupingFactorWithOneLevel_IsAnError()
    {
        var data = Frame(Num("y", 1, 2, 3), Cat("g", "a", "a", "a"));
        var e = Assert.Throws<ModelException>(() => ModelDesign.Build(data, "y ~ 1 + (1 | g)"));
        Assert.Contains("grouping factor 'g'", e.Message);
        Assert.Contains("only one level", e.Message);
    }

    [Fact]
    public void CategoricalResponse_IsAnErrorForALinearModel()
    {
        var e = Assert.Throws<ModelException>(() => ModelDesign.Build(Small(), "h ~ x + (1 | g)"));
        Assert.StartsWith("response 'h' is categorical", e.Message);
    }

    [Fact]
    public void TwoLevelFactorResponse_IsZeroOneForBinomial()
    {
        var d = ModelDesign.Build(Small(), "h ~ x + (1 | g)", Family.Binomial);
        Assert.Equal([0.0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1], d.Response.Values.ToArray());
    }

    [Fact]
    public void CbindResponse_GivesProportionAndTrials()
    {
        var d = ModelDesign.Build(BuiltInData.Load("cbpp"), "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", Family.Binomial);
        Assert.True(d.Response.HasTrials);
        Assert.Equal(14.0, d.Response.Trials[0]);
        Assert.Equal(2.0 / 14.0, d.Response.Values[0], 12);
        Assert.Equal(["(Intercept)", "factor(period)2", "factor(period)3", "factor(period)4"], d.Fixed.ColumnNames);
    }

    [Fact]
    public void CbindResponse_NeedsBinomialFamily()
    {
        var e = Assert.Throws<ModelException>(() => ModelDesign.Build(BuiltInData.Load("cbpp"), "cbind(incidence, size - incidence) ~ 1 + (1 | herd)"));
        Assert.Contains("--family binomial", e.Message);
    }

    [Fact]
    public void FormulaWithoutRandomTerm_IsAnError()
    {
        var e = Assert.Throws<ModelException>(() => ModelDesign.Build(Small(), "y ~ x"));
        Assert.Contains("no random-effects term", e.Message);
    }

    [Fact]
    public void InteractionGroupingFactor_KeepsObservedCombinationsFirstFactorSlowest()
    {
        var d = ModelDesign.Build(BuiltInData.Load("cake"), "angle ~ recipe + (1 | recipe:replicate)");
        var g = d.RandomTerms.Single().Grouping;
        Assert.Equal("recipe:replicate", g.Name);
        Assert.Equal(45, g.LevelCount);
        Assert.Equal(["A:1", "A:2", "A:3"], g.Levels.Take(3));
        Assert.Equal("C:15", g.Levels[^1]);
    }

    [Fact]
    public void NumericGroupingFactor_LevelsInNumericOrder()
    {
        var d = ModelDesign.Build(BuiltInData.Load("exam"), "normexam ~ 1 + (1 | school)");
        var levels = d.RandomTerms.Single().Grouping.Levels;
        Assert.Equal(["1", "2", "3", "4", "5"], levels.Take(5));
        Assert.Equal("65", levels[^1]);
    }

    [Fact]
    public void NestedGrouping_GivesInnerAndOuterFactors()
    {
        var d = ModelDesign.Build(BuiltInData.Load("pastes"), "strength ~ 1 + (1 | batch/cask)");
        var counts = d.GroupCounts;
        Assert.Equal(30, counts["cask:batch"]);
        Assert.Equal(10, counts["batch"]);
        var inner = d.RandomTerms.Single(t => t.GroupName == "cask:batch").Grouping;
        Assert.Equal("a:A", inner.Levels[0]);
    }

    [Fact]
    public void RandomSlopeColumns_AreTheLeftHandSideModelMatrix()
    {
        var d = ModelDesign.Build(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)");
        var term = d.RandomTerms.Single();
        Assert.Equal(["(Intercept)", "Days"], term.ColumnNames);
        Assert.Equal(18, term.Grouping.LevelCount);
        Assert.Equal(180, term.Columns.Rows);
        Assert.Equal(9.0, term.Columns[9, 1]);
    }

    [Fact]
    public void FactorInsideBar_GivesOneColumnPerLevel()
    {
        var d = ModelDesign.Build(Small(), "y ~ 1 + (0 + h | g)");
        Assert.Equal(["hu", "hv"], d.RandomTerms.Single().ColumnNames);
    }

    [Fact]
    public void Offset_IsSummedAndNotAColumn()
    {
        var d = ModelDesign.Build(Small(), "y ~ x + offset(x) + (1 | g)");
        Assert.Equal(["(Intercept)", "x"], d.Fixed.ColumnNames);
        Assert.Equal(0.5, d.Offset[0]);
    }

    [Fact]
    public void SingleLevelFixedFactor_IsAnErrorNamingIt()
    {
        var data = Frame(Num("y", 1, 2, 3, 4), Cat("f", "a", "a", "a", "a"), Cat("g", "p", "p", "q", "q"));
        var e = Assert.Throws<ModelException>(() => ModelDesign.Build(data, "y ~ f + (1 | g)"));
        Assert.Contains("factor 'f' has a single level", e.Message);
    }

    private static double[] Column(ModelDesign d, int j) => d.Fixed.X.Column(j).ToArray();
}
