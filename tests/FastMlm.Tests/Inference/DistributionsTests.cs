using FastMlm.Inference;

namespace FastMlm.Tests.Inference;

/// <summary>Values from R 4.2.2 (pnorm, qnorm, pchisq, pt, qt, pf, qchisq, lgamma) printed with 17 digits.</summary>
public sealed class DistributionsTests
{
    private static void Close(double expected, double actual, double relative = 1e-12) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Normal_TailsAndQuantiles()
    {
        Close(7.6198530241605269e-24, Distributions.NormalCdf(-10), 1e-11);
        Close(1.9599639845400536, Distributions.NormalQuantile(0.975));
        Close(-6.3613409024040557, Distributions.NormalQuantile(1e-10), 1e-11);
        Assert.Equal(0.5, Distributions.NormalCdf(0), 15);
        Assert.Equal(0, Distributions.NormalQuantile(0.5), 15);
    }

    [Fact]
    public void ChiSquare_UpperTailsAndQuantiles()
    {
        Close(3.3351584061093635e-10, Distributions.ChiSquareUpper(43.6426615072342, 2), 1e-11);
        Close(0.47950012218695348, Distributions.ChiSquareUpper(0.5, 1));
        Close(9.948758346327708e-65, Distributions.ChiSquareUpper(300, 3), 1e-10);
        Close(3.841458820694124, Distributions.ChiSquareQuantile(0.95, 1));
        Close(24.321886347856854, Distributions.ChiSquareQuantile(0.999, 7));
        Assert.Equal(0, Distributions.ChiSquareUpper(1.5, 0));
        Assert.Equal(1, Distributions.ChiSquareUpper(0, 0));
    }

    [Fact]
    public void StudentT_TwoSidedAndQuantiles_WithFractionalDf()
    {
        Close(0.10193947882985828, Distributions.StudentTwoSided(-2, 5));
        Close(2.3936131995622619e-05, Distributions.StudentTwoSided(30, 3.5), 1e-10);
        Close(2.2281388519862739, Distributions.StudentQuantile(0.975, 10));
        Close(7.1637281389488026, Distributions.StudentQuantile(0.995, 2.5));
    }

    [Fact]
    public void F_UpperTails()
    {
        Close(2.9497019945462586e-30, Distributions.FUpper(208.68125135612, 1, 150.985890933404), 1e-10);
        Close(0.038868380856537099, Distributions.FUpper(3.2, 4, 17.3));
    }

    [Fact]
    public void LogGamma_MatchesR()
    {
        Close(1.0957979948180756, Distributions.LogGamma(0.3));
        Close(709.14316303092835, Distributions.LogGamma(171.5), 1e-14);
    }
}
