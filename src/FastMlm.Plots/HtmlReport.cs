using System.Globalization;
using System.Net;
using System.Text;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Plots;

/// <summary>A fitted model and its label in a report.</summary>
/// <param name="Name">The label (<c>m1</c>).</param>
/// <param name="Fit">The fit.</param>
public sealed record ReportModel(string Name, FitResult Fit);

/// <summary>
/// One self-contained HTML page about one or more linear or generalized linear mixed models fitted to the same data:
/// each model's summary (lme4's or glmer's layout), the likelihood-ratio table when there are two or more, the ICC and
/// R² (a GLMM's latent-scale ICC where the summary gives one), and the diagnostic plots drawn inline as SVG. No script and nothing fetched: the page reads the same offline, on a phone (it reflows, and
/// the pictures scale to the width) and on paper. Everything taken from the data is HTML-escaped.
/// </summary>
public static class HtmlReport
{
    /// <summary>The sections, by their element ids, in page order; <c>comparison</c> only with two or more models.</summary>
    public static IReadOnlyList<string> Sections(int models) =>
        models >= 2 ? ["summary", "comparison", "variance", "diagnostics"] : ["summary", "variance", "diagnostics"];

    /// <summary>The diagnostic plots drawn for each linear model.</summary>
    public static IReadOnlyList<string> DiagnosticKinds { get; } = ["qq-residuals", "residuals-fitted", "qq-ranef", "caterpillar"];

    /// <summary>
    /// The diagnostic plots drawn for <paramref name="fit"/>: <see cref="DiagnosticKinds"/>, except that a GLMM of a 0/1
    /// response has binned residuals in place of the QQ plot of its residuals (which says nothing there).
    /// </summary>
    public static IReadOnlyList<string> DiagnosticKindsFor(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return fit.IsGeneralized && GlmmResidualTable.Compute(fit).IsBinary
            ? ["binned-residuals", "residuals-fitted", "qq-ranef", "caterpillar"]
            : DiagnosticKinds;
    }

