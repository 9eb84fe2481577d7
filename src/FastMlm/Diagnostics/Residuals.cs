using System.Globalization;
using FastMlm.Models;

namespace FastMlm.Diagnostics;

/// <summary>
/// The residuals against the fitted values, lme4's <c>plot(fit)</c>: of a linear model the scaled residuals against
/// Xβ̂ + Zb̂, of a GLMM the Pearson residuals against the linear predictor η̂ (as <c>plot(glmer)</c>).
/// </summary>
/// <param name="Fitted">The horizontal positions, in observation order: the conditional fitted values Xβ̂ + Zb̂
/// (<see cref="ResidualTable.Fitted"/>), or a GLMM's linear predictor η̂ (<see cref="GlmmResidualTable.LinearPredictor"/>).</param>
/// <param name="Residual">The scaled residuals (y − ŷ)/σ̂ (<see cref="ResidualTable.Pearson"/>), or a GLMM's Pearson residuals (<see cref="GlmmResidualTable.Pearson"/>).</param>
/// <param name="Labels">Each observation's data row and the level of the first grouping factor.</param>
/// <param name="Outliers">The observations named by <see cref="Outliers"/>, judged by the residual.</param>
public sealed record ResidualFittedPoints(IReadOnlyList<double> Fitted, IReadOnlyList<double> Residual, IReadOnlyList<string> Labels,
    IReadOnlyList<LabelledPoint> Outliers)
{
    /// <summary>The plot's title.</summary>
    public string Title { get; init; } = "Scaled residuals against fitted values";

    /// <summary>What the horizontal axis shows.</summary>
    public string FittedLabel { get; init; } = "Fitted values";

    /// <summary>What the vertical axis shows (and the panel the outliers are named in).</summary>
    public string ResidualLabel { get; init; } = "Scaled residuals";
}

/// <summary>The residual plots' data, from <see cref="ResidualTable"/>.</summary>
public static class Residuals
{
    /// <summary>The points of the residuals-against-fitted plot.</summary>
    public static ResidualFittedPoints AgainstFitted(FitResult fit, int maxLabels = Outliers.DefaultMaxLabels)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.IsGeneralized)
        {
            var glmm = GlmmResidualTable.Compute(fit);
            var glmmLabels = Labels(fit, glmm.Rows);
            return new ResidualFittedPoints(glmm.LinearPredictor, glmm.Pearson, glmmLabels, Outliers.Find(glmm.LinearPredictor, glmm.Pearson, glmmLabels, maxLabels))
            {
                Title = "Pearson residuals against the linear predictor",
                FittedLabel = $"Linear predictor η̂ = Xβ̂ + Zb̂ ({LinkScale(fit)})",
                ResidualLabel = "Pearson residuals",
            };
        }
        var table = ResidualTable.Compute(fit);
        var labels = Labels(fit, table.Rows);
        return new ResidualFittedPoints(table.Fitted, table.Pearson, labels, Outliers.Find(table.Fitted, table.Pearson, labels, maxLabels));
    }

    /// <summary>"row 57, Subject 332": each observation's data row (from 1) and its level of the first grouping factor.</summary>
    internal static string[] Labels(FitResult fit, IReadOnlyList<int> rows)
    {
        var design = fit.Design;
        var term = design.RandomTerms.Count > 0 ? design.RandomTerms[0] : null;
        var labels = new string[rows.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            string row = string.Create(CultureInfo.InvariantCulture, $"row {rows[i]}");
            labels[i] = term is null ? row : $"{row}, {term.GroupName} {term.Grouping.Levels[term.Grouping.Codes[i]]}";
        }
        return labels;
    }

    /// <summary>The scale of a GLMM's linear predictor and conditional modes, <c>logit scale</c>; null for a linear model.</summary>
    internal static string? LinkScale(FitResult fit) => fit.IsGeneralized ? $"{fit.Link} scale" : null;

    /// <summary>Refuses a GLMM for a plot defined here for linear mixed models only.</summary>
    /// <param name="fit">The fit.</param>
    /// <param name="refusal">Why the plot is not available for a GLMM (the start of the message).</param>
    /// <exception cref="ModelException">The fit is a generalized linear mixed model.</exception>
    internal static void CheckLinear(FitResult fit, string refusal)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.IsGeneralized) throw new ModelException($"{refusal} (this fit is a {fit.Family.RName()} GLMM)");
    }
}
