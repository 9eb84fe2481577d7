using System.Globalization;
using FastMlm.Diagnostics;
using FastMlm.Models;
using ScottPlot;

namespace FastMlm.Plots;

/// <summary>
/// Draws the diagnostic plots' data (<see cref="FastMlm.Diagnostics"/>) as figures; the only place that knows ScottPlot.
/// Every line is solid (reference lines told apart by colour and width): Skia's SVG writer cannot draw dashes.
/// </summary>
public static class Charts
{
    private const int PanelWidth = 520;
    private const int PanelHeight = 420;
    private const int MaxLevelTicks = 80;
    private static readonly Color s_points = new(31, 119, 180);
    private static readonly Color s_outlier = new(214, 39, 40);
    private static readonly Color s_own = new(255, 127, 14);
    private static readonly Color s_reference = new(90, 90, 90);

    /// <summary>The QQ plot of the residuals (a linear model's scaled residuals, a GLMM's deviance residuals), its outliers named.</summary>
    public static Figure QqResiduals(QqSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return new Figure([QqPanel(series, series.Title)], 1, PanelWidth, PanelHeight);
    }

    /// <summary>One QQ plot per random-effect column (lme4's <c>qqmath(ranef(fit))</c>), outlying levels named.</summary>
    public static Figure QqRandomEffects(IReadOnlyList<QqSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return new Figure(series.Select(s => QqPanel(s, $"Conditional mode: {s.Column}" + (s.Scale is null ? "" : $" ({s.Scale})"))).ToArray(),
            Math.Min(series.Count, 3), PanelWidth, PanelHeight);
    }

    /// <summary>Residuals against fitted values (lme4's <c>plot(fit)</c>; a GLMM's Pearson residuals against η̂), outliers named.</summary>
    public static Figure ResidualsFitted(ResidualFittedPoints points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var plt = Panel(points.Title, points.FittedLabel, points.ResidualLabel);
        plt.Add.HorizontalLine(0, 1, s_reference, LinePattern.Solid);
        plt.Add.Markers(points.Fitted.ToArray(), points.Residual.ToArray(), MarkerShape.FilledCircle, 5, s_points.WithAlpha(0.7));
        Label(plt, points.Outliers);
        return new Figure([plt], 1, PanelWidth, PanelHeight);
    }

    /// <summary>Each random-effect column's modes with their intervals, sorted (lme4's <c>dotplot(ranef(fit, condVar = TRUE))</c>).</summary>
    public static Figure Caterpillar(IReadOnlyList<CaterpillarPanel> panels, double level)
    {
        ArgumentNullException.ThrowIfNull(panels);
        string percent = (level * 100).ToString("0.###", CultureInfo.InvariantCulture);
        var plots = new List<Plot>();
        foreach (var p in panels)
        {
            var plt = Panel($"{p.Group}: {p.Column}", $"Conditional mode with {percent}% interval" + (p.Scale is null ? "" : $" ({p.Scale})"), p.Group);
            plt.Add.VerticalLine(0, 1, s_reference, LinePattern.Solid);
            for (int i = 0; i < p.Rows.Count; i++)
            {
                var line = plt.Add.Line(p.Rows[i].Lower, i, p.Rows[i].Upper, i);
                line.Color = s_points.WithAlpha(0.6);
                line.LineWidth = 1.5f;
            }
            plt.Add.Markers(p.Rows.Select(r => r.Mode).ToArray(), Enumerable.Range(0, p.Rows.Count).Select(i => (double)i).ToArray(),
                MarkerShape.FilledCircle, 5, s_points);
            LevelTicks(plt.Axes.Left, p.Rows.Select(r => r.Level).ToArray());
            plots.Add(plt);
        }
        int rows = panels.Count == 0 ? 0 : panels.Max(p => p.Rows.Count);
        return new Figure(plots, Math.Min(plots.Count, 3), PanelWidth, Math.Max(PanelHeight, (14 * rows) + 120));
    }

    /// <summary>Gelman &amp; Hill's binned residual plot: each bin's mean residual against its mean linear predictor, with ±2 standard errors.</summary>
    public static Figure BinnedResiduals(BinnedResidualsData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var plt = Panel("Binned residuals", data.PredictorLabel, "Mean residual y − μ̂ in the bin");
        plt.Add.HorizontalLine(0, 1, s_reference, LinePattern.Solid);
        var x = data.Bins.Select(b => b.MeanPredictor).ToArray();
        foreach (int sign in new[] { 1, -1 })
        {
            var band = plt.Add.ScatterLine(x, data.Bins.Select(b => sign * 2 * b.StandardError).ToArray(), s_reference.WithAlpha(0.7));
            band.LineWidth = 1;
            if (sign == 1) band.LegendText = "±2 standard errors";
        }
        plt.Add.Markers(x, data.Bins.Select(b => b.MeanResidual).ToArray(), MarkerShape.FilledCircle, 6, s_points);
        var outside = data.Bins.Where(b => b.Outside).ToArray();
        if (outside.Length > 0) plt.Add.Markers(outside.Select(b => b.MeanPredictor).ToArray(), outside.Select(b => b.MeanResidual).ToArray(), MarkerShape.FilledCircle, 7, s_outlier);
        plt.ShowLegend(Edge.Right);
        return new Figure([plt], 1, PanelWidth + 160, PanelHeight);
    }