    private const string Style = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.45; margin: 0 auto; max-width: 64rem; padding: 1rem; color: #1b1b1b; background: #fff; }
        h1 { font-size: 1.6rem; margin: 0.2rem 0; }
        h2 { font-size: 1.3rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
        h3 { font-size: 1.05rem; margin-top: 1.4rem; overflow-wrap: anywhere; }
        pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; font-size: 0.82rem; line-height: 1.3; }
        .table { overflow-x: auto; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.9rem; }
        th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        figure { margin: 1rem 0; }
        figure > svg { display: block; width: 100%; height: auto; max-width: 100%; }
        figcaption { font-size: 0.9rem; color: #444; }
        .formula { font-family: ui-monospace, Menlo, Consolas, monospace; }
        @media (max-width: 40rem) { body { padding: 0.5rem; } pre { font-size: 0.7rem; } h1 { font-size: 1.3rem; } }
        @media print {
          body { max-width: none; padding: 0; }
          pre { white-space: pre-wrap; background: none; border: 1px solid #ccc; }
          figure, table, pre { break-inside: avoid; }
          h2, h3 { break-after: avoid; }
        }
        """;

    /// <summary>The page for <paramref name="models"/>, intervals at <paramref name="level"/>.</summary>
    /// <exception cref="FastMlmException">A model cannot be compared or plotted (e.g. the models use different rows).</exception>
    public static string Build(IReadOnlyList<ReportModel> models, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0) throw new ArgumentException("a report needs at least one model", nameof(models));
        string data = models[0].Fit.DataSource;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>FastMlm report: ").Append(Escape(data)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");
        html.Append("<header>\n<h1>Mixed-model report</h1>\n<p>Data: ").Append(Escape(data)).Append(". ")
            .Append(models.Count == 1 ? "One model" : $"{models.Count.ToString(CultureInfo.InvariantCulture)} models").Append(":</p>\n<ul>\n");
        foreach (var m in models) html.Append("<li>").Append(Escape(m.Name)).Append(": <span class=\"formula\">").Append(Escape(m.Fit.Formula)).Append("</span></li>\n");
        html.Append("</ul>\n</header>\n");

        Open(html, "summary", "Model summary");
        foreach (var m in models) html.Append(Heading(m)).Append("<pre>").Append(Escape(FitSummary.Describe(m.Fit))).Append("</pre>\n");
        html.Append("</section>\n");

        if (models.Count >= 2)
        {
            var table = LikelihoodRatioTest.Compare(models.Select(m => m.Fit).ToArray(), models.Select(m => m.Name).ToArray());
            Open(html, "comparison", "Model comparison");
            AppendComparison(html, table);
            html.Append("</section>\n");
        }

        Open(html, "variance", "ICC and R²");
        foreach (var m in models)
        {
            html.Append(Heading(m)).Append("<pre>").Append(Escape(VarianceText(m.Fit, level))).Append("</pre>\n");
        }
        html.Append("</section>\n");

        Open(html, "diagnostics", "Diagnostic plots");
        int figure = 0;
        foreach (var m in models)
        {
            html.Append(Heading(m));
            foreach (var kind in DiagnosticKindsFor(m.Fit))
            {
                var plot = DiagnosticFigures.Create(kind, m.Fit, new PlotRequest { Level = level });
                string id = string.Create(CultureInfo.InvariantCulture, $"fig{figure++}");
                html.Append("<figure id=\"").Append(id).Append("\">\n").Append(plot.Figure.ToSvg(idPrefix: id + "_")).Append('\n')
                    .Append("<figcaption>").Append(Escape(Caption(kind, m.Fit, level))).Append(Outliers(plot.Outliers)).Append("</figcaption>\n</figure>\n");
            }
        }
        html.Append("</section>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Open(StringBuilder html, string id, string title) =>
        html.Append("<section id=\"").Append(id).Append("\">\n<h2>").Append(Escape(title)).Append("</h2>\n");

    private static string Heading(ReportModel m) =>
        $"<h3>{Escape(m.Name)}: <span class=\"formula\">{Escape(m.Fit.Formula)}</span> ({(m.Fit.Reml ? "REML" : "ML")})</h3>\n";

    /// <summary>
    /// The ICC and R² of a linear model (with profile intervals); a GLMM's latent-scale ICC as its summary gives it, or
    /// why there is none (R² and profile intervals are computed for linear models).
    /// </summary>
    private static string VarianceText(FitResult fit, double level)
    {
        if (!fit.IsGeneralized) return InferenceReport.Describe(VarianceExplained.Shares(fit, level), VarianceExplained.RSquared(fit), level);
        string icc = FitSummary.DescribeIntraclassCorrelations(fit);
        return icc.Length > 0
            ? icc
            : $"no ICC: the latent-scale ICC is defined for binomial models whose random terms are all intercepts (this is a {fit.Family.RName()} model"
              + (fit.Family == Family.Binomial ? " with random slopes)\n" : ")\n");
    }

    private static string Caption(string kind, FitResult fit, double level) => (kind, fit.IsGeneralized) switch
    {
        ("qq-residuals", false) => "Normal QQ plot of the scaled residuals (y − ŷ)/σ̂, with the line through the quartiles.",
        ("qq-residuals", true) => "Normal QQ plot of the deviance residuals, with the line through the quartiles.",
        ("residuals-fitted", false) => "Scaled residuals against the fitted values Xβ̂ + Zb̂.",
        ("residuals-fitted", true) => $"Pearson residuals (y − μ̂)/√(V(μ̂)/m) against the linear predictor η̂ = Xβ̂ + Zb̂ ({fit.Link} scale).",
        ("binned-residuals", _) => "Binned residuals (Gelman & Hill): the mean residual y − μ̂ in bins of the linear predictor, with ±2 standard errors; about 95% of the bins should lie within them.",
        ("qq-ranef", false) => "Normal QQ plots of the conditional modes of each random-effect column.",
        ("qq-ranef", true) => $"Normal QQ plots of the conditional modes of each random-effect column ({fit.Link} scale).",
        ("caterpillar", _) => string.Create(CultureInfo.InvariantCulture, $"Conditional modes with {level * 100:0.###}% intervals mode ± z·condSD, sorted")
            + (fit.IsGeneralized ? $" ({fit.Link} scale)." : "."),
        _ => kind,
    };

    private static string Outliers(IReadOnlyList<NamedOutlier> outliers)
    {
        if (outliers.Count == 0) return "";
        var named = outliers.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Point.Label} (z = {o.Point.Z:F1})"));
        return " Outlying: " + Escape(string.Join("; ", named)) + ".";
    }

    private static void AppendComparison(StringBuilder html, LikelihoodRatioTable table)
    {
        html.Append("<div class=\"table\"><table>\n<thead><tr><th>model</th><th>formula</th><th>npar</th><th>AIC</th><th>BIC</th><th>logLik</th><th>deviance</th>")
            .Append("<th>Chisq</th><th>Df</th><th>Pr(&gt;Chisq)</th><th>boundary-corrected p</th></tr></thead>\n<tbody>\n");
        foreach (var r in table.Rows)
        {
            html.Append("<tr><td>").Append(Escape(r.Name)).Append("</td><td class=\"formula\">").Append(Escape(r.Fit.Formula)).Append("</td>");
            Cell(html, r.Parameters.ToString(CultureInfo.InvariantCulture));
            Cell(html, Fixed(r.Aic, 1));
            Cell(html, Fixed(r.Bic, 1));
            Cell(html, Fixed(r.LogLikelihood, 1));
            Cell(html, Fixed(r.Deviance, 1));
            Cell(html, r.ChiSquare is { } chi ? Fixed(chi, 3) : "");
            Cell(html, r.Df is { } df ? df.ToString(CultureInfo.InvariantCulture) : "");
            Cell(html, r.P is { } p ? InferenceReport.FormatP(p) + " " + InferenceReport.Stars(p) : "");
            Cell(html, r.BoundaryP is { } bp ? InferenceReport.FormatP(bp) : "");
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table></div>\n");
        foreach (var note in table.Notes) html.Append("<p>").Append(Escape(note)).Append("</p>\n");
    }

    private static void Cell(StringBuilder html, string text) => html.Append("<td>").Append(Escape(text.Trim())).Append("</td>");

    private static string Fixed(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
