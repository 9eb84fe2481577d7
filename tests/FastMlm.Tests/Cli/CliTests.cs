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
    public void Demo_ShowsTheDesignOfEveryDemoModel()
    {
        var (code, output, err) = Run("demo");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("Formula:  Reaction ~ Days + (Days | Subject)", output);
        Assert.Contains("cask:batch", output);
        Assert.Contains("Data:     exam, 4,059 of 4,059 rows used", output);
        Assert.Equal(9, output.Split("== ").Length - 1);
    }

    [Fact]
    public void Fit_OnBuiltInData_ShowsTheDesign()
    {
        var (code, output, _) = Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)");
        Assert.Equal(0, code);
        Assert.Contains("Fixed:    X is 180 x 2: (Intercept), Days", output);
        Assert.Contains("Subject", output);
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
            Assert.Contains("4 of 6 rows used", output);
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