    /// <summary>The predicted line of every group, the highlighted ones in colour with their observations, the rest faint, and the population line.</summary>
    public static Figure GroupLines(GroupLinesData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var plt = Panel($"{data.ResponseName} by {data.XName}: a predicted line per {data.Factor}", data.XName, data.ResponseName);
        foreach (var line in data.Lines.Where(l => !l.Highlighted))
        {
            var s = plt.Add.ScatterLine(line.X.ToArray(), line.Y.ToArray(), s_reference.WithAlpha(0.25));
            s.LineWidth = 1;
        }
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var line in data.Lines.Where(l => l.Highlighted))
        {
            var color = palette.GetColor(k++);
            var s = plt.Add.ScatterLine(line.X.ToArray(), line.Y.ToArray(), color);
            s.LineWidth = 2;
            s.LegendText = line.Level;
            var obs = data.Observations.Where(o => o.Level == line.Level).ToArray();
            plt.Add.Markers(obs.Select(o => o.X).ToArray(), obs.Select(o => o.Y).ToArray(), MarkerShape.FilledCircle, 4, color.WithAlpha(0.6));
        }
        var population = plt.Add.ScatterLine(data.Population.X.ToArray(), data.Population.Y.ToArray(), Colors.Black);
        population.LineWidth = 3;
        population.LegendText = "population (fixed effects)";
        plt.ShowLegend(Edge.Right);
        return new Figure([plt], 1, 900, 520);
    }

    /// <summary>
    /// No, complete and partial pooling per group (<see cref="PoolingTable"/>): for one column the estimates per level,
    /// for two or more the first two columns against each other, each group's own estimate joined to its partial-pooling one.
    /// </summary>
    public static Figure Pooling(PoolingTable pooling)
    {
        ArgumentNullException.ThrowIfNull(pooling);
        var levels = pooling.Levels;
        Plot plt;
        if (pooling.Columns.Count == 1)
        {
            var order = Enumerable.Range(0, levels.Count)
                .OrderBy(l => double.IsNaN(levels[l].NoPooling[0]) ? levels[l].PartialPooling[0] : levels[l].NoPooling[0]).ToArray();
            plt = Panel($"{pooling.Columns[0]} per {pooling.Factor}: no, complete and partial pooling", pooling.Factor, pooling.Columns[0]);
            var complete = plt.Add.HorizontalLine(pooling.CompletePooling[0], 2, Colors.Black, LinePattern.Solid);
            complete.LegendText = "complete pooling";
            var own = new List<Coordinates>();
            var partial = new List<Coordinates>();
            for (int i = 0; i < order.Length; i++)
            {
                var l = levels[order[i]];
                partial.Add(new Coordinates(i, l.PartialPooling[0]));
                if (double.IsNaN(l.NoPooling[0])) continue;
                own.Add(new Coordinates(i, l.NoPooling[0]));
                Segment(plt, i, l.NoPooling[0], i, l.PartialPooling[0]);
            }
            Points(plt, own, s_own, "no pooling (own OLS)");
            Points(plt, partial, s_points, "partial pooling (model)");
            LevelTicks(plt.Axes.Bottom, order.Select(o => levels[o].Level).ToArray());
        }
        else
        {
            plt = Panel($"{pooling.Factor}: no, complete and partial pooling", pooling.Columns[0], pooling.Columns[1]);
            var own = new List<Coordinates>();
            var partial = new List<Coordinates>();
            foreach (var l in levels)
            {
                partial.Add(new Coordinates(l.PartialPooling[0], l.PartialPooling[1]));
                if (double.IsNaN(l.NoPooling[0]) || double.IsNaN(l.NoPooling[1])) continue;
                own.Add(new Coordinates(l.NoPooling[0], l.NoPooling[1]));
                Segment(plt, l.NoPooling[0], l.NoPooling[1], l.PartialPooling[0], l.PartialPooling[1]);
            }
            Points(plt, own, s_own, "no pooling (own OLS)");
            Points(plt, partial, s_points, "partial pooling (model)");
            var complete = plt.Add.Markers(new[] { pooling.CompletePooling[0] }, new[] { pooling.CompletePooling[1] }, MarkerShape.FilledDiamond, 14, Colors.Black);
            complete.LegendText = "complete pooling";
        }
        plt.ShowLegend(Edge.Right);
        return new Figure([plt], 1, 900, 520);
    }

    /// <summary>Each parameter's profile ζ against its value, with ±z of <paramref name="level"/> and the estimate marked.</summary>
    public static Figure Profile(IReadOnlyList<ProfileCurve> curves, double level)
    {
        ArgumentNullException.ThrowIfNull(curves);
        double z = Inference.Distributions.NormalQuantile(0.5 + (level / 2));
        var plots = new List<Plot>();
        foreach (var c in curves)
        {
            string title = c.Parameter == c.Description ? c.Parameter : $"{c.Parameter}: {c.Description}";
            var plt = Panel(title, c.Description, "ζ");
            plt.Add.HorizontalLine(z, 1, s_reference.WithAlpha(0.6), LinePattern.Solid);
            plt.Add.HorizontalLine(-z, 1, s_reference.WithAlpha(0.6), LinePattern.Solid);
            plt.Add.HorizontalLine(0, 1, s_reference.WithAlpha(0.4));
            plt.Add.VerticalLine(c.Estimate, 1, s_outlier, LinePattern.Solid);
            var line = plt.Add.Scatter(c.Values.ToArray(), c.Zeta.ToArray(), s_points);
            line.LineWidth = 2;
            line.MarkerSize = 5;
            plots.Add(plt);
        }
        return new Figure(plots, Math.Min(plots.Count, 3), 400, 340);
    }

    /// <summary>The density of each parameter's bootstrap replicates, with the estimate marked.</summary>
    public static Figure Bootstrap(IReadOnlyList<BootstrapDensity> densities)
    {
        ArgumentNullException.ThrowIfNull(densities);
        var plots = new List<Plot>();
        foreach (var d in densities)
        {
            string note = double.IsNaN(d.Bandwidth)
                ? string.Create(CultureInfo.InvariantCulture, $"{d.Replicates:N0} replicates, all equal")
                : string.Create(CultureInfo.InvariantCulture, $"{d.Replicates:N0} replicates, bandwidth {d.Bandwidth:G3}");
            var plt = Panel(d.Parameter, note, "density");
            if (d.X.Count > 0)
            {
                var line = plt.Add.ScatterLine(d.X.ToArray(), d.Density.ToArray(), s_points);
                line.LineWidth = 2;
            }
            plt.Add.VerticalLine(d.Estimate, 1.5f, s_outlier, LinePattern.Solid);
            plots.Add(plt);
        }
        return new Figure(plots, Math.Min(plots.Count, 3), 400, 320);
    }

    private static Plot QqPanel(QqSeries s, string yLabel)
    {
        var plt = Panel(s.Group is null ? "Normal QQ plot of the scaled residuals" : $"Normal QQ plot: {s.Title}", "Standard normal quantiles", yLabel);
        if (s.Theoretical.Count > 0 && double.IsFinite(s.LineSlope))
        {
            double a = s.Theoretical[0], b = s.Theoretical[^1];
            var line = plt.Add.Line(a, s.LineIntercept + (s.LineSlope * a), b, s.LineIntercept + (s.LineSlope * b));
            line.Color = s_reference;
        }
        plt.Add.Markers(s.Theoretical.ToArray(), s.Sample.ToArray(), MarkerShape.FilledCircle, 5, s_points.WithAlpha(0.8));
        Label(plt, s.Outliers);
        return plt;
    }

    private static Plot Panel(string title, string xLabel, string yLabel)
    {
        var plt = new Plot();
        plt.Title(title, 14);
        plt.XLabel(xLabel, 12);
        plt.YLabel(yLabel, 12);
        return plt;
    }

    private static void Label(Plot plt, IReadOnlyList<LabelledPoint> outliers)
    {
        if (outliers.Count == 0) return;
        plt.Add.Markers(outliers.Select(o => o.X).ToArray(), outliers.Select(o => o.Y).ToArray(), MarkerShape.FilledCircle, 7, s_outlier);
        int above = 0, below = 0; // labels on one side stacked a line apart, so that neighbours do not overwrite each other
        foreach (var o in outliers)
        {
            var text = plt.Add.Text(o.Label, o.X, o.Y);
            text.LabelFontSize = 11;
            text.LabelFontColor = s_outlier;
            text.LabelAlignment = o.Z > 0 ? Alignment.UpperRight : Alignment.LowerLeft;
            text.OffsetX = o.Z > 0 ? -6 : 6;
            text.OffsetY = o.Z > 0 ? 13 * above++ : -13 * below++;
        }
    }

    private static void Segment(Plot plt, double x1, double y1, double x2, double y2)
    {
        var line = plt.Add.Line(x1, y1, x2, y2);
        line.Color = s_reference.WithAlpha(0.5);
        line.LineWidth = 1;
    }

    private static void Points(Plot plt, List<Coordinates> points, Color color, string legend)
    {
        var markers = plt.Add.Markers(points, MarkerShape.FilledCircle, 6, color);
        markers.LegendText = legend;
    }

    /// <summary>Level names as the ticks 0, 1, 2, … of an axis, when there are few enough to read.</summary>
    private static void LevelTicks(ScottPlot.IAxis axis, string[] levels)
    {
        if (levels.Length > MaxLevelTicks) return;
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, levels.Length).Select(i => (double)i).ToArray(), levels);
    }
}
