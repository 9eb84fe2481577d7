using System.Globalization;
using System.Text;
using FastMlm.Inference;
using FastMlm.Models;

namespace FastMlm.Reporting;

/// <summary>
/// Text for inference results, laid out as R prints them: the likelihood-ratio table of <c>anova(m1, m2)</c>,
/// lmerTest's coefficient table and type-III ANOVA, <c>confint</c>'s intervals, and the ICC / R² / PRE lines.
/// </summary>
public static class InferenceReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>The legend under tables with significance stars.</summary>
    public const string StarLegend = "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n";

    /// <summary>R's <c>format.pval</c> at 4 significant digits (values below 2.2e-16 shown as <c>&lt; 2.2e-16</c>).</summary>
    public static string FormatP(double p) =>
        double.IsNaN(p) ? "NA" : p < 2.220446e-16 ? "< 2.2e-16" : RFormat.Format(p, 4).Trim();

    /// <summary>"= 0.0123" or "&lt; 2.2e-16", to follow a "p".</summary>
    private static string Relation(double p)
    {
        string text = FormatP(p);
        return text.StartsWith('<') ? text : "= " + text;
    }

    /// <summary>Significance stars for a p-value.</summary>
    public static string Stars(double p) =>
        double.IsNaN(p) ? "" : p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : " ";

    /// <summary>The likelihood-ratio table, its notes and the boundary-corrected p-values.</summary>
    public static string Describe(LikelihoodRatioTable table, string? data = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder();
        if (data is not null) sb.Append("Data: ").Append(data).Append('\n');
        sb.Append("Models:\n");
        foreach (var row in table.Rows) sb.Append(row.Name).Append(": ").Append(row.Fit.Formula).Append('\n');
        var rows = table.Rows;
        var aic = RFormat.Format(rows.Select(r => r.Aic).ToArray(), 5);
        var bic = RFormat.Format(rows.Select(r => r.Bic).ToArray(), 5);
        var ll = RFormat.Format(rows.Select(r => r.LogLikelihood).ToArray(), 5);
        var dev = RFormat.Format(rows.Select(r => r.Deviance).ToArray(), 5);
        var chisq = rows.Select(r => r.ChiSquare is { } c ? RFormat.Format(c, 5).Trim() : "").ToArray();
        var header = new[] { "npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)", "" };
        var cells = rows.Select((r, i) => new[]
        {
            r.Parameters.ToString(s_inv), aic[i].Trim(), bic[i].Trim(), ll[i].Trim(), dev[i].Trim(), chisq[i],
            r.Df?.ToString(s_inv) ?? "", r.P is { } p ? FormatP(p) : "", r.P is { } q ? Stars(q) : "",
        }).ToArray();
        WriteTable(sb, rows.Select(r => r.Name).ToArray(), header, cells, leftAlignLast: true);
        if (rows.Any(r => r.P is not null)) sb.Append(StarLegend);
        foreach (var row in rows.Where(r => r.BoundaryP is not null))
        {
            sb.Append(string.Create(s_inv, $"{row.Name}: boundary-corrected p {Relation(row.BoundaryP!.Value)} (naive {FormatP(row.P!.Value)})\n"));
        }
        foreach (var note in table.Notes) sb.Append("note: ").Append(note).Append('\n');
        return sb.ToString();
    }

    /// <summary>lmerTest's fixed-effects table: Estimate, Std. Error, df, t value, Pr(&gt;|t|).</summary>
    public static string Describe(IReadOnlyList<SatterthwaiteTest> tests)
    {
        ArgumentNullException.ThrowIfNull(tests);
        var sb = new StringBuilder("Fixed effects (t tests with Satterthwaite's degrees of freedom):\n");
        var est = RFormat.Format(tests.Select(t => t.Estimate).Concat(tests.Select(t => t.StandardError)).ToArray(), 4);
        var df = RFormat.Format(tests.Select(t => t.Df).ToArray(), 4);
        var tv = RFormat.Format(tests.Select(t => RFormat.Round(t.T, 3)).ToArray(), 4);
        var cells = tests.Select((t, i) => new[] { est[i].Trim(), est[tests.Count + i].Trim(), df[i].Trim(), tv[i].Trim(), FormatP(t.P), Stars(t.P) }).ToArray();
        WriteTable(sb, tests.Select(t => t.Term).ToArray(), ["Estimate", "Std. Error", "df", "t value", "Pr(>|t|)", ""], cells, leftAlignLast: true);
        sb.Append(StarLegend);
        return sb.ToString();
    }

    /// <summary>Wald z tests of the fixed effects: Estimate, Std. Error, z value, Pr(&gt;|z|).</summary>
    public static string DescribeWald(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var fe = fit.FixedEffects;
        var sb = new StringBuilder("Fixed effects (Wald z tests):\n");
        var est = RFormat.Format(fe.Select(t => t.Estimate).Concat(fe.Select(t => t.StandardError)).ToArray(), 4);
        var zv = RFormat.Format(fe.Select(t => RFormat.Round(t.Statistic, 3)).ToArray(), 4);
        var cells = fe.Select((t, i) =>
        {
            double p = 2 * Distributions.NormalUpper(Math.Abs(t.Statistic));
            return new[] { est[i].Trim(), est[fe.Count + i].Trim(), zv[i].Trim(), FormatP(p), Stars(p) };
        }).ToArray();
        WriteTable(sb, fe.Select(t => t.Term).ToArray(), ["Estimate", "Std. Error", "z value", "Pr(>|z|)", ""], cells, leftAlignLast: true);
        sb.Append(StarLegend);
        return sb.ToString();
    }

    /// <summary>lmerTest's <c>anova(type = 3)</c> layout.</summary>
    public static string Describe(IReadOnlyList<FTest> tests)
    {
        ArgumentNullException.ThrowIfNull(tests);
        var sb = new StringBuilder("Type III Analysis of Variance Table with Satterthwaite's method\n");
        if (tests.Count == 0) return sb.Append("(no terms besides the intercept)\n").ToString();
        var den = RFormat.Format(tests.Select(t => t.DenDf).ToArray(), 5);
        var f = RFormat.Format(tests.Select(t => t.F).ToArray(), 5);
        var cells = tests.Select((t, i) => new[] { t.NumDf.ToString(s_inv), den[i].Trim(), f[i].Trim(), FormatP(t.P), Stars(t.P) }).ToArray();
        WriteTable(sb, tests.Select(t => t.Term).ToArray(), ["NumDF", "DenDF", "F value", "Pr(>F)", ""], cells, leftAlignLast: true);
        sb.Append(StarLegend);
        return sb.ToString();
    }

    /// <summary><c>confint</c>'s layout: one row per parameter with its limits, then notes.</summary>
    public static string Describe(IReadOnlyList<ConfidenceInterval> intervals, double level, IntervalMethod method)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        string what = method switch { IntervalMethod.Wald => "Wald", IntervalMethod.Profile => "profile", _ => "bootstrap percentile" };
        var sb = new StringBuilder(string.Create(s_inv, $"{what} confidence intervals ({level * 100:0.##}%):\n"));
        string lo = string.Create(s_inv, $"{(1 - level) / 2 * 100:0.###} %"), hi = string.Create(s_inv, $"{(1 + level) / 2 * 100:0.###} %");
        var limits = RFormat.Format(intervals.Select(i => i.Lower).Concat(intervals.Select(i => i.Upper)).ToArray(), 5);
        var est = RFormat.Format(intervals.Select(i => i.Estimate).ToArray(), 5);
        var cells = intervals.Select((c, i) => new[] { est[i].Trim(), limits[i].Trim(), limits[intervals.Count + i].Trim(), c.Description == c.Parameter ? "" : c.Description }).ToArray();
        WriteTable(sb, intervals.Select(i => i.Parameter).ToArray(), ["estimate", lo, hi, ""], cells, leftAlignLast: true);
        foreach (var c in intervals.Where(i => i.Note is not null)) sb.Append("note: ").Append(c.Parameter).Append(": ").Append(c.Note).Append('\n');
        return sb.ToString();
    }

    /// <summary>Exponentiated fixed effects (odds, rate or hazard ratios) with their Wald intervals.</summary>
    public static string DescribeRatios(IReadOnlyList<ConfidenceInterval> ratios, double level)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        string what = ratios.Count == 0 ? "ratio" : ratios[0].Description;
        var sb = new StringBuilder(string.Create(s_inv, $"{char.ToUpperInvariant(what[0])}{what[1..]}s (exp of the fixed effects) with {level * 100:0.##}% Wald intervals:\n"));
        string lo = string.Create(s_inv, $"{(1 - level) / 2 * 100:0.###} %"), hi = string.Create(s_inv, $"{(1 + level) / 2 * 100:0.###} %");
        var est = RFormat.Format(ratios.Select(r => r.Estimate).ToArray(), 4);
        var lower = RFormat.Format(ratios.Select(r => r.Lower).ToArray(), 4);
        var upper = RFormat.Format(ratios.Select(r => r.Upper).ToArray(), 4);
        var cells = ratios.Select((r, i) => new[] { est[i].Trim(), lower[i].Trim(), upper[i].Trim() }).ToArray();
        WriteTable(sb, ratios.Select(r => r.Parameter).ToArray(), [what, lo, hi], cells, leftAlignLast: false);
        return sb.ToString();
    }

    /// <summary>ICC / VPC lines with intervals, and R².</summary>
    public static string Describe(IReadOnlyList<VarianceShare> shares, RSquared r2, double level)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(r2);
        var sb = new StringBuilder();
        string label = shares.Count == 1 ? "ICC" : "VPC";
        bool atZero = shares.Any(s => s.AtZero);
        foreach (var s in shares)
        {
            sb.Append(string.Create(s_inv, $"{label} ({s.Group}): {s.Share:0.0000}  {level * 100:0.##}% profile interval [{s.Lower:0.0000}, {s.Upper:0.0000}]\n"));
        }
        if (atZero) sb.Append("(with random slopes the share depends on the predictors: shown at x = 0, where slopes add nothing)\n");
        if (shares.Count == 0) sb.Append("no random intercept: no ICC\n");
        sb.Append(string.Create(s_inv, $"R² marginal (fixed effects): {r2.Marginal:0.0000}\nR² conditional (fixed and random effects): {r2.Conditional:0.0000}\n"));
        sb.Append(string.Create(s_inv, $"(variances: fixed {Fmt(r2.FixedVariance)}, random {Fmt(r2.RandomVariance)}, residual {Fmt(r2.ResidualVariance)}; Nakagawa & Schielzeth 2013, Johnson 2014)\n"));
        return sb.ToString();
    }

    /// <summary>The proportional reduction in variance from a reduced model to a fuller one.</summary>
    public static string Describe(IReadOnlyList<VarianceReduction> reductions, string reduced, string full)
    {
        ArgumentNullException.ThrowIfNull(reductions);
        var sb = new StringBuilder($"Proportional reduction in variance, {reduced} -> {full}:\n");
        var cells = reductions.Select(r => new[] { r.Column ?? "", Fmt(r.Reduced), Fmt(r.Full), string.Create(s_inv, $"{r.Reduction * 100:0.0}%") }).ToArray();
        WriteTable(sb, reductions.Select(r => r.Group).ToArray(), ["", reduced, full, "PRE"], cells, leftAlignLast: false);
        return sb.ToString();
    }

    private static string Fmt(double v) => RFormat.Format(v, 4).Trim();

    private static void WriteTable(StringBuilder sb, string[] rowNames, string[] header, string[][] cells, bool leftAlignLast)
    {
        int nameWidth = rowNames.Length == 0 ? 0 : rowNames.Max(n => n.Length);
        int columns = header.Length;
        var widths = new int[columns];
        for (int j = 0; j < columns; j++) widths[j] = Math.Max(header[j].Length, cells.Length == 0 ? 0 : cells.Max(r => r[j].Length));
        sb.Append(new string(' ', nameWidth));
        for (int j = 0; j < columns; j++)
        {
            if (widths[j] == 0) continue;
            sb.Append(' ').Append(leftAlignLast && j == columns - 1 ? header[j].PadRight(widths[j]) : header[j].PadLeft(widths[j]));
        }
        TrimEnd(sb).Append('\n');
        for (int i = 0; i < cells.Length; i++)
        {
            sb.Append(rowNames[i].PadRight(nameWidth));
            for (int j = 0; j < columns; j++)
            {
                if (widths[j] == 0) continue;
                sb.Append(' ').Append(leftAlignLast && j == columns - 1 ? cells[i][j].PadRight(widths[j]) : cells[i][j].PadLeft(widths[j]));
            }
            TrimEnd(sb).Append('\n');
        }
    }

    private static StringBuilder TrimEnd(StringBuilder sb)
    {
        while (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
        return sb;
    }
}
