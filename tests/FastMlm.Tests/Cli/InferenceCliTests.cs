using System.Text.Json;

namespace FastMlm.Tests.Cli;

public sealed class InferenceCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private static void AssertOneLineError(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("fastmlm: ", lines[0]);
    }

    private const string ExamRi = "normexam ~ standlrt + schgend + (1 | school)";
    private const string ExamRs = "normexam ~ standlrt + schgend + (1 + standlrt | school)";

    [Fact]
    public void Compare_PrintsTheLikelihoodRatioTableWithTheBoundaryCorrection()
    {
        var (code, output, err) = Run("compare", "--data", "exam", "--formula", ExamRs, "--formula", ExamRi, "--names", "rs,ri");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains(lines, l => l.StartsWith("ri ", StringComparison.Ordinal) && l.Contains("9349.4", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("rs ", StringComparison.Ordinal) && l.Contains("43.643  2  3.335e-10 ***", StringComparison.Ordinal));
        Assert.True(Array.FindIndex(lines, l => l.StartsWith("ri ", StringComparison.Ordinal)) < Array.FindIndex(lines, l => l.StartsWith("rs ", StringComparison.Ordinal)));
        Assert.Contains("rs: boundary-corrected p = 1.865e-10 (naive 3.335e-10)", output);
        Assert.Contains("Proportional reduction in variance, ri -> rs:", output);
    }

    [Fact]
    public void Compare_Json_HasTheAnovaSchema()
    {
        var (code, output, _) = Run("compare", "--data", "exam", "--formula", ExamRi, "--formula", ExamRs, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var table = doc.RootElement.GetProperty("table");
        Assert.Equal(2, table.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, table[0].GetProperty("p").ValueKind);
        Assert.Equal(3.33515840610945e-10, table[1].GetProperty("p").GetDouble(), 1e-12);
        Assert.Equal(2, table[1].GetProperty("Df").GetInt32());
        Assert.True(table[1].GetProperty("p_boundary").GetDouble() < table[1].GetProperty("p").GetDouble());
    }

    [Fact]
    public void Compare_RemlFits_SayTheyWereRefittedByMl()
    {
        var (code, output, _) = Run("compare", "--data", "sleepstudy", "--reml", "--formula", "Reaction ~ Days + (1 | Subject)", "--formula", "Reaction ~ Days + (Days | Subject)");
        Assert.Equal(0, code);
        Assert.Contains("note: refitting m1, m2 by maximum likelihood (ML) instead of REML", output);
    }

    [Theory]
    [InlineData("--formula", "Reaction ~ Days + (1 | Subject)")]
    [InlineData("--formula", "Reaction ~ Days + (1 | Subject)", "--formula", "Reaction ~ Days + (Days | Subject)", "--names", "a")]
    public void Compare_BadUse_IsAUsageError(params string[] args)
    {
        var (code, _, err) = Run(["compare", "--data", "sleepstudy", .. args]);
        Assert.Equal(2, code);
        AssertOneLineError(err);
    }

    [Fact]
    public void Compare_ModelsOnDifferentRows_IsAOneLineError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastmlm-rows-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "y,x,z,g\n1.2,1,0.5,a\n2.3,2,NA,a\n2.9,3,1.5,b\n4.1,4,0.2,b\n5.2,5,0.9,c\n5.8,6,1.1,c\n7.1,7,0.3,d\n8.3,8,0.7,d\n3.3,2,0.4,a\n4.4,4,1.2,d\n");
        try
        {
            var (code, _, err) = Run("compare", "--data", path, "--formula", "y ~ x + (1 | g)", "--formula", "y ~ x + z + (1 | g)");
            Assert.Equal(1, code);
            AssertOneLineError(err);
            Assert.Contains("same rows", err);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Icc_PrintsTheIccWithItsIntervalAndRSquared()
    {
        var (code, output, _) = Run("icc", "--data", "exam", "--formula", "normexam ~ 1 + (1 | school)", "--ml");
        Assert.Equal(0, code);
        Assert.Contains("ICC (school): 0.1659  95% profile interval [0.1207, 0.2290]", output);
        Assert.Contains("R² conditional (fixed and random effects): 0.1659", output);
    }

    [Fact]
    public void Fit_Satterthwaite_PrintsTheTTestsAndTheTypeThreeTable()
    {
        var (code, output, _) = Run("fit", "--data", "hsb82", "--formula", "mAch ~ meanses * cses + sector * cses + (1 + cses | school)", "--pvalues", "satterthwaite");
        Assert.Equal(0, code);
        Assert.Contains("Fixed effects (t tests with Satterthwaite's degrees of freedom):", output);
        Assert.Contains("Type III Analysis of Variance Table with Satterthwaite's method", output);
        Assert.Matches(@"\ncses:sector\s+1\s+143\.\d+\s+46\.9\d+\s+2\.0\d*e-10 \*\*\*", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Fit_Wald_PrintsZTests()
    {
        var (code, output, _) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)", "--pvalues", "wald", "--ci", "wald");
        Assert.Equal(0, code);
        Assert.Contains("Pr(>|z|)", output);
        Assert.Contains("Wald confidence intervals (95%):", output);
    }

    [Fact]
    public void Fit_ProfileIntervals_GoToTheSummaryAndTheJson()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastmlm-ci-{Guid.NewGuid():N}.json");
        try
        {
            var (code, output, err) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)", "--ml", "--ci", "profile", "--level", "0.9", "--json", path);
            Assert.Equal(0, code);
            Assert.Contains("profile confidence intervals (90%):", output);
            Assert.Contains("   5 %", output);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var profile = doc.RootElement.GetProperty("profile");
            Assert.Equal(6, profile.GetArrayLength());
            Assert.Equal(".sig01", profile[0].GetProperty("parameter").GetString());
            Assert.Equal(0.9, doc.RootElement.GetProperty("level").GetDouble());
            Assert.Equal("", err);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fit_BootstrapIntervals_AreReproducibleForASeed()
    {
        string[] args = ["fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)", "--ml", "--ci", "boot", "--nsim", "60", "--seed", "5"];
        var (code1, out1, _) = Run([.. args, "--threads", "1"]);
        var (code2, out2, _) = Run([.. args, "--threads", "2"]);
        Assert.Equal(0, code1);
        Assert.Equal(0, code2);
        Assert.Contains("bootstrap percentile confidence intervals (95%):", out1);
        Assert.Equal(out1, out2);
    }

    [Theory]
    [InlineData("--level", "1.5")]
    [InlineData("--ci", "bayes")]
    [InlineData("--pvalues", "kr")]
    [InlineData("--ci", "boot", "--nsim", "0")]
    public void Fit_BadInferenceOptions_AreUsageErrors(params string[] args)
    {
        var (code, _, err) = Run(["fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)", .. args]);
        Assert.Equal(2, code);
        AssertOneLineError(err);
    }

    [Fact]
    public void Compare_Bootstrap_GivesThePbModcompPValue_ReproduciblyForASeed()
    {
        string[] args = ["compare", "--data", "penicillin", "--formula", "diameter ~ 1 + (1 | plate)", "--formula", "diameter ~ 1 + (1 | plate) + (1 | sample)", "--bootstrap", "99", "--seed", "2"];
        var (code1, out1, _) = Run([.. args, "--threads", "1"]);
        var (code2, out2, _) = Run([.. args, "--threads", "2"]);
        Assert.Equal(0, code1);
        Assert.Equal(0, code2);
        Assert.Equal(out1, out2);
        Assert.Contains("m2: parametric bootstrap p = 0.01 (99 replicates from m1, seed 2; the smallest possible is 0.01)", out1);
    }
}
