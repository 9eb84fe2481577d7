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
    public void BadGroupingFactor_IsNamed()
    {
        var e = Error("y ~ (1 | 2)");
        Assert.Equal(9, e.Position);
        Assert.Contains("'2' cannot be a grouping factor", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Reaction ~ Days + (1 | Subject", 19, "unclosed '('")]
    [InlineData("Reaction ~ Days + ) ", 17, "'+' needs something on its right")]
    [InlineData("Reaction ~ Days +", 17, "needs something on its right")]
    [InlineData("Reaction Days", 10, "unexpected 'Days'")]
    [InlineData("Reaction", 9, "missing '~'")]
    [InlineData("~ Days + (1 | Subject)", 1, "missing response")]
    [InlineData("y ~ x $ z", 7, "unexpected character '$'")]
    [InlineData("y ~ x + 2", 9, "the number 2 cannot be a term")]
    [InlineData("y ~ x * (1 | g)", 12, "must stand on its own")]
    [InlineData("y ~ x ~ z", 3, "one '~'")]
    [InlineData("y ~ x)", 6, "unexpected ')'")]
    [InlineData("y ~ `x", 5, "unclosed backquote")]
    [InlineData("y ~ log(x", 8, "unclosed '(' of log()")]
    [InlineData("y ~ x %o% z", 7, "unsupported operator '%o%'")]
    [InlineData("y ~ .", 5, "'.' (all other columns) is not supported")]
    [InlineData("y ~ (a + b)^x", 13, "must be a whole number")]
    public void SyntaxError_NamesTheProblemAndPosition(string formula, int column, string what)
    {
        var e = Assert.Throws<FormulaException>(() => ModelFormula.Parse(formula));
        Assert.Contains(what, e.Message);
        Assert.Equal(column, e.Position + 1);
        Assert.Contains($"at position {column}", e.Message);
        Assert.Equal(formula, e.Formula);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptyFormula_IsAnError(string formula) => Assert.Equal("empty formula", Error(formula).Message);

    [Fact]
    public void Pointer_ShowsACaretUnderTheFault()
    {
        var e = Assert.Throws<FormulaException>(() => ModelFormula.Parse("y ~ x + (1 | g"));
        Assert.Equal("y ~ x + (1 | g" + Environment.NewLine + "        ^", e.Pointer);
    }
}
