using FastMlm.Data;
using FastMlm.Diagnostics;
using FastMlm.Models;

namespace FastMlm.Plots;

/// <summary>What a plot of <see cref="DiagnosticFigures.Create"/> is asked for, beyond its kind.</summary>
public sealed class PlotRequest
{
    /// <summary><c>group-lines</c>: the data column along the horizontal axis (null: <see cref="GroupLines.DefaultX"/>).</summary>
    public string? X { get; init; }

    /// <summary><c>group-lines</c>, <c>pooling</c>: the grouping factor (null: the first random-effects term's).</summary>
    public string? Factor { get; init; }

    /// <summary><c>group-lines</c>: the levels to highlight (empty: a sample drawn with <see cref="Seed"/>).</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary><c>group-lines</c>: the seed of the sample of groups highlighted.</summary>
    public int Seed { get; init; } = 1;

    /// <summary><c>caterpillar</c>, <c>profile</c>: the confidence level of the intervals.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary><c>bootstrap</c>: the replicates (the output of <c>fastmlm bootstrap --out</c>).</summary>
    public DataFrame? Replicates { get; init; }

    /// <summary><c>profile</c>: called with (parameters done, parameters in all).</summary>
    public Action<int, int>? Progress { get; init; }
}

/// <summary>A point a plot names, with the panel it stands in.</summary>
/// <param name="Panel">The panel (<c>Scaled residuals</c>, <c>Subject: (Intercept)</c>).</param>
/// <param name="Point">The point.</param>
public sealed record NamedOutlier(string Panel, LabelledPoint Point);

/// <summary>A drawn plot and the points it names.</summary>
/// <param name="Figure">The figure.</param>
/// <param name="Outliers">The outliers labelled in it (QQ and residual plots), largest |z| first within each panel.</param>
public sealed record PlotResult(Figure Figure, IReadOnlyList<NamedOutlier> Outliers);

/// <summary>
/// The plot kinds of <c>fastmlm plot --kind</c>, each from a fitted mixed model. GLMMs have all but <c>pooling</c>,
/// <c>profile</c> and <c>bootstrap</c> (refused with the reason), and <c>qq-residuals</c> of a 0/1 response.
/// </summary>
public static class DiagnosticFigures
{
    /// <summary>The kinds, in the order the help lists them.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
        ["qq-residuals", "residuals-fitted", "binned-residuals", "qq-ranef", "caterpillar", "group-lines", "pooling", "profile", "bootstrap"];

    /// <summary>Computes the plot's data from <paramref name="fit"/> and draws it.</summary>
    /// <exception cref="ArgumentException">An unknown kind, or <c>bootstrap</c> without replicates.</exception>
    /// <exception cref="FastMlmException">The data cannot be computed (a GLMM, an unknown factor, level or column).</exception>
    public static PlotResult Create(string kind, FitResult fit, PlotRequest? request = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        request ??= new PlotRequest();
        switch (kind)
        {
            case "qq-residuals":
            {
                var qq = QqPlots.Residuals(fit);
                return new PlotResult(Charts.QqResiduals(qq), Named(qq.Title, qq.Outliers));
            }
            case "residuals-fitted":
            {
                var points = Residuals.AgainstFitted(fit);
                return new PlotResult(Charts.ResidualsFitted(points), Named(points.ResidualLabel, points.Outliers));
            }
            case "binned-residuals":
                return new PlotResult(Charts.BinnedResiduals(BinnedResiduals.Compute(fit)), []);
            case "qq-ranef":
            {
                var series = QqPlots.RandomEffects(fit);
                return new PlotResult(Charts.QqRandomEffects(series), series.SelectMany(s => Named(s.Title, s.Outliers)).ToArray());
            }
            case "caterpillar":
                return new PlotResult(Charts.Caterpillar(Caterpillar.Compute(fit, request.Level), request.Level), []);
            case "group-lines":
                return new PlotResult(Charts.GroupLines(GroupLines.Compute(fit, request.X, request.Factor, request.Groups, request.Seed)), []);
            case "pooling":
                return new PlotResult(Charts.Pooling(PoolingTable.Compute(fit, request.Factor)), []);
            case "profile":
                return new PlotResult(Charts.Profile(ProfileCurves.Compute(fit, request.Level, progress: request.Progress), request.Level), []);
            case "bootstrap":
                var replicates = request.Replicates ?? throw new ArgumentException("the bootstrap plot needs the replicates", nameof(request));
                return new PlotResult(Charts.Bootstrap(BootstrapDensities.Compute(fit, replicates)), []);
            default:
                throw new ArgumentException($"'{kind}' is not a plot kind: use one of {string.Join(", ", Kinds)}", nameof(kind));
        }
    }

    private static NamedOutlier[] Named(string panel, IReadOnlyList<LabelledPoint> points) => points.Select(p => new NamedOutlier(panel, p)).ToArray();
}
