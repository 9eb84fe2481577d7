using FastMlm.Formulas;

namespace FastMlm.Tests.Formulas;

/// <summary>Every syntax error names the problem and its 1-based column, in the message and in <see cref="FormulaException.Position"/>.</summary>
public sealed class FormulaSyntaxErrorTests
{
    private static FormulaException Error(string formula) => Assert.Throws<FormulaException>(() => ModelFormula.Parse(formula));

    [Fact]
    public void StrayClosingParenthesis_IsUnexpectedAtItsColumn()
    {
        var e = Error("y ~ a + (b + c))");
        Assert.Equal(15, e.Position);
        Assert.StartsWith("unexpected ')' at position 16 in formula", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnclosedParenthesis_PointsAtWhereItWasOpened()
    {
        var e = Error("y ~ (a + b");
        Assert.Equal(4, e.Position);
        Assert.StartsWith("unclosed '(' opened at position 5 in formula", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnclosedCall_PointsAtItsParenthesis()
    {
        var e = Error("y ~ x + log(z");
        Assert.Equal(11, e.Position);
        Assert.Contains("unclosed '(' of log() opened at position 12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongTokenBeforeClosingParenthesis_IsReportedWhereFound()
    {
        var e = Error("y ~ (a b)");
        Assert.Equal(7, e.Position);
        Assert.Contains("unexpected 'b' where ')' was expected at position 8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoTilde_SaysMissingTilde() => Assert.Contains("missing '~'", Error("y + x").Message, StringComparison.Ordinal);

    [Fact]
    public void EmptyText_SaysEmptyFormula() => Assert.Equal("empty formula", Error("  ").Message);

    [Theory]
    [InlineData("y ~ x + (1 | )", 11, "'|'")]
    [InlineData("y ~ x + (x || )", 11, "'||'")]
    [InlineData("y ~ 1 |", 6, "'|'")]
    public void BarWithoutGroupingFactor_SaysSo(string formula, int position, string bar)
    {
        var e = Error(formula);
        Assert.Equal(position, e.Position);
        Assert.Contains($"random-effects term needs a grouping factor after {bar}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedNumber_IsReportedAtItsStart()
    {
        var e = Error("y ~ x + 1.2.3");
        Assert.Equal(8, e.Position);
        Assert.Contains("malformed number '1.2.3'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NumberOtherThanZeroOrOne_IsNotATerm() => Assert.Equal(8, Error("y ~ x + 3").Position);

    [Fact]
    public void BadGroupingFactor_IsNamed()
    {
        var e = Error("y ~ (1 | 2)");
        Assert.Equal(9, e.Position);
        Assert.Contains("'2' cannot be a grouping factor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorCarriesTheFormulaText() => Assert.Equal("y ~ (x", Error("y ~ (x").Formula);
}
