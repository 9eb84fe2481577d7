using System.Text.Json;
using System.Text.Json.Nodes;
using FastMlm.Plots;

namespace FastMlm.Tests.Plots;

/// <summary>The HTML report in headless Chromium: it loads with no error and shows every section, on a phone's width.</summary>
public sealed class ReportBrowserTests
{
    private const string Inspect = """
        JSON.stringify({
          sections: [...document.querySelectorAll('section')].map(s => ({
            id: s.id,
            heading: (s.querySelector('h2') || {}).textContent || '',
            height: s.getBoundingClientRect().height,
            figures: s.querySelectorAll('figure > svg').length })),
          svgWidths: [...document.querySelectorAll('figure > svg')].map(s => s.getBoundingClientRect().width),
          svgHeights: [...document.querySelectorAll('figure > svg')].map(s => s.getBoundingClientRect().height),
          pageWidth: document.documentElement.clientWidth,
          scripts: document.scripts.length,
          viewport: !!document.querySelector('meta[name=viewport]'),
          firstModel: document.querySelector('#summary h3').textContent
        })
        """;

    [ChromiumFact]
    public async Task Report_LoadsWithoutErrors_AndShowsEverySection_OnAPhone()
    {
        var ri = PlotData.Fit("sleepstudy", "Reaction ~ Days + (1 | Subject)", reml: true);
        var rs = PlotData.SleepStudy;
        string html = HtmlReport.Build([new ReportModel("ri <b>&", ri), new ReportModel("rs", rs)]);
        string dir = Directory.CreateTempSubdirectory("fastmlm-report-").FullName;
        try
        {
            string path = Path.Combine(dir, "report.html");
            File.WriteAllText(path, html);
            await using var browser = await HeadlessChromium.StartAsync();
            await browser.SendAsync("Runtime.enable");
            await browser.SendAsync("Log.enable");
            await browser.SendAsync("Page.enable");
            await browser.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
            {
                ["width"] = 390, ["height"] = 844, ["deviceScaleFactor"] = 2, ["mobile"] = true,
            });
            await browser.NavigateAsync(new Uri(path).AbsoluteUri);
            var page = JsonNode.Parse(await browser.EvaluateAsync(Inspect))!;
            await Task.Delay(200); // let late errors arrive
            Assert.Empty(browser.Errors);

            var sections = page["sections"]!.AsArray();
            Assert.Equal(HtmlReport.Sections(2), sections.Select(s => (string)s!["id"]!));
            foreach (var s in sections)
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)s!["heading"]), (string?)s["id"]);
                Assert.True((double)s["height"]! > 0, (string?)s["id"]);
            }
            int figures = sections.Sum(s => (int)s!["figures"]!);
            Assert.Equal(2 * HtmlReport.DiagnosticKinds.Count, figures);
            double pageWidth = (double)page["pageWidth"]!;
            Assert.True(pageWidth <= 390, JsonSerializer.Serialize(pageWidth));
            Assert.All(page["svgWidths"]!.AsArray(), w => Assert.InRange((double)w!, 1, pageWidth));
            Assert.All(page["svgHeights"]!.AsArray(), h => Assert.True((double)h! > 0));
            Assert.Equal(0, (int)page["scripts"]!);
            Assert.True((bool)page["viewport"]!);
            Assert.StartsWith("ri <b>&", (string)page["firstModel"]!, StringComparison.Ordinal); // escaped, shown as text
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
