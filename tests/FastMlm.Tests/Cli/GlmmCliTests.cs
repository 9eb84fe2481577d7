namespace FastMlm.Tests.Cli;

/// <summary><c>fastmlm fit --family binomial|poisson</c> run as a user runs it: glmer's summary, ratios, JSON, and one-line errors.</summary>
public sealed class GlmmCliTests
{
    private const string Cbpp = "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)";

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private static void AssertOneLineError(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("fastmlm: ", lines[0]);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Fit_Binomial_PrintsGlmersSummary()
    {
        var (code, output, err) = Run("fit", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        output = output.ReplaceLineEndings("\n");
        Assert.StartsWith("Generalized linear mixed model fit by maximum likelihood (Laplace\n  Approximation) [glmerMod]\n Family: binomial  ( logit )\n", output);
        Assert.Contains("   194.1    204.2    -92.0    184.1       51 \n", output);
        Assert.Contains("                Estimate Std. Error z value Pr(>|z|)    \n", output);
        Assert.Contains("factor(period)2  -0.9923     0.3032  -3.273 0.001064 ** \n", output);
        Assert.DoesNotContain("Residual", output);
        Assert.Contains("ICC (herd): 0.1114\n(on the latent scale: the level-1 variance of the logit link is π²/3 = 3.29)\n", output);
    }

    [Fact]
    public void Fit_Exp_AddsOddsRatiosWithIntervals()
    {
        var (code, output, _) = Run("fit", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "--exp", "--level", "0.9");
        Assert.Equal(0, code);
        Assert.Contains("Odds ratios (exp of the fixed effects) with 90% Wald intervals:", output);
        Assert.Matches(@"odds ratio +5 % +95 %\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("factor(period)2", output.Split("Odds ratios")[1]);
    }

    [Fact]
    public void Fit_PoissonWithOffset_ExpGivesRateRatios()
    {
        string csv = Path.Combine(Path.GetTempPath(), "fastmlm-poisson-" + Guid.NewGuid().ToString("N")[..8] + ".csv");
        File.WriteAllText(csv, FastMlm.Data.SimulatedData.Csv("poisson_nested_sim"));
        try
        {
            var (code, output, err) = Run("fit", "--data", csv, "--formula", "y ~ x + offset(log(t)) + (1 | school/class)", "--family", "poisson", "--exp");
            Assert.True(code == 0, err);
            Assert.Contains(" Family: poisson  ( log )", output);
            Assert.Contains("Rate ratios (exp of the fixed effects)", output);
            Assert.Contains(" class:school (Intercept)", output);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void Fit_Quadrature_PrintsItsTitleAndGlmersDeviance()
    {
        var (code, output, _) = Run("fit", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "--nagq", "25");
        Assert.Equal(0, code);
        Assert.Contains("(Adaptive\n  Gauss-Hermite Quadrature, nAGQ = 25) [glmerMod]", output.ReplaceLineEndings("\n"));
        Assert.Contains("read deviance 100.0100", output);
    }

    [Fact]
    public void Fit_Json_HasTheGlmmFields()
    {
        var (code, output, _) = Run("fit", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "--nagq", "0", "--json", "--exp");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("binomial", root.GetProperty("family").GetString());
        Assert.Equal("logit", root.GetProperty("link").GetString());
        Assert.Equal(0, root.GetProperty("nAGQ").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("sigma").ValueKind);
        Assert.Equal(4, root.GetProperty("exp").GetArrayLength());
        Assert.Single(root.GetProperty("varcorr").EnumerateArray());
    }

    [Fact]
    public void Fit_QuadratureWithTwoTerms_IsAOneLineError()
    {
        var (code, _, err) = Run("fit", "--data", "penicillin", "--formula", "diameter ~ 1 + (1 | plate) + (1 | sample)", "--family", "poisson", "--nagq", "5");
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("needs a single scalar random-effects term", err);
    }

    [Fact]
    public void Fit_ResponseOutOfRange_IsAOneLineErrorNamingTheRow()
    {
        var (code, _, err) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (1 | Subject)", "--family", "binomial");
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("data row 1", err);
        Assert.Contains("between 0 and 1", err);
    }

    [Theory]
    [InlineData("--family", "gaussian", "--weights", "Days")]
    [InlineData("--family", "binomial", "--pvalues", "satterthwaite")]
    [InlineData("--family", "binomial", "--ci", "profile")]
    [InlineData("--family", "binomial", "--link", "probit", "--exp")]
    [InlineData("--family", "poisson", "--link", "logit")]
    public void Fit_OptionsThatDoNotGoTogether_AreUsageErrors(params string[] options)
    {
        var (code, _, err) = Run(["fit", "--data", "cbpp", "--formula", Cbpp, .. options]);
        Assert.Equal(2, code);
        AssertOneLineError(err);
    }

    [Fact]
    public void Fit_WeightsColumn_GivesTheTrialsOfAProportion()
    {
        string csv = Path.Combine(Path.GetTempPath(), "fastmlm-binomial-" + Guid.NewGuid().ToString("N")[..8] + ".csv");
        File.WriteAllText(csv, FastMlm.Data.SimulatedData.Csv("binomial_slopes_sim"));
        try
        {
            var (c1, weighted, _) = Run("fit", "--data", csv, "--formula", "p ~ x + (1 | g)", "--family", "binomial", "--weights", "n");
            var (c2, cbind, _) = Run("fit", "--data", csv, "--formula", "cbind(k, n - k) ~ x + (1 | g)", "--family", "binomial");
            Assert.Equal(0, c1);
            Assert.Equal(0, c2);
            Assert.Equal(cbind.Split("Fixed effects:")[1], weighted.Split("Fixed effects:")[1]);
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
