using System.Xml.Linq;
using FastMlm.Tests.Cli;

namespace FastMlm.Tests.Plots;

/// <summary><c>fastmlm plot</c> and <c>fastmlm report</c> as a user runs them: files written, outliers printed, errors one line with no file left.</summary>
public sealed class PlotCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fastmlm-plot-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Plot_WritesPngOfTheSizeAsked_AndSvg()
    {
        var (code, _, err) = CliRunner.Run("plot", "--data", "sleepstudy", "--formula", PlotData.Sleep, "--kind", "caterpillar",
            "--out", PathOf("cat.png"), "--width", "900", "--height", "500");
        Assert.True(code == 0, err);
        PlotRenderingTests.AssertPng(PathOf("cat.png"), 900, 500);
        (code, _, err) = CliRunner.Run("plot", "--data", "sleepstudy", "--formula", PlotData.Sleep, "--kind", "group-lines", "--groups", "308,309", "--out", PathOf("lines.svg"));
        Assert.True(code == 0, err);
        PlotRenderingTests.AssertSvg(PathOf("lines.svg"));
    }

    [Fact]
    public void QqRanef_PlantedOutlyingGroup_IsPrintedAndLabelled()
    {
        File.WriteAllText(PathOf("planted.csv"), PlotData.PlantedOutlierCsv("g07"));
        var (code, stdout, err) = CliRunner.Run("plot", "--data", PathOf("planted.csv"), "--formula", "y ~ 1 + (1 | g)", "--kind", "qq-ranef", "--out", PathOf("qq.svg"));
        Assert.True(code == 0, err);
        Assert.Contains("g: (Intercept): g07", stdout, StringComparison.Ordinal);
        var texts = XDocument.Load(PathOf("qq.svg")).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim());
        Assert.Contains("g07", texts);
    }

    [Fact]
    public void Bootstrap_ReadsTheReplicatesOfFastmlmBootstrap()
    {
        var (code, _, err) = CliRunner.Run("bootstrap", "--data", "sleepstudy", "--formula", PlotData.Sleep, "--nsim", "40", "--out", PathOf("boot.parquet"));
        Assert.True(code == 0, err);
        (code, _, err) = CliRunner.Run("plot", "--data", "sleepstudy", "--formula", PlotData.Sleep, "--kind", "bootstrap", "--replicates", PathOf("boot.parquet"), "--out", PathOf("boot.svg"));
        Assert.True(code == 0, err);
        PlotRenderingTests.AssertSvg(PathOf("boot.svg"));
    }

    [Fact]
    public void BadKind_IsAUsageErrorNamingTheKinds_AndWritesNothing()
    {
        var (code, _, err) = CliRunner.Run("plot", "--data", "sleepstudy", "--formula", PlotData.Sleep, "--kind", "histogram", "--out", PathOf("x.svg"));
        Assert.Equal(2, code);
        AssertOneLine(err);
        Assert.Contains("qq-residuals", err, StringComparison.Ordinal);
        Assert.Contains("bootstrap", err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void UnknownGroupsLevel_IsOneLineNamingIt_AndWritesNothing()
    {
        var (code, _, err) = CliRunner.Run("plot", "--data", "sleepstudy", "--formula", PlotData.Sleep, "--kind", "group-lines", "--groups", "308,999", "--out", PathOf("x.png"));
        Assert.Equal(1, code);
        AssertOneLine(err);
        Assert.Contains("999", err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData("plot.jpg")]
    [InlineData("missing-folder/plot.svg")]
    public void UnsupportedOrUnwritableOut_IsAUsageError_AndWritesNothing(string name)
    {
        var (code, _, err) = CliRunner.Run("plot", "--data", "sleepstudy", "--formula", PlotData.Sleep, "--kind", "qq-residuals", "--out", PathOf(name));
        Assert.Equal(2, code);
        AssertOneLine(err);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void BootstrapWithoutReplicates_IsAUsageError()
    {
        var (code, _, err) = CliRunner.Run("plot", "--data", "sleepstudy", "--formula", PlotData.Sleep, "--kind", "bootstrap", "--out", PathOf("b.svg"));
        Assert.Equal(2, code);
        Assert.Contains("--replicates", err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Report_WritesOnePageWithEverySection()
    {
        var (code, _, err) = CliRunner.Run("report", "--data", "exam", "--formula", "normexam ~ standlrt + (1 | school)",
            "--formula", "normexam ~ standlrt + (1 + standlrt | school)", "--out", PathOf("report.html"));
        Assert.True(code == 0, err);
        string html = File.ReadAllText(PathOf("report.html"));
        foreach (var id in FastMlm.Plots.HtmlReport.Sections(2)) Assert.Contains($"<section id=\"{id}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<?xml", html, StringComparison.Ordinal);
        Assert.Equal(8, CountOf(html, "<figure"));
    }

    [Fact]
    public void Report_NotHtml_IsAUsageError_AndWritesNothing()
    {
        var (code, _, err) = CliRunner.Run("report", "--data", "sleepstudy", "--formula", PlotData.Sleep, "--out", PathOf("report.pdf"));
        Assert.Equal(2, code);
        AssertOneLine(err);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    private static int CountOf(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }

    private static void AssertOneLine(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("fastmlm: ", lines[0], StringComparison.Ordinal);
    }
}
