using System.Globalization;
using System.Text;
using FastMlm.Models;

namespace FastMlm.Reporting;

/// <summary>
/// A fit printed in the layout of lme4's <c>summary()</c>: title, formula and data, the REML criterion or the
/// information criteria, scaled residuals, random effects, group counts, fixed effects and their correlations
/// (for at most 12 fixed effects), then the intraclass correlations of random-intercept models and every
/// message the fit carries. Numbers follow R's printing rules (<see cref="RFormat"/>).
/// </summary>
public static class FitSummary
{
    private const int Digits = 4;
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>The summary text, lines ending in '\n'.</summary>
    public static string Describe(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var sb = new StringBuilder();
        if (fit.IsGeneralized)
        {
            AppendGlmmTitle(sb, fit);
        }
        else
        {
            sb.Append("Linear mixed model fit by ").Append(fit.Reml ? "REML" : "maximum likelihood").Append('\n');
        }
        sb.Append("Formula: ").Append(fit.Formula).Append('\n');
        sb.Append("   Data: ").Append(fit.DataSource).Append("\n\n");
        AppendCriteria(sb, fit);
        AppendResiduals(sb, fit);
        AppendRandomEffects(sb, fit);
        sb.Append(string.Create(s_inv, $"Number of obs: {fit.ObservationCount}, groups:  "));
        sb.Append(string.Join("; ", fit.GroupCounts.Select(g => string.Create(s_inv, $"{g.Key}, {g.Value}")))).Append('\n');
        AppendFixedEffects(sb, fit);
        if (fit.IntraclassCorrelations.Count > 0) sb.Append('\n').Append(DescribeIntraclassCorrelations(fit));
        if (fit.Messages.Count > 0)
        {
            sb.Append('\n');
            foreach (var m in fit.Messages) sb.Append(m).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The ICC or each term's VPC of <see cref="FitResult.IntraclassCorrelations"/>, as the summary ends with them (a
    /// binomial GLMM's on the latent scale, and said so); empty when the fit has none.
    /// </summary>
    public static string DescribeIntraclassCorrelations(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var sb = new StringBuilder();
        if (fit.IntraclassCorrelations.Count == 0) return "";
        // One term: the intraclass correlation. Several: each term's share of the total variance (VPC).
        string label = fit.IntraclassCorrelations.Count == 1 ? "ICC" : "VPC";
        foreach (var (group, share) in fit.IntraclassCorrelations)
        {
            sb.Append(label).Append(" (").Append(group).Append("): ").Append(RFormat.Format(share, Digits)).Append('\n');
        }
        if (fit.IsGeneralized)
        {
            string level1 = fit.Link switch { "logit" => "π²/3", "probit" => "1", _ => "π²/6" };
            sb.Append(string.Create(s_inv, $"(on the latent scale: the level-1 variance of the {fit.Link} link is {level1}"))
              .Append(level1 == "1" ? ")\n" : " = " + RFormat.Format(Models.Links.LatentResidualVariance(Models.Links.Parse(fit.Link, fit.Family)), Digits).Trim() + ")\n");
        }
        return sb.ToString();
    }

    private static void AppendCriteria(StringBuilder sb, FitResult fit)
    {
        if (fit.Reml)
        {
            sb.Append("REML criterion at convergence: ").Append(RFormat.Format(RFormat.Round(fit.Criterion, 1), 7)).Append("\n\n");
            return;
        }
        double[] values = [fit.Aic, fit.Bic, fit.LogLikelihood, fit.Deviance, fit.ResidualDf];
        var rounded = values.Select(v => RFormat.Round(v, 1)).ToArray();
        var text = RFormat.Format(rounded, 7);
        text[4] = fit.ResidualDf.ToString(s_inv);
        sb.Append(RFormat.NamedVector(["AIC", "BIC", "logLik", "deviance", "df.resid"], text)).Append('\n');
    }

    /// <summary>glmer's title, wrapped as lme4 wraps it at 80 columns, with the class at the end.</summary>
    private static void AppendGlmmTitle(StringBuilder sb, FitResult fit)
    {
        int nagq = fit.Nagq ?? 1;
        string title = "Generalized linear mixed model fit by maximum likelihood " + (nagq == 1
            ? "(Laplace Approximation)"
            : string.Create(s_inv, $"(Adaptive Gauss-Hermite Quadrature, nAGQ = {nagq})"));
        const string Class = "glmerMod";
        if (title.Length + 5 + Class.Length > 80)
        {
            var lines = Wrap(title, 78, 2);
            lines[^1] += " [" + Class + "]";
            foreach (var line in lines) sb.Append(line).Append('\n');
        }
        else
        {
            sb.Append(title).Append(" ['").Append(Class).Append("']\n");
        }
        sb.Append(" Family: ").Append(fit.Family.RName()).Append("  ( ").Append(fit.Link).Append(" )\n");
    }

    /// <summary>R's <c>strwrap(text, width, exdent)</c> for text of single-spaced words: lines shorter than width.</summary>
    private static List<string> Wrap(string text, int width, int exdent)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.Length > 0 && current.Length + 1 + word.Length >= width)
            {
                lines.Add(current.ToString());
                current.Clear().Append(new string(' ', exdent));
                current.Append(word);
                continue;
            }
            if (current.Length > 0 && current.ToString().Trim().Length > 0) current.Append(' ');
            current.Append(word);
        }
        lines.Add(current.ToString());
        return lines;
    }

    private static void AppendResiduals(StringBuilder sb, FitResult fit)
    {
        sb.Append("Scaled residuals: \n");
        var scaled = fit.PearsonResiduals is { } pearson ? pearson.ToArray() : fit.Residuals.Select(r => r / fit.Sigma).ToArray();
        var q = RFormat.ZapSmall(RFormat.Quantiles(scaled, [0, 0.25, 0.5, 0.75, 1]), Digits + 1);
        sb.Append(RFormat.NamedVector(["Min", "1Q", "Median", "3Q", "Max"], RFormat.Format(q, Digits))).Append('\n');
    }

    private static void AppendRandomEffects(StringBuilder sb, FitResult fit)
    {
        sb.Append("Random effects:\n");
        var variances = fit.VarCorr.Where(v => v.Name2 is null).ToArray();
        var varText = RFormat.Format(variances.Select(v => v.Value).ToArray(), Digits);
        var sdText = RFormat.Format(variances.Select(v => v.SdCor).ToArray(), Digits);
        int corrColumns = Math.Max(0, fit.RandomEffects.Count == 0 ? 0 : fit.RandomEffects.Max(t => t.Columns.Count) - 1);

        var rows = new List<string[]>();
        int k = 0;
        foreach (var table in fit.RandomEffects)
        {
            int q = table.Columns.Count;
            var corr = new double[q * q];
            foreach (var v in fit.VarCorr.Where(v => v.Group == table.Group && v.Name2 is not null))
            {
                int i = IndexOf(table.Columns, v.Name1!), j = IndexOf(table.Columns, v.Name2!);
                corr[(Math.Max(i, j) * q) + Math.Min(i, j)] = v.SdCor;
            }
            var lower = new List<double>();
            for (int i = 1; i < q; i++) for (int j = 0; j < i; j++) lower.Add(RFormat.Round(corr[(i * q) + j], 2));
            var corrText = RFormat.Format(lower.ToArray(), 7, nsmall: 2);
            int c = 0;
            for (int i = 0; i < q; i++)
            {
                var row = new string[4 + corrColumns];
                row[0] = i == 0 ? table.Group : "";
                row[1] = table.Columns[i];
                row[2] = varText[k];
                row[3] = sdText[k];
                for (int j = 0; j < corrColumns; j++) row[4 + j] = j < i ? corrText[c++] : "";
                rows.Add(row);
                k++;
            }
        }
        if (!fit.IsGeneralized)
        {
            var residual = new string[4 + corrColumns];
            residual[0] = "Residual";
            residual[1] = "";
            residual[2] = varText[k];
            residual[3] = sdText[k];
            for (int j = 0; j < corrColumns; j++) residual[4 + j] = "";
            rows.Add(residual);
        }

        var header = new string[4 + corrColumns];
        header[0] = "Groups";
        header[1] = "Name";
        header[2] = "Variance";
        header[3] = "Std.Dev.";
        for (int j = 0; j < corrColumns; j++) header[4 + j] = j == 0 ? "Corr" : "";
        var widths = header.Select((h, j) => Math.Max(h.Length, rows.Max(r => r[j].Length))).ToArray();
        void Line(string[] cells)
        {
            for (int j = 0; j < cells.Length; j++) sb.Append(' ').Append(cells[j].PadRight(widths[j]));
            sb.Append('\n');
        }
        Line(header);
        foreach (var row in rows) Line(row);
    }

    /// <summary>printCoefmat's stars (symnum's right-closed intervals), left-justified in three characters.</summary>
    private static string Stars(double p) =>
        (double.IsNaN(p) ? "" : p <= 0.001 ? "***" : p <= 0.01 ? "**" : p <= 0.05 ? "*" : p <= 0.1 ? "." : " ").PadRight(3);

    /// <summary>
    /// R's <c>format.pval(p, digits)</c> (R 4.2): p-values from 1e-4 up formatted together in fixed notation, smaller
    /// ones together by <c>format</c>'s rule, and values below machine epsilon as "&lt; 2e-16" ("&lt;2e-16" beside short ones).
    /// </summary>
    internal static string[] FormatPValues(double[] p, int digits)
    {
        const double Eps = 2.220446049250313e-16;
        var result = new string[p.Length];
        var fixedIdx = new List<int>();
        var sciIdx = new List<int>();
        for (int i = 0; i < p.Length; i++)
        {
            if (double.IsNaN(p[i]))
            {
                result[i] = "NA";
                continue;
            }
            if (p[i] < Eps) continue;
            int expo = (int)Math.Floor(Math.Log10(p[i] > 0 ? p[i] : 1e-50));
            if (expo >= -3 || (expo == -4 && digits > 1)) fixedIdx.Add(i);
            else sciIdx.Add(i);
        }
        foreach (var group in new[] { fixedIdx, sciIdx })
        {
            if (group.Count == 0) continue;
            var text = RFormat.Format(group.Select(i => p[i]).ToArray(), digits);
            for (int k = 0; k < group.Count; k++) result[group[k]] = text[k];
        }
        var zero = Enumerable.Range(0, p.Length).Where(i => !double.IsNaN(p[i]) && p[i] < Eps).ToArray();
        if (zero.Length > 0)
        {
            int d = Math.Max(1, digits - 2);
            string sep;
            if (fixedIdx.Count + sciIdx.Count > 0)
            {
                int nc = fixedIdx.Concat(sciIdx).Max(i => result[i].Length);
                if (d > 1 && d + 6 > nc) d = Math.Max(1, nc - 7);
                sep = d == 1 && nc <= 6 ? "" : " ";
            }
            else
            {
                sep = d == 1 ? "" : " ";
            }
            string eps = RFormat.Format(Eps, d).Trim();
            foreach (int i in zero) result[i] = "<" + sep + eps;
        }
        return result;
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == name) return i;
        return -1;
    }

    private static void AppendFixedEffects(StringBuilder sb, FitResult fit)
    {
        var fe = fit.FixedEffects;
        int p = fe.Count;
        if (p == 0)
        {
            sb.Append("No fixed effect coefficients\n");
            return;
        }
        sb.Append("\nFixed effects:\n");
        // printCoefmat: estimates and standard errors rounded and formatted together; t values rounded to 3 decimals.
        var coefSe = fe.Select(f => f.Estimate).Concat(fe.Select(f => f.StandardError)).ToArray();
        var nonzero = coefSe.Where(v => double.IsFinite(v) && v != 0).Select(Math.Abs).ToArray();
        int digMin = nonzero.Length == 0 ? 1 : 1 + (int)Math.Floor(Math.Log10(nonzero.Min()));
        int decimals = Math.Max(1, Digits - digMin);
        var coefText = RFormat.Format(coefSe.Select(v => RFormat.Round(v, decimals)).ToArray(), Digits);
        var tText = RFormat.Format(fe.Select(f => RFormat.Round(f.Statistic, 3)).ToArray(), Digits);
        // glmer adds Wald z tests: Pr(>|z|) by R's format.pval and, when any p < 0.1, the significance stars.
        bool z = fit.IsGeneralized;
        var pValues = z ? fe.Select(f => 2 * Inference.Distributions.NormalUpper(Math.Abs(f.Statistic))).ToArray() : [];
        bool stars = z && pValues.Any(v => v < 0.1);
        string[] header = z
            ? stars ? ["Estimate", "Std. Error", "z value", "Pr(>|z|)", ""] : ["Estimate", "Std. Error", "z value", "Pr(>|z|)"]
            : ["Estimate", "Std. Error", "t value"];
        var pText = z ? FormatPValues(pValues, Digits - 1) : [];
        var cells = new string[p][];
        for (int i = 0; i < p; i++)
        {
            cells[i] = z
                ? stars ? [coefText[i], coefText[p + i], tText[i], pText[i], Stars(pValues[i])] : [coefText[i], coefText[p + i], tText[i], pText[i]]
                : [coefText[i], coefText[p + i], tText[i]];
        }
        int nameWidth = fe.Max(f => f.Term.Length);
        var widths = header.Select((h, j) => Math.Max(h.Length, cells.Max(r => r[j].Length))).ToArray();
        sb.Append(new string(' ', nameWidth));
        for (int j = 0; j < header.Length; j++) sb.Append(' ').Append(header[j].PadLeft(widths[j]));
        sb.Append('\n');
        for (int i = 0; i < p; i++)
        {
            sb.Append(fe[i].Term.PadRight(nameWidth));
            for (int j = 0; j < header.Length; j++) sb.Append(' ').Append(cells[i][j].PadLeft(widths[j]));
            sb.Append('\n');
        }
        if (stars) sb.Append("---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n");
        if (p == 1) return;
        if (p > 12)
        {
            sb.Append(string.Create(s_inv, $"\nCorrelation matrix not shown by default, as p = {p} > 12.\n"));
            return;
        }
        sb.Append("\nCorrelation of Fixed Effects:\n");
        var v = fit.FixedEffectsCovariance;
        var values = new List<double>();
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) values.Add(RFormat.Round(v[i, j] / Math.Sqrt(v[i, i] * v[j, j]), 3));
        var text = RFormat.Format(values.ToArray(), 7, nsmall: 3);
        var rowNames = fe.Skip(1).Select(f => RFormat.Abbreviate(f.Term, 11)).ToArray();
        var colNames = fe.Take(p - 1).Select(f => RFormat.Abbreviate(f.Term, 6)).ToArray();
        int rowWidth = rowNames.Max(n => n.Length);
        var colWidths = new int[p - 1];
        for (int j = 0; j < p - 1; j++) colWidths[j] = Math.Max(colNames[j].Length, text[0].Length);
        sb.Append(new string(' ', rowWidth));
        for (int j = 0; j < p - 1; j++) sb.Append(' ').Append(colNames[j].PadRight(colWidths[j]));
        sb.Append('\n');
        for (int i = 1; i < p; i++)
        {
            sb.Append(rowNames[i - 1].PadRight(rowWidth));
            for (int j = 0; j < p - 1; j++) sb.Append(' ').Append((j < i ? text[(i * p) + j] : "").PadRight(colWidths[j]));
            sb.Append('\n');
        }
    }
}
