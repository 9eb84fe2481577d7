using FastMlm.Data;

namespace FastMlm.Tests.Design;

public sealed class RNumberFormatTests
{
    [Theory]
    [InlineData(175, "175")]
    [InlineData(0.5, "0.5")]
    [InlineData(1e5, "1e+05")]
    [InlineData(123456, "123456")]
    [InlineData(1e6, "1e+06")]
    [InlineData(0.0001, "1e-04")]
    [InlineData(0.001, "0.001")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1234.5, "1234.5")]
    [InlineData(0.1 + 0.2, "0.3")]
    [InlineData(1.5e-10, "1.5e-10")]
    [InlineData(1e100, "1e+100")]
    [InlineData(0, "0")]
    [InlineData(double.PositiveInfinity, "Inf")]
    [InlineData(double.NaN, "NA")]
    public void Format_MatchesRAsCharacter(double value, string expected) =>
        Assert.Equal(expected, RNumberFormat.Format(value));
}
