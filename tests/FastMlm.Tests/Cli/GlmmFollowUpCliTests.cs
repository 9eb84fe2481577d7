using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using FastMlm.Tests.Plots;

namespace FastMlm.Tests.Cli;

/// <summary>
/// <c>ranef</c>, <c>residuals</c>, <c>plot</c>, <c>report</c> and <c>compare</c> with <c>--family</c> as a user runs them:
/// glmer's numbers, the same one-line errors as <c>fit</c> for options that do not go together, and no file left by a refusal.
/// </summary>
public sealed class GlmmFollowUpCliTests : IDisposable
{
    private const string Cbpp = "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)";
    private const string CbppEmpty = "cbind(incidence, size - incidence) ~ 1 + (1 | herd)";

    private readonly string _dir = Directory.CreateTempSubdirectory("fastmlm-glmm-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static JsonElement Lme4Cbpp()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Lme4Checks", "glmm-diagnostics.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "cbpp").Clone();
    }

    private static void AssertOneLineError(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("fastmlm: ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Residuals_Glmm_WritesGlmersColumns()
    {
        var (code, output, err) = CliRunner.Run("residuals", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "--out", PathOf("r.csv"));
        Assert.True(code == 0, err);
        var lines = File.ReadAllLines(PathOf("r.csv"));
        Assert.Equal("row,observed,weights,fitted,eta,response,pearson,deviance", lines[0]);
        Assert.Equal(57, lines.Length);
        var lme4 = Lme4Cbpp();
        string[] columns = lines[0].Split(',');
        var keys = new Dictionary<string, string> { ["fitted"] = "fitted", ["eta"] = "eta", ["response"] = "response_residuals", ["pearson"] = "pearson_residuals", ["deviance"] = "deviance_residuals" };
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            foreach (var (column, key) in keys)
            {
                double mine = double.Parse(cells[Array.IndexOf(columns, column)], CultureInfo.InvariantCulture);
                double theirs = lme4.GetProperty(key)[i - 1].GetDouble();
                Assert.True(Math.Abs(mine - theirs) <= 1e-5 * Math.Max(Math.Abs(theirs), 1), $"row {i} {column}: {mine} vs glmer {theirs}");
            }
        }
        Assert.Equal("14", lines[1].Split(',')[2]); // herd 1, period 1: 14 animals
        Assert.Equal("", output);
    }

    [Fact]
    public void Ranef_Glmm_GivesTheModesWithGlmersConditionalSds_OnTheLinkScale()
    {
        var (code, output, err) = CliRunner.Run("ranef", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial");
        Assert.True(code == 0, err);
        Assert.Contains("(binomial GLMM, on the logit scale), 95% intervals", output, StringComparison.Ordinal);
        (code, output, err) = CliRunner.Run("ranef", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "--format", "json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("logit", doc.RootElement.GetProperty("link").GetString());
        var rows = doc.RootElement.GetProperty("ranef").EnumerateArray().ToArray();
        var lme4 = Lme4Cbpp().GetProperty("ranef")[0];
        var levels = lme4.GetProperty("levels").EnumerateArray().Select(l => l.GetString()).ToArray();
        Assert.Equal(levels.Length, rows.Length);
        foreach (var row in rows)
        {
            int l = Array.IndexOf(levels, row.GetProperty("level").GetString());
            Assert.Equal(lme4.GetProperty("modes")[0][l].GetDouble(), row.GetProperty("mode").GetDouble(), 1e-4);
            Assert.Equal(lme4.GetProperty("condsd")[0][l].GetDouble(), row.GetProperty("condsd").GetDouble(), 1e-5);
        }
    }

    [Fact]
    public void Compare_Glmm_PrintsLme4sAnova()
    {
        var (code, output, err) = CliRunner.Run("compare", "--data", "cbpp", "--formula", CbppEmpty, "--formula", Cbpp, "--family", "binomial", "--names", "empty,period");
        Assert.True(code == 0, err);
        output = output.ReplaceLineEndings("\n");
        Assert.Matches(@"empty +2 213\.66 217\.71 -104\.831 +209\.66\n", output);
        Assert.Matches(@"period +5 194\.05 204\.18 +-92\.026 +184\.05 25\.61 +3 +1\.151e-05 \*\*\*\n", output);
        Assert.DoesNotContain("Residual", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Glmm_WritesThePage()
    {
        var (code, _, err) = CliRunner.Run("report", "--data", "cbpp", "--formula", CbppEmpty, "--formula", Cbpp, "--family", "binomial", "--out", PathOf("r.html"));
        Assert.True(code == 0, err);
        string html = File.ReadAllText(PathOf("r.html"));
        Assert.Contains("Family: binomial  ( logit )", html, StringComparison.Ordinal);
        Assert.Contains("id=\"comparison\"", html, StringComparison.Ordinal);
        Assert.Contains("Pearson residuals", html, StringComparison.Ordinal);
    }

    /// <summary>The follow-up commands take the GLMM options from <c>fit</c>, with its checks and its very messages.</summary>
    [Theory]
    [InlineData("--family", "poisson", "--link", "logit")]
    [InlineData("--family", "gaussian", "--weights", "size")]
    [InlineData("--family", "binomial", "--reml")]
    [InlineData("--family", "gaussian", "--nagq", "2")]
    [InlineData("--family", "binomial", "--nagq", "-1")]
    [InlineData("--family", "negbin")]
    public void BadCombinations_AreFitsOneLineUsageErrors_AndWriteNothing(params string[] options)
    {
        var (fitCode, _, fitErr) = CliRunner.Run(["fit", "--data", "cbpp", "--formula", Cbpp, .. options]);
        Assert.Equal(2, fitCode);
        AssertOneLineError(fitErr);
        string[][] commands =
        [
            ["ranef", "--out", PathOf("x.csv")],
            ["residuals", "--out", PathOf("x.csv")],
            ["plot", "--kind", "caterpillar", "--out", PathOf("x.svg")],
            ["report", "--out", PathOf("x.html")],
            ["compare", "--formula", CbppEmpty],
        ];
        foreach (var command in commands)
        {
            var (code, _, err) = CliRunner.Run([command[0], "--data", "cbpp", "--formula", Cbpp, .. command[1..], .. options]);
            Assert.Equal(2, code);
            Assert.Equal(fitErr, err);
        }
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Theory]
    [InlineData("pooling", "cbpp", "linear mixed models only")]
    [InlineData("profile", "cbpp", "not available for GLMMs")]
    [InlineData("qq-residuals", "bernoulli", "carries no information")]
    public void Plot_KindsAGlmmHasNot_AreOneLineErrors_AndWriteNothing(string kind, string model, string reason)
    {
        string data = "cbpp", formula = Cbpp;
        if (model == "bernoulli")
        {
            File.WriteAllText(PathOf("b.csv"), PlotData.PlantedBernoulliCsv());
            (data, formula) = (PathOf("b.csv"), GlmmPlotTests.Bernoulli);
        }
        var (code, _, err) = CliRunner.Run("plot", "--data", data, "--formula", formula, "--family", "binomial", "--kind", kind, "--out", PathOf("x.svg"));
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains(reason, err, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("x.svg")));
    }

    [Fact]
    public void QqRanef_PlantedOutlyingGroupOfABernoulliModel_IsPrintedAndLabelled()
    {
        File.WriteAllText(PathOf("planted.csv"), PlotData.PlantedBernoulliCsv("g07"));
        var (code, stdout, err) = CliRunner.Run("plot", "--data", PathOf("planted.csv"), "--formula", GlmmPlotTests.Bernoulli, "--family", "binomial",
            "--kind", "qq-ranef", "--out", PathOf("qq.svg"));
        Assert.True(code == 0, err);
        var named = stdout.Split('\n').Where(l => l.StartsWith("  g: (Intercept): ", StringComparison.Ordinal)).ToArray();
        Assert.StartsWith("  g: (Intercept): g07 ", Assert.Single(named), StringComparison.Ordinal);
        var texts = XDocument.Load(PathOf("qq.svg")).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToArray();
        Assert.Contains("g07", texts);
        Assert.Contains(texts, t => t.Contains("logit scale", StringComparison.Ordinal));
    }

    [Fact]
    public void Plot_GlmmKinds_WriteSvgAndPng()
    {
        File.WriteAllText(PathOf("b.csv"), PlotData.PlantedBernoulliCsv());
        foreach (var (kind, file) in new[] { ("binned-residuals", "binned.png"), ("group-lines", "lines.svg"), ("residuals-fitted", "rf.svg") })
        {
            var (code, _, err) = CliRunner.Run("plot", "--data", PathOf("b.csv"), "--formula", GlmmPlotTests.Bernoulli, "--family", "binomial", "--kind", kind,
                "--out", PathOf(file), "--width", "600", "--height", "400");
            Assert.True(code == 0, err);
        }
        PlotRenderingTests.AssertPng(PathOf("binned.png"), 600, 400);
        PlotRenderingTests.AssertSvg(PathOf("lines.svg"));
        PlotRenderingTests.AssertSvg(PathOf("rf.svg"));
    }
}
