using FastMlm.Inference;
using FastMlm.Models;

namespace FastMlm.Diagnostics;

/// <summary>
/// A normal quantile–quantile plot: the sorted values against the normal quantiles of R's <c>ppoints</c>, with the
/// reference line through the quartiles (R's <c>qqline</c>) and the outliers <see cref="Outliers"/> names.
/// </summary>
/// <param name="Title">What is plotted (<c>Scaled residuals</c>, <c>Subject: Days</c>).</param>
/// <param name="Group">lme4's group name for random effects (<c>Subject</c>, <c>g.1</c>); null for residuals.</param>
/// <param name="Column">The random-effect column (<c>(Intercept)</c>, <c>Days</c>); null for residuals.</param>
/// <param name="Theoretical">The normal quantiles Φ⁻¹((i − a)/(n + 1 − 2a)), a = 3/8 for n ≤ 10 and 1/2 above, ascending.</param>
/// <param name="Sample">The values, ascending.</param>
/// <param name="Labels">Each sorted value's label: its level, or its data row and group.</param>
/// <param name="LineIntercept">The intercept of the line through the first and third quartiles.</param>
/// <param name="LineSlope">Its slope.</param>
/// <param name="Outliers">The points named, the largest |z| first.</param>
public sealed record QqSeries(string Title, string? Group, string? Column, IReadOnlyList<double> Theoretical, IReadOnlyList<double> Sample,
    IReadOnlyList<string> Labels, double LineIntercept, double LineSlope, IReadOnlyList<LabelledPoint> Outliers)
{
    /// <summary>The scale of the values when it is not the response's: a GLMM's conditional modes are on the link scale (<c>logit scale</c>); else null.</summary>
    public string? Scale { get; init; }
}

/// <summary>
/// The QQ plots of a mixed model: of its residuals (a linear model's scaled residuals, a GLMM's deviance residuals), and of
/// the conditional modes of each random-effect column.
/// </summary>
public static class QqPlots
{
    /// <summary>
    /// The QQ plot of the residuals, each labelled by its data row and the level of the first grouping factor: of a
    /// linear model the scaled (Pearson) residuals (y − ŷ)/σ̂ (<see cref="ResidualTable.Pearson"/>, lme4's "Scaled
    /// residuals"); of a GLMM the deviance residuals (<see cref="GlmmResidualTable.Deviance"/>), near normal for counts
    /// and for successes out of several trials.
    /// </summary>
    /// <exception cref="ModelException">A binary (0/1) response, whose residuals' quantiles carry no information.</exception>
    public static QqSeries Residuals(FitResult fit, int maxLabels = Outliers.DefaultMaxLabels)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.IsGeneralized)
        {
            var glmm = GlmmResidualTable.Compute(fit);
            if (glmm.IsBinary)
            {
                throw new ModelException("a QQ plot of the residuals of a 0/1 response carries no information (given its fitted probability each residual takes one of two values): use --kind binned-residuals, or qq-ranef for the groups");
            }
            return Build("Deviance residuals", null, null, glmm.Deviance, Diagnostics.Residuals.Labels(fit, glmm.Rows), maxLabels);
        }
        var table = ResidualTable.Compute(fit);
        return Build("Scaled residuals", null, null, table.Pearson, Diagnostics.Residuals.Labels(fit, table.Rows), maxLabels);
    }

    /// <summary>
    /// One QQ plot per random-effects term and column (lme4's <c>qqmath(ranef(fit))</c>): the conditional modes of the
    /// levels; a GLMM's are on the link scale (<see cref="QqSeries.Scale"/>).
    /// </summary>
    public static IReadOnlyList<QqSeries> RandomEffects(FitResult fit, int maxLabels = Outliers.DefaultMaxLabels)
    {
        ArgumentNullException.ThrowIfNull(fit);
        string? scale = Diagnostics.Residuals.LinkScale(fit);
        var result = new List<QqSeries>();
        foreach (var table in fit.RandomEffects)
        {
            for (int c = 0; c < table.Columns.Count; c++)
            {
                var modes = Enumerable.Range(0, table.Levels.Count).Select(l => table.Value(l, c)).ToArray();
                result.Add(Build($"{table.Group}: {table.Columns[c]}", table.Group, table.Columns[c], modes, table.Levels, maxLabels) with { Scale = scale });
            }
        }
        return result;
    }

    /// <summary>R's <c>ppoints(n)</c> mapped through Φ⁻¹: the expected positions of n sorted normal values.</summary>
    public static double[] NormalScores(int n)
    {
        double a = n <= 10 ? 3.0 / 8 : 0.5;
        return Enumerable.Range(1, n).Select(i => Distributions.NormalQuantile((i - a) / (n + 1 - (2 * a)))).ToArray();
    }

    private static QqSeries Build(string title, string? group, string? column, IReadOnlyList<double> values, IReadOnlyList<string> labels, int maxLabels)
    {
        var order = Enumerable.Range(0, values.Count).Where(i => double.IsFinite(values[i])).OrderBy(i => values[i]).ToArray();
        var sample = order.Select(i => values[i]).ToArray();
        var sortedLabels = order.Select(i => labels[i]).ToArray();
        var theoretical = NormalScores(sample.Length);
        double slope = double.NaN, intercept = double.NaN;
        if (sample.Length >= 2)
        {
            double q1 = Simulation.BootstrapResult.Quantile(sample, 0.25), q3 = Simulation.BootstrapResult.Quantile(sample, 0.75);
            double z1 = Distributions.NormalQuantile(0.25), z3 = Distributions.NormalQuantile(0.75);
            slope = (q3 - q1) / (z3 - z1);
            intercept = q1 - (slope * z1);
        }
        return new QqSeries(title, group, column, theoretical, sample, sortedLabels, intercept, slope,
            Outliers.Find(theoretical, sample, sortedLabels, maxLabels));
    }
}
