using FastMlm.Data;
using FastMlm.Formulas;

namespace FastMlm.Tests.Formulas;

public sealed class ExpressionEvaluatorTests
{
    private static readonly DataFrame s_data = new(
    [
        new NumericColumn("t", [175, 185, 175, 225, double.NaN]),
        new NumericColumn("x", [1, 4, 9, 0, 2]),
        new CategoricalColumn("sex", [0, 1, 1, -1, 0], ["F", "M"]),
    ], "test");

    private static FormulaNode Variable(string expr) => ModelFormula.Parse("y ~ " + expr).Fixed.Terms.Single().Variables.Single();

    private static Column Eval(string expr) => ExpressionEvaluator.Evaluate(Variable(expr), s_data);

    [Fact]
    public void FactorOfNumber_HasNumericallyOrderedLevelsNamedAsR()
    {
        var f = Assert.IsType<CategoricalColumn>(Eval("factor(t)"));
        Assert.Equal(["175", "185", "225"], f.Levels);
        Assert.Equal([0, 1, 0, 2, -1], f.Codes.ToArray());
        Assert.Equal("factor(t)", f.Name);
    }

    [Fact]
    public void Arithmetic_IsElementwiseAndKeepsMissing()
    {
        var v = Assert.IsType<NumericColumn>(Eval("I(t/5 + x^2)")).Values.ToArray();
        Assert.Equal([36.0, 53, 116, 45], v[..4]);
        Assert.True(double.IsNaN(v[4]));
    }

    [Fact]
    public void Sqrt_AndLog()
    {
        Assert.Equal([1.0, 2, 3], Assert.IsType<NumericColumn>(Eval("sqrt(x)")).Values.ToArray()[..3]);
        Assert.Equal(Math.Log(5), Assert.IsType<NumericColumn>(Eval("log(x + 1)")).Values[1]);
    }

    [Fact]
    public void Scale_CentresAndDividesBySampleSdOfNonMissing()
    {
        var v = Assert.IsType<NumericColumn>(Eval("scale(t)")).Values.ToArray();
        double[] obs = [175, 185, 175, 225];
        double mean = obs.Average(), sd = Math.Sqrt(obs.Sum(o => (o - mean) * (o - mean)) / 3);
        Assert.Equal((185 - mean) / sd, v[1], 12);
        Assert.True(double.IsNaN(v[4]));
    }

    [Fact]
    public void LogOfZero_IsAnErrorNamingExpressionAndRow()
    {
        var e = Assert.Throws<DataException>(() => Eval("log(x)"));
        Assert.Contains("'log(x)'", e.Message);
        Assert.Contains("data row 4", e.Message);
    }

    [Fact]
    public void UnknownColumn_SuggestsTheNearestName()
    {
        var e = Assert.Throws<FormulaException>(() => Eval("log(tt)"));
        Assert.Contains("unknown column 'tt'", e.Message);
        Assert.Contains("did you mean 't'", e.Message);
        Assert.Contains("position 9", e.Message);
    }

    [Fact]
    public void UnknownFunction_SuggestsTheNearestName()
    {
        var e = Assert.Throws<FormulaException>(() => Eval("lgo(x)"));
        Assert.Equal("unknown function 'lgo' at position 5; did you mean 'log'?", e.Message);
    }

    [Fact]
    public void ArithmeticOnCategorical_IsAnErrorNamingTheColumn()
    {
        var e = Assert.Throws<FormulaException>(() => Eval("I(sex * 2)"));
        Assert.Contains("column 'sex' is categorical", e.Message);
    }

    [Fact]
    public void WrongArgumentCount_IsAnError() =>
        Assert.Contains("takes one argument", Assert.Throws<FormulaException>(() => Eval("log(x, t)")).Message);

    [Fact]
    public void FactorOfCategorical_IsTheSameFactor() =>
        Assert.Equal(["F", "M"], Assert.IsType<CategoricalColumn>(Eval("factor(sex)")).Levels);

