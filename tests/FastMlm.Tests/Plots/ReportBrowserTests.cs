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
        await AssertReadsOnAPhone([new ReportModel("ri <b>&", ri), new ReportModel("rs", rs)], "ri <b>&");
    }

    /// <summary>
    /// A report of two GLMMs — cbpp's empty and period models — and one of a 0/1 response: glmer's summaries, the
    /// likelihood-ratio table, the latent-scale ICC, and the plots that apply (binned residuals for the 0/1 response).
    /// </summary>
    [ChromiumFact]
    public async Task GlmmReport_LoadsWithoutErrors_AndShowsEverySection_OnAPhone()
    {
        var data = FastMlm.Data.BuiltInData.Load("cbpp");
        var (_, formula) = GlmmPlotTests.DemoLogistic();
        var m0 = FastMlm.Models.GeneralizedLinearMixedModel.Fit(data, "cbind(incidence, size - incidence) ~ 1 + (1 | herd)", FastMlm.Models.Family.Binomial);
        var m1 = FastMlm.Models.GeneralizedLinearMixedModel.Fit(data, formula, FastMlm.Models.Family.Binomial);
        string html = await AssertReadsOnAPhone([new ReportModel("empty", m0), new ReportModel("period", m1)], "empty");
        Assert.Contains("Generalized linear mixed model fit by maximum likelihood", html, StringComparison.Ordinal);
        Assert.Contains("ICC (herd): 0.1114", html, StringComparison.Ordinal);
        Assert.Contains("on the latent scale", html, StringComparison.Ordinal);
        Assert.Contains("<td>25.610</td>", html, StringComparison.Ordinal); // lme4's anova: Chisq 25.61 on 3 df

        var bernoulli = FastMlm.Models.GeneralizedLinearMixedModel.Fit(FastMlm.Data.SimulatedData.Frame("bernoulli_groups_sim"), GlmmPlotTests.Bernoulli, FastMlm.Models.Family.Binomial);
        html = await AssertReadsOnAPhone([new ReportModel("binary", bernoulli)], "binary");
        Assert.Contains("Binned residuals", html, StringComparison.Ordinal);
        Assert.DoesNotContain("QQ plot of the deviance residuals", html, StringComparison.Ordinal);
    }

    private static async Task<string> AssertReadsOnAPhone(ReportModel[] models, string firstModel)
    {
        string html = HtmlReport.Build(models);
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
            foreach (var s in sections)
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)s!["heading"]), (string?)s["id"]);
                Assert.True((double)s["height"]! > 0, (string?)s["id"]);
            }
            Assert.Equal(HtmlReport.Sections(models.Length), sections.Select(s => (string)s!["id"]!));
            int figures = sections.Sum(s => (int)s!["figures"]!);
            Assert.Equal(models.Sum(m => HtmlReport.DiagnosticKindsFor(m.Fit).Count), figures);
            double pageWidth = (double)page["pageWidth"]!;
            Assert.True(pageWidth <= 390, JsonSerializer.Serialize(pageWidth));
            Assert.All(page["svgWidths"]!.AsArray(), w => Assert.InRange((double)w!, 1, pageWidth));
            Assert.All(page["svgHeights"]!.AsArray(), h => Assert.True((double)h! > 0));
            Assert.Equal(0, (int)page["scripts"]!);
            Assert.True((bool)page["viewport"]!);
            Assert.StartsWith(firstModel, (string)page["firstModel"]!, StringComparison.Ordinal); // escaped, shown as text
            return html;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
