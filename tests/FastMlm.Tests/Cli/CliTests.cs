namespace FastMlm.Tests.Cli;

public sealed class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private static void AssertOneLineError(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("fastmlm: ", lines[0]);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Datasets_ListsEveryBuiltInSetWithRowCount()
    {
        var (code, output, _) = Run("datasets");
        Assert.Equal(0, code);
        foreach (var info in FastMlm.Data.BuiltInData.All) Assert.Contains(info.Name, output);
        Assert.Contains("4,059", output); // exam's rows
    }

    [Fact]
    public void Demo_FitsEveryDemoModelAndPrintsItsSummary()
    {
        var (code, output, err) = Run("demo");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Equal(13, output.Split("== ").Length - 1); // nine linear models, two likelihood-ratio tables, the ICC, the logistic model
        Assert.Equal(10, output.Split("Fixed effects:").Length - 1);
        Assert.Contains("== cbpp: multilevel logistic regression", output);
        Assert.Contains(" Family: binomial  ( logit )", output);
        Assert.Contains("Odds ratios (exp of the fixed effects) with 95% Wald intervals:", output);
        Assert.Contains("Formula: Reaction ~ Days + (Days | Subject)", output);
        Assert.Contains(" cask:batch (Intercept)", output);
        Assert.Contains("Number of obs: 144, groups:  plate, 24; sample, 6", output);
        Assert.Contains("ICC (school): 0.1659", output);
        Assert.Contains("VPC (plate): 0.1509\nVPC (sample): 0.7854", output.ReplaceLineEndings("\n"));
        Assert.Contains("Linear mixed model fit by maximum likelihood", output);
        Assert.Contains("REML criterion at convergence: 1743.6", output);
        Assert.Contains("exam3    6  9328.9  9366.7 -4658.4   9316.9 40.372  2  1.711e-09 ***", output);
        Assert.Contains("popular3    8 4828.8 4873.6 -2406.4   4812.8 46.323  1  1.003e-11 ***", output);
        Assert.Contains("popular2: boundary-corrected p < 2.2e-16", output);
        Assert.Contains("ICC (school): 0.1659  95% profile interval [0.1207, 0.2290]", output);
    }

    [Fact]
    public void Fit_OnBuiltInData_PrintsTheSummary()
    {
        var (code, output, _) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)", "--ml");
        Assert.Equal(0, code);
        Assert.StartsWith("Linear mixed model fit by maximum likelihood\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("  1763.9   1783.1   -876.0   1751.9      174 ", output);
        Assert.Contains("Days          10.467      1.502", output);
    }

    [Fact]
    public void Fit_Design_ShowsTheDesignWithoutFitting()
    {
        var (code, output, _) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)", "--design");
        Assert.Equal(0, code);
        Assert.Contains("Fixed:    X is 180 x 2: (Intercept), Days", output);
        Assert.DoesNotContain("Fixed effects:", output);
    }

    [Fact]
    public void Fit_JsonFile_WritesTheReferenceSchemaAndTheSummary()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fastmlm-cli-{Guid.NewGuid():N}.json");
        try
        {
            var (code, output, _) = Run("fit", "--data", "dyestuff", "--formula", "Yield ~ 1 + (1 | Batch)", "--ml", "--json", path);
            Assert.Equal(0, code);
            Assert.Contains("Fixed effects:", output);
            string text = File.ReadAllText(path);
            Assert.Contains("\"formula\": \"Yield ~ 1 + (1 | Batch)\"", text);
            using var doc = System.Text.Json.JsonDocument.Parse(text);
            var root = doc.RootElement;
            Assert.Equal(30, root.GetProperty("nobs").GetInt32());
            Assert.Equal(6, root.GetProperty("ngroups").GetProperty("Batch").GetInt32());
            Assert.Equal(327.327059881135, root.GetProperty("objective").GetDouble(), 1e-5);
            Assert.True(root.GetProperty("converged").GetBoolean());
            Assert.True(root.GetProperty("evaluations").GetInt32() > 0);
            Assert.True(root.GetProperty("fit_seconds").GetDouble() > 0);
            Assert.Equal(System.Text.Json.JsonValueKind.Array, root.GetProperty("messages").ValueKind);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "." + Path.GetFileName(path) + ".*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fit_JsonWithoutFile_WritesOnlyJsonToStandardOutput()
    {
        var (code, output, _) = Run("fit", "--data", "dyestuff2", "--formula", "Yield ~ 1 + (1 | Batch)", "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("singular").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("messages").EnumerateArray(), m => m.GetString()!.Contains("singular", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_ModelError_LeavesNoJsonFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fastmlm-cli-{Guid.NewGuid():N}.json");
        var (code, _, err) = Run("fit", "--data", "dyestuff", "--formula", "Yield ~ 1 + (1 | Nope)", "--json", path);
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Fit_JsonIntoAMissingFolder_IsAUsageErrorNamingTheFolder()
    {
        var (code, _, err) = Run("fit", "--data", "dyestuff", "--formula", "Yield ~ 1 + (1 | Batch)", "--json", "/nonexistent-fastmlm/x.json");
        Assert.Equal(2, code);
        AssertOneLineError(err);
        Assert.Contains("'/nonexistent-fastmlm' does not exist", err);
    }

    [Fact]
    public void Fit_UnknownColumn_ExitsOneWithSuggestion()
    {
        var (code, _, err) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Dayz + (1 | Subject)");
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("Dayz", err);
        Assert.Contains("did you mean 'Days'", err);
    }

    [Fact]
    public void Fit_MalformedFormula_ExitsOneAndGivesThePosition()
    {
        var (code, _, err) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (1 | Subject");
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("position", err);
    }

    [Fact]
    public void Fit_MissingFile_ExitsOneNamingIt()
    {
        var (code, _, err) = Run("fit", "--data", "no/such/file.csv", "--formula", "y ~ 1 + (1 | g)");
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("no/such/file.csv", err);
    }

    [Fact]
    public void UnknownOption_ExitsTwo()
    {
        var (code, _, err) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ 1 + (1 | Subject)", "--bogus");
        Assert.Equal(2, code);
        AssertOneLineError(err);
        Assert.Contains("--bogus", err);
    }

    [Fact]
    public void UnknownCommand_ExitsTwo()
    {
        var (code, _, err) = Run("fitt");
        Assert.Equal(2, code);
        AssertOneLineError(err);
    }

    [Fact]
    public void UnknownFamily_ExitsTwoWithSuggestion()
    {
        var (code, _, err) = Run("fit", "--data", "cbpp", "--formula", "incidence ~ 1 + (1 | herd)", "--family", "binomal");
        Assert.Equal(2, code);
        AssertOneLineError(err);
        Assert.Contains("did you mean 'binomial'", err);
    }

    [Fact]
    public void RemlAndMlTogether_ExitTwo()
    {
        var (code, _, err) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ 1 + (1 | Subject)", "--reml", "--ml");
        Assert.Equal(2, code);
        AssertOneLineError(err);
    }

    [Fact]
    public void FactorResponseForLinearModel_ExitsOne()
    {
        var (code, _, err) = Run("fit", "--data", "exam", "--formula", "sex ~ standlrt + (1 | school)");
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("response 'sex' is categorical", err);
    }

    [Fact]
    public void MissingValueCodes_DropRowsAndSayHowMany()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fastmlm-cli-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "y,x,g\n1,88,a\n2,1,a\n3,2,b\n4,99,b\n5,3,b\n6,4,a\n");
        try
        {
            var (code, output, _) = Run("fit", "--data", path, "--formula", "y ~ x + (1 | g)", "--na", "88,99");
            Assert.Equal(0, code);
            Assert.Contains("Number of obs: 4, groups:  g, 2", output);
            Assert.Contains("dropped 2 of 6 rows with missing values (x 2)", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BadSeparator_ExitsTwo()
    {
        var (code, _, err) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ 1 + (1 | Subject)", "--sep", "::");
        Assert.Equal(2, code);
        AssertOneLineError(err);
    }
}
