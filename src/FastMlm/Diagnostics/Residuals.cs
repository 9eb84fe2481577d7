using System.Globalization;
using FastMlm.Models;

namespace FastMlm.Diagnostics;

/// <summary>The scaled residuals against the fitted values, lme4's <c>plot(fit)</c>.</summary>
/// <param name="Fitted">The conditional fitted values Xβ̂ + Zb̂ (<see cref="ResidualTable.Fitted"/>), in observation order.</param>
/// <param name="Residual">The scaled residuals (y − ŷ)/σ̂ (<see cref="ResidualTable.Pearson"/>).</param>
/// <param name="Labels">Each observation's data row and the level of the first grouping factor.</param>
/// <param name="Outliers">The observations named by <see cref="Outliers"/>, judged by the scaled residual.</param>
public sealed record ResidualFittedPoints(IReadOnlyList<double> Fitted, IReadOnlyList<double> Residual, IReadOnlyList<string> Labels,
    IReadOnlyList<LabelledPoint> Outliers);

/// <summary>The residual plots' data, from <see cref="ResidualTable"/>.</summary>
public static class Residuals
{
    /// <summary>The points of the residuals-against-fitted plot.</summary>
    public static ResidualFittedPoints AgainstFitted(FitResult fit, int maxLabels = Outliers.DefaultMaxLabels)
    {
        var table = Table(fit);
        var labels = Labels(fit, table);
        return new ResidualFittedPoints(table.Fitted, table.Pearson, labels, Outliers.Find(table.Fitted, table.Pearson, labels, maxLabels));
    }

    /// <summary>The residual table of a linear fit.</summary>
    internal static ResidualTable Table(FitResult fit)
    {
        CheckLinear(fit);
        return ResidualTable.Compute(fit);
    }

    /// <summary>"row 57, Subject 332": the observation's data row (from 1) and its level of the first grouping factor.</summary>
    internal static string[] Labels(FitResult fit, ResidualTable table)
    {
        var design = fit.Design;
        var term = design.RandomTerms.Count > 0 ? design.RandomTerms[0] : null;
        var labels = new string[table.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            string row = string.Create(CultureInfo.InvariantCulture, $"row {table.Rows[i]}");
            labels[i] = term is null ? row : $"{row}, {term.GroupName} {term.Grouping.Levels[term.Grouping.Codes[i]]}";
        }
        return labels;
    }

    /// <summary>The plots of residuals, modes, lines and profiles are of linear mixed models.</summary>
    /// <exception cref="ModelException">The fit is a generalized linear mixed model.</exception>
    internal static void CheckLinear(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.IsGeneralized) throw new ModelException("diagnostic plots are for linear mixed models; this fit is a generalized linear mixed model");
    }
}
