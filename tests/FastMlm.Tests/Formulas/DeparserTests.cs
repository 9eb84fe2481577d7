using FastMlm.Formulas;

namespace FastMlm.Tests.Formulas;

/// <summary>Deparsing against R 4's <c>deparse(str2lang(text))</c>.</summary>
public sealed class DeparserTests
{
    private static string Deparse(string expression) => Deparser.Deparse(FormulaParser.Parse(expression));

    [Theory]
    [InlineData("a+b", "a + b")]
    [InlineData("a-b", "a - b")]
    [InlineData("a*b", "a * b")]
    [InlineData("a / b", "a/b")]
    [InlineData("a ^ b", "a^b")]
    [InlineData("a : b", "a:b")]
    [InlineData("- a", "-a")]
    [InlineData("f(a,b)", "f(a, b)")]
    [InlineData("(a+b)^2", "(a + b)^2")]
    [InlineData("a%in%b", "a %in% b")]
    [InlineData("a|b", "a | b")]
    [InlineData("a||b", "a || b")]
    [InlineData("y~x", "y ~ x")]
    [InlineData("I(age^2)", "I(age^2)")]
    [InlineData("I(y*100)", "I(y * 100)")]
    [InlineData("log(y)", "log(y)")]
    [InlineData("factor(temperature)", "factor(temperature)")]
    [InlineData("cbind(incidence,size-incidence)", "cbind(incidence, size - incidence)")]
    [InlineData("-a^2", "-a^2")]
    [InlineData("(-a)^2", "(-a)^2")]
    [InlineData("a - -b", "a - -b")]
    [InlineData("- - a", "--a")]
    [InlineData("a^b^c", "a^b^c")]
    [InlineData("a^-b^c", "a^-b^c")]
    [InlineData("-(a+b)", "-(a + b)")]
    [InlineData("a:(b:c)", "a:(b:c)")]
    [InlineData("-a:b", "-a:b")]
    [InlineData("+a", "+a")]
    public void Operators_DeparseAsR(string expression, string expected) => Assert.Equal(expected, Deparse(expression));

    [Theory]
    [InlineData("1e6", "1e+06")]
    [InlineData("1e-3", "0.001")]
    [InlineData(".5", "0.5")]
    [InlineData("0.5", "0.5")]
    [InlineData("100", "100")]
    [InlineData("100000", "1e+05")]
    [InlineData("123456", "123456")]
    [InlineData("0.0001", "1e-04")]
    [InlineData("1e15", "1e+15")]
    [InlineData("123456789012", "123456789012")]
    [InlineData("x*1e-5", "x * 1e-05")]
    [InlineData("1/3", "1/3")]
    public void Numbers_DeparseAsR(string expression, string expected) => Assert.Equal(expected, Deparse(expression));

    [Theory]
    [InlineData("`my col` + b", "`my col` + b")]
    [InlineData("`a_b`", "a_b")]
    [InlineData("`.x`", ".x")]
    [InlineData("`_a` + b", "`_a` + b")]
    [InlineData("`.2a` + b", "`.2a` + b")]
    [InlineData("`if` + b", "`if` + b")]
    [InlineData("`2x`:b", "`2x`:b")]
    [InlineData("`x y`(z)", "`x y`(z)")]
    [InlineData("`log`(x)", "log(x)")]
    public void Names_AreBackquotedOnlyWhenNotSyntactic(string expression, string expected) => Assert.Equal(expected, Deparse(expression));

    [Fact]
    public void IntegerSuffix_IsReadAsTheNumber() => Assert.Equal("x^2", Deparse("x^2L"));
}
