using System.Buffers.Binary;
using System.Xml.Linq;
using System.Text.RegularExpressions;
using FastMlm.Plots;

namespace FastMlm.Tests.Plots;

/// <summary>Every plot kind renders for every linear demo model, as SVG (well-formed, an svg root) and PNG (the size asked for).</summary>
public sealed partial class PlotRenderingTests
{
    public static TheoryData<string, string, bool, string> Cases()
    {
        var data = new TheoryData<string, string, bool, string>();
        foreach (var (set, formula, reml, _) in DemoModels())
        {
            foreach (var kind in DiagnosticFigures.Kinds) data.Add(set, formula, reml, kind);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryKind_RendersAsSvgAndPng_ForTheDemoModels(string set, string formula, bool reml, string kind)
    {
        var fit = PlotData.Fit(set, formula, reml);
        var request = new PlotRequest { Replicates = kind == "bootstrap" ? DiagnosticsDataTests.Replicates(fit, 60) : null };
        if (kind == "group-lines" && !HasNumericPredictor(formula))
        {
            Assert.Throws<ModelException>(() => DiagnosticFigures.Create(kind, fit, request)); // nothing to draw the lines along
            return;
        }
        AssertRendersAsSvgAndPng(DiagnosticFigures.Create(kind, fit, request));
    }

    /// <summary>The plot saved as SVG (well-formed, an svg root) and as a 640 × 480 PNG, and nothing else written.</summary>
    internal static void AssertRendersAsSvgAndPng(PlotResult plot)
    {
        string dir = Directory.CreateTempSubdirectory("fastmlm-plot-").FullName;
        try
        {
            string svg = Path.Combine(dir, "plot.svg"), png = Path.Combine(dir, "plot.png");
            plot.Figure.Save(svg);
            plot.Figure.Save(png, 640, 480);
            AssertSvg(svg);
            AssertPng(png, 640, 480);
            Assert.Equal(["plot.png", "plot.svg"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void MultiPanelSvg_HasOneNestedSvgPerPanel_WithUniqueIds()
    {
        var plot = DiagnosticFigures.Create("profile", PlotData.SleepStudy);
        var doc = XDocument.Parse(plot.Figure.ToSvg(idPrefix: "x"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(6, doc.Root!.Elements(ns + "svg").Count());
        var ids = doc.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToArray();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.StartsWith("x", id, StringComparison.Ordinal));
        Assert.NotNull(doc.Root.Attribute("viewBox"));
    }

    [Fact]
    public void Save_AnotherExtension_IsRefused_AndWritesNothing()
    {
        string dir = Directory.CreateTempSubdirectory("fastmlm-plot-").FullName;
        try
        {
            var plot = DiagnosticFigures.Create("qq-residuals", PlotData.SleepStudy);
            Assert.Throws<ArgumentException>(() => plot.Figure.Save(Path.Combine(dir, "plot.jpg")));
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The linear models of <c>fastmlm demo</c>, read from its source so that the list stays one.</summary>
    internal static IEnumerable<(string Data, string Formula, bool Reml, string Title)> DemoModels()
    {
        string source = File.ReadAllText(Path.Combine(Cli.CliRunner.RepositoryRoot(), "src", "FastMlm.Cli", "Commands", "DemoCommand.cs"));
        var models = DemoModel().Matches(source).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value == "true", m.Groups[4].Value)).ToArray();
        Assert.True(models.Length >= 5, "the demo's models are not where the test looks for them");
        return models;
    }

    [GeneratedRegex("""\("(\w+)", "([^"]+)", (true|false), "([^"]+)"\)""")]
    private static partial Regex DemoModel();

    internal static void AssertSvg(string path)
    {
        var doc = XDocument.Load(path);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        Assert.Equal("http://www.w3.org/2000/svg", doc.Root.Name.NamespaceName);
    }

    internal static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }

    private static bool HasNumericPredictor(string formula) => !formula.Split('~')[1].TrimStart().StartsWith("1 ", StringComparison.Ordinal);
}
