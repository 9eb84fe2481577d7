using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Formulas;
using FastMlm.Models;

namespace FastMlm.Tests.Design;

/// <summary>cgm(), cwc() and gm(): values, the rows their means are over, names, use in random terms, errors, and a fit.</summary>
public sealed class CenteringTests
{
    private static NumericColumn Num(string name, params double[] values) => new(name, values);

    private static CategoricalColumn Cat(string name, params string?[] values) => CategoricalColumn.FromStrings(name, values);

    /// <summary>
    /// Eight rows in three groups (g categorical, gn the same groups as numbers). Means of x: a 2, b 6, c 7; grand 4.75.
    /// </summary>
    private static DataFrame Small(double[]? y = null, double[]? x = null, string?[]? g = null) => new(
    [
        Num("y", y ?? [1, 3, 2, 5, 4, 6, 8, 7]),
        Num("x", x ?? [1, 2, 3, 6, 5, 7, 4, 10]),
        Cat("g", g ?? ["a", "a", "a", "b", "b", "b", "c", "c"]),
        Num("gn", 10, 10, 10, 20, 20, 20, 30, 30),
        Cat("h", "u", "v", "u", "v", "u", "v", "u", "v"),
    ], "test");

    private static double[] Fixed(ModelDesign d, string name)
    {
        int j = d.Fixed.ColumnNames.ToList().IndexOf(name);
        Assert.True(j >= 0, $"no column '{name}' in X: {string.Join(", ", d.Fixed.ColumnNames)}");
        return Enumerable.Range(0, d.ObservationCount).Select(i => d.Fixed.X[i, j]).ToArray();
    }

    /// <summary>A variable of the model frame (cgm(x) and cwc(x, g) + gm(x, g) are aliased in X, so values are read here).</summary>
    private static double[] Variable(ModelDesign d, string label) => Assert.IsType<NumericColumn>(d.Frame[label]).Values.ToArray();

