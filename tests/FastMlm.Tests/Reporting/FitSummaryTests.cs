using System.Text.RegularExpressions;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Tests.Reporting;

/// <summary>
/// The summary in lme4's layout: a golden file for sleepstudy, and a line-by-line comparison of layouts with what
/// lme4 1.1-31 prints for the same fits (lme4-*.txt, made by lme4-summaries.R), digits masked so that the last
/// digit of an estimate may differ between optimisers.
/// </summary>
public sealed partial class FitSummaryTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Reporting");

    [Fact]
    public void Sleepstudy_MatchesTheGoldenFile()
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });
        string expected = File.ReadAllText(Path.Combine(Folder, "sleepstudy-ml.golden.txt")).ReplaceLineEndings("\n");
        Assert.Equal(expected, FitSummary.Describe(fit));
    }

    [Theory]
    [InlineData("lme4-sleepstudy-ml.txt", "sleepstudy", "Reaction ~ Days + (Days | Subject)", false)]
    [InlineData("lme4-sleepstudy-reml.txt", "sleepstudy", "Reaction ~ Days + (Days | Subject)", true)]
    [InlineData("lme4-popular-texp-ml.txt", "popular", "popular ~ extrav + sex + texp + (1 + extrav | class)", false)]
    [InlineData("lme4-penicillin-reml.txt", "penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", true)]
    public void Layout_IsLme4s(string file, string data, string formula, bool reml)
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load(data), formula, new LmmOptions { Reml = reml });
        var ours = FitSummary.Describe(fit).TrimEnd('\n').Split('\n');
        var theirs = File.ReadAllText(Path.Combine(Folder, file)).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        // lme4 adds its class to the title and names the data by the R variable.
        theirs[0] = ClassTag().Replace(theirs[0], "");
        theirs[2] = "   Data: " + data;
        for (int i = 0; i < theirs.Length; i++) Assert.Equal(Mask(theirs[i]), Mask(ours[i]));
        // What FastMlm adds after lme4's text: the ICCs of random-intercept models, nothing else for these fits.
        var extra = ours.Skip(theirs.Length).ToArray();
        Assert.True(extra.Length == 0 || (extra[0] == "" && extra.Skip(1).All(l => l.StartsWith("ICC (", StringComparison.Ordinal) || l.StartsWith("VPC (", StringComparison.Ordinal))), string.Join("|", extra));
    }

    [Fact]
    public void SingularFit_SaysSoAtTheEnd()
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load("dyestuff2"), "Yield ~ 1 + (1 | Batch)");
        var text = FitSummary.Describe(fit);
        Assert.EndsWith("boundary (singular) fit: the variance of (Intercept) in Batch is estimated as zero\n", text);
        Assert.Contains(" Batch    (Intercept)  0.00    0.000   \n", text);
    }

    [Fact]
    public void EmptyModel_ShowsItsIcc()
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load("exam"), "normexam ~ 1 + (1 | school)", new LmmOptions { Reml = false });
        Assert.Contains("\nICC (school): 0.1659\n", FitSummary.Describe(fit));
    }

    [Fact]
    public void ManyFixedEffects_CorrelationMatrixIsNotShown()
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load("cake"), "angle ~ recipe * factor(temperature) + (1 | recipe:replicate)");
        var text = FitSummary.Describe(fit);
        Assert.Contains("Correlation matrix not shown by default, as p = 18 > 12.", text);
        Assert.DoesNotContain("Correlation of Fixed Effects:", text);
    }

    private static string Mask(string line) => Digit().Replace(line, "#");

    [GeneratedRegex(@"\s+\['lmerMod'\]$")]
    private static partial Regex ClassTag();

    [GeneratedRegex("[0-9]")]
    private static partial Regex Digit();
}