    [Fact]
    public void FactorOfNumbers_MergesValuesWithTheSameRLabel()
    {
        var data = new DataFrame([new NumericColumn("v", [0.1 + 0.2, 0.3, 1])], "test");
        var f = Assert.IsType<CategoricalColumn>(ExpressionEvaluator.Evaluate(Variable("factor(v)"), data));
        Assert.Equal(["0.3", "1"], f.Levels);
        Assert.Equal([0, 0, 1], f.Codes.ToArray());
    }

    [Fact]
    public void LogOfMissing_IsMissingNotAnError()
    {
        var v = Assert.IsType<NumericColumn>(Eval("log(t)")).Values.ToArray();
        Assert.Equal(Math.Log(175), v[0], 12);
        Assert.True(double.IsNaN(v[4]));
    }

    [Fact]
    public void SqrtOfNegative_IsAnErrorNamingRowAndValue()
    {
        var e = Assert.Throws<DataException>(() => Eval("sqrt(I(x - 2))"));
        Assert.Contains("data row 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("-1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DivisionByZero_IsAnErrorNamingTheRow() =>
        Assert.Contains("data row 4", Assert.Throws<DataException>(() => Eval("I(t/x)")).Message, StringComparison.Ordinal);

    [Fact]
    public void Cbind_IsOnlyAllowedAsTheResponse() =>
        Assert.Contains("cbind() is only allowed as the response",
            Assert.Throws<FormulaException>(() => ExpressionEvaluator.Evaluate(ModelFormula.Parse("cbind(x, t) ~ 1").Response, s_data)).Message,
            StringComparison.Ordinal);

    [Fact]
    public void Column_IsReturnedUnderItsDeparsedName()
    {
        var data = new DataFrame([new NumericColumn("my col", [1, 2])], "test");
        Assert.Equal("`my col`", ExpressionEvaluator.Evaluate(Variable("`my col`"), data).Name);
    }

    [Fact]
    public void ResponseExpression_IsEvaluatedElementwise() =>
        Assert.Equal([-2.0, -8, -18, 0], Assert.IsType<NumericColumn>(ExpressionEvaluator.Evaluate(ModelFormula.Parse("-(x * 2) ~ 1").Response, s_data)).Values.ToArray()[..4]);

    [Fact]
    public void UnknownColumn_ErrorCarriesItsPosition() =>
        Assert.Equal(8, Assert.Throws<FormulaException>(() => Eval("log(tt)")).Position);

    [Theory]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData("*")]
    [InlineData("/")]
    [InlineData("^")]
    public void ArithmeticOverLongColumns_EqualsScalarArithmeticAndKeepsMissing(string op)
    {
        const int n = 37; // more than one SIMD vector, with a remainder
        var a = Enumerable.Range(0, n).Select(i => i % 5 == 3 ? double.NaN : 1 + (i * 0.37)).ToArray();
        var b = Enumerable.Range(0, n).Select(i => i % 7 == 2 ? double.NaN : 0.5 + (i % 4)).ToArray();
        var data = new DataFrame([new NumericColumn("a", a), new NumericColumn("b", b)], "test");
        var v = Assert.IsType<NumericColumn>(ExpressionEvaluator.Evaluate(Variable($"I(a {op} b)"), data)).Values.ToArray();
        for (int i = 0; i < n; i++)
        {
            double expected = double.IsNaN(a[i]) || double.IsNaN(b[i]) ? double.NaN : op switch
            {
                "+" => a[i] + b[i],
                "-" => a[i] - b[i],
                "*" => a[i] * b[i],
                "/" => a[i] / b[i],
                _ => Math.Pow(a[i], b[i]),
            };
            Assert.Equal(expected, v[i]);
        }
    }

    [Fact]
    public void PowerOfMissing_IsMissingEvenForPowerZero()
    {
        var v = Assert.IsType<NumericColumn>(Eval("I(t^0)")).Values.ToArray();
        Assert.Equal(1.0, v[0]);
        Assert.True(double.IsNaN(v[4]));
    }
}