    private static void Equal(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    [Fact]
    public void Values_AreTheCentredColumnAndTheGroupMeans()
    {
        var d = ModelDesign.Build(Small(), "y ~ cgm(x) + cwc(x, g) + gm(x, g) + (1 | g)");
        Equal([-3.75, -2.75, -1.75, 1.25, 0.25, 2.25, -0.75, 5.25], Variable(d, "cgm(x)"));
        Equal([-1.0, 0, 1, 0, -1, 1, -3, 3], Variable(d, "cwc(x, g)"));
        Equal([2.0, 2, 2, 6, 6, 6, 7, 7], Variable(d, "gm(x, g)"));
    }

    [Fact]
    public void Names_InX_AreTheExpressionsAsRDeparsesThem()
    {
        var d = ModelDesign.Build(Small(), "y ~ cwc(x,g) + gm( x , g ) + I(cwc(x, g)^2) + (1 | g)");
        Assert.Equal(["(Intercept)", "cwc(x, g)", "gm(x, g)", "I(cwc(x, g)^2)"], d.Fixed.ColumnNames);
        Equal([-1.0, 0, 1, 0, -1, 1, -3, 3], Fixed(d, "cwc(x, g)"));
        Equal([2.0, 2, 2, 6, 6, 6, 7, 7], Fixed(d, "gm(x, g)"));
        Equal([1.0, 0, 1, 0, 1, 1, 9, 9], Fixed(d, "I(cwc(x, g)^2)"));
        Assert.Equal(["(Intercept)", "cgm(x)"], ModelDesign.Build(Small(), "y ~ cgm(x) + (1 | g)").Fixed.ColumnNames);
    }

    [Fact]
    public void NumericGroupingColumn_GivesTheSameGroupsAsTheCategoricalOne()
    {
        var d = ModelDesign.Build(Small(), "y ~ cwc(x, gn) + gm(x, gn) + (1 | g)");
        Equal([-1.0, 0, 1, 0, -1, 1, -3, 3], Fixed(d, "cwc(x, gn)"));
        Equal([2.0, 2, 2, 6, 6, 6, 7, 7], Fixed(d, "gm(x, gn)"));
    }

    [Fact]
    public void InteractionGrouping_AveragesWithinEachCombinationThatOccurs()
    {
        // g:h cells: a:u rows 1,3; a:v row 2; b:v rows 4,6; b:u row 5; c:u row 7; c:v row 8.
        var d = ModelDesign.Build(Small(), "y ~ gm(x, g:h) + (1 | g)");
        Assert.Equal("gm(x, g:h)", d.Fixed.ColumnNames[1]);
        Equal([2.0, 2, 2, 6.5, 5, 6.5, 4, 10], Fixed(d, "gm(x, g:h)"));
    }

    [Fact]
    public void RowsDroppedForMissingValues_AreLeftOutOfTheMeans()
    {
        // Row 3 has no y and row 8 no x: the model uses six rows, and the means are theirs (a 1.5, b 6, c 4; grand 25/6).
        var data = Small(y: [1, 3, double.NaN, 5, 4, 6, 8, 7], x: [1, 2, 3, 6, 5, 7, 4, double.NaN]);
        var d = ModelDesign.Build(data, "y ~ cgm(x) + cwc(x, g) + gm(x, g) + (1 | g)");
        Assert.Equal([0, 1, 3, 4, 5, 6], d.Frame.Rows);
        double grand = 25.0 / 6;
        Equal([1 - grand, 2 - grand, 6 - grand, 5 - grand, 7 - grand, 4 - grand], Variable(d, "cgm(x)"));
        Equal([-0.5, 0.5, 0, -1, 1, 0], Variable(d, "cwc(x, g)"));
        Equal([1.5, 1.5, 6, 6, 6, 4], Variable(d, "gm(x, g)"));
        Assert.Equal("dropped 2 of 8 rows with missing values (y 1, cgm(x) 1, cwc(x, g) 1, gm(x, g) 1)", d.Frame.DroppedNote);
    }

    [Fact]
    public void MissingGroup_DropsTheRow_EvenWhenGIsUsedOnlyInsideTheFunction()
    {
        var data = Small(g: ["a", "a", null, "b", "b", "b", "c", "c"]);
        var d = ModelDesign.Build(data, "y ~ cwc(x, g) + (1 | gn)");
        Assert.Equal(7, d.ObservationCount);
        Equal([-0.5, 0.5, 0, -1, 1, -3, 3], Fixed(d, "cwc(x, g)"));
    }

    [Fact]
    public void ScaleInTheSameModel_StillUsesEveryPresentRow()
    {
        // scale() is R's: over every row where x is present, dropped or not; the centering functions are over the rows used.
        var data = Small(y: [1, 3, double.NaN, 5, 4, 6, 8, 7]);
        var d = ModelDesign.Build(data, "y ~ scale(x) + cgm(x) + (1 | g)");
        double[] all = [1, 2, 3, 6, 5, 7, 4, 10];
        double mean = all.Average(), sd = Math.Sqrt(all.Sum(v => (v - mean) * (v - mean)) / 7);
        Assert.Equal((1 - mean) / sd, Variable(d, "scale(x)")[0], 12);
        Assert.Equal(1 - (35.0 / 7), Variable(d, "cgm(x)")[0], 12);
    }

    [Fact]
    public void UnusedRows_NeitherEnterTheMeansNorRaiseErrors()
    {
        // Over all rows group a's mean is -1 and log() of it would fail; over the rows used (row 1 has no y) it is 2.
        var data = Small(y: [double.NaN, 3, 2, 5, 4, 6, 8, 7], x: [-7, 2, 2, 6, 5, 7, 4, 10]);
        var d = ModelDesign.Build(data, "y ~ log(gm(x, g)) + (1 | g)");
        Equal([Math.Log(2), Math.Log(2), Math.Log(6), Math.Log(6), Math.Log(6), Math.Log(7), Math.Log(7)], Fixed(d, "log(gm(x, g))"));
        Assert.Throws<DataException>(() => ExpressionEvaluator.Evaluate(Variable("log(gm(x, g))"), data));
    }

    [Fact]
    public void EvaluatedOutsideAModel_MeansAreOverEveryRowWhereTheArgumentsArePresent()
    {
        var data = Small(y: [double.NaN, 3, 2, 5, 4, 6, 8, 7], g: ["a", "a", "a", "b", "b", null, "c", "c"]);
        var v = Assert.IsType<NumericColumn>(ExpressionEvaluator.Evaluate(Variable("cwc(x, g)"), data)).Values.ToArray();
        Assert.Equal("cwc(x, g)", ExpressionEvaluator.Evaluate(Variable("cwc(x, g)"), data).Name);
        Equal([-1.0, 0, 1, 0.5, -0.5], v[..5]);
        Assert.True(double.IsNaN(v[5]));
        Equal([-3.0, 3], v[6..]);
    }

    [Fact]
    public void InsideARandomTerm_TheColumnIsTheCentredVariable()
    {
        var d = ModelDesign.Build(Small(), "y ~ cwc(x, g) + gm(x, g) + (1 + cwc(x, g) | g)");
        var term = Assert.Single(d.RandomTerms);
        Assert.Equal(["(Intercept)", "cwc(x, g)"], term.ColumnNames);
        Equal([-1.0, 0, 1, 0, -1, 1, -3, 3], Enumerable.Range(0, 8).Select(i => term.Columns[i, 1]).ToArray());
    }

    [Fact]
    public void VariableNames_IncludeTheGroupingColumn()
    {
        var f = ModelFormula.Parse("y ~ cwc(x, school) + gm(z, a:b) + (1 | class)");
        Assert.Equal(["y", "x", "school", "z", "a", "b", "class"], f.VariableNames);
    }

    [Theory]
    [InlineData("y ~ cwc(x) + (1 | g)", "cwc() takes two arguments, x and the grouping column g, not 1 (position 5)", 4)]
    [InlineData("y ~ gm(x, g, h) + (1 | g)", "gm() takes two arguments, x and the grouping column g, not 3 (position 5)", 4)]
    [InlineData("y ~ cgm(x, g) + (1 | g)", "cgm() takes one argument, x, not 2 (position 5)", 4)]
    [InlineData("y ~ cwc(h, g) + (1 | g)", "cwc() needs a numeric x, and 'h' is categorical (position 9)", 8)]
    [InlineData("y ~ x + (1 + cgm(g) | g)", "cgm() needs a numeric x, and 'g' is categorical (position 18)", 17)]
    [InlineData("y ~ gm(x, log(gn)) + (1 | g)", "gm() groups by a column (g) or an interaction of columns (a:b), not 'log(gn)' (position 11)", 10)]
    [InlineData("y ~ cwc(x, 1) + (1 | g)", "cwc() groups by a column (g) or an interaction of columns (a:b), not '1' (position 12)", 11)]
    [InlineData("y ~ cwc(x, gg) + (1 | g)", "cwc(): unknown column 'gg' in 'test'; did you mean 'g'? (position 12 of the formula)", 11)]
    public void BadUse_IsAOneLineFormulaErrorNamingTheFunction(string formula, string message, int position)
    {
        var e = Assert.Throws<FormulaException>(() => ModelDesign.Build(Small(), formula));
        Assert.Equal(message, e.Message);
        Assert.Equal(position, e.Position);
    }

    [Fact]
    public void UnknownFunctionNearACenteringOne_SuggestsIt()
    {
        var e = Assert.Throws<FormulaException>(() => ModelDesign.Build(Small(), "y ~ cwd(x, g) + (1 | g)"));
        Assert.Contains("did you mean 'cwc'?", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The formula path against an independent computation: the centred standlrt and its school means worked out here
    /// and given as plain columns must give the same ML fit as cwc() and gm() in the formula.
    /// </summary>
    [Fact]
    public void ExamFit_WithCwcAndGm_MatchesTheFitOnColumnsComputedByHand()
    {
        var exam = BuiltInData.Load("exam");
        var school = exam["school"];
        var standlrt = (NumericColumn)exam["standlrt"];
        int n = exam.RowCount;
        var keys = Enumerable.Range(0, n).Select(school.FormatValue).ToArray();
        var means = Enumerable.Range(0, n).GroupBy(i => keys[i], StringComparer.Ordinal)
            .ToDictionary(grp => grp.Key, grp => grp.Average(i => standlrt[i]), StringComparer.Ordinal);
        var xm = Enumerable.Range(0, n).Select(i => means[keys[i]]).ToArray();
        var xc = Enumerable.Range(0, n).Select(i => standlrt[i] - xm[i]).ToArray();
        var byHand = new DataFrame([exam["normexam"], school, Num("xc", xc), Num("xm", xm)], "exam by hand");

        var options = new LmmOptions { Reml = false };
        var formulaFit = LinearMixedModel.Fit(exam, "normexam ~ cwc(standlrt, school) + gm(standlrt, school) + (1 | school)", options);
        var handFit = LinearMixedModel.Fit(byHand, "normexam ~ xc + xm + (1 | school)", options);

        Assert.Equal(["(Intercept)", "cwc(standlrt, school)", "gm(standlrt, school)"], formulaFit.FixedEffects.Select(f => f.Term));
        Assert.Equal(65, means.Count);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(handFit.FixedEffects[k].Estimate, formulaFit.FixedEffects[k].Estimate, 1e-7);
            Assert.Equal(handFit.FixedEffects[k].StandardError, formulaFit.FixedEffects[k].StandardError, 1e-7);
        }
        Assert.Equal(handFit.Criterion, formulaFit.Criterion, 1e-7);
        Assert.Equal(handFit.Theta[0], formulaFit.Theta[0], 1e-6);
        Assert.Equal(handFit.Sigma, formulaFit.Sigma, 1e-7);
        // Within-school and between-school slopes differ (the contextual effect), so the two columns are not one effect.
        Assert.True(formulaFit.FixedEffects[2].Estimate - formulaFit.FixedEffects[1].Estimate > 0.1);
    }

    private static FormulaNode Variable(string expr) => ModelFormula.Parse("y ~ " + expr).Fixed.Terms.Single().Variables.Single();
}

public sealed class CenteringPredictionTests
{
    [Fact]
    public void Prediction_UsesTheFittedGroupMeans()
    {
        var exam = FastMlm.Data.BuiltInData.Load("exam");
        var fit = FastMlm.Models.LinearMixedModel.Fit(exam, "normexam ~ cwc(standlrt, school) + gm(standlrt, school) + (1 | school)", new FastMlm.Models.LmmOptions { Reml = false });

        // The fitted data themselves: the predictions are the fitted values.
        var same = FastMlm.Models.Prediction.Predict(fit, exam);
        for (int i = 0; i < 50; i++) Assert.Equal(fit.Fitted[i], same.Predicted[i], 1e-9);

        // Three rows of school 1 alone: their centering still uses school 1's mean over all its fitted rows, not
        // the mean of these three (which a recomputation on the new data would give).
        var rows = Enumerable.Range(0, exam.RowCount).Where(r => exam["school"].FormatValue(r) == "1").Take(3).ToArray();
        var three = FastMlm.Models.Prediction.Predict(fit, exam.SelectRows(rows));
        for (int k = 0; k < 3; k++) Assert.Equal(fit.Fitted[rows[k]], three.Predicted[k], 1e-9);
    }
}
