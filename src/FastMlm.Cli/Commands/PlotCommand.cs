using System.CommandLine;
using System.Globalization;
using FastMlm.Data;
using FastMlm.Diagnostics;
using FastMlm.Plots;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm plot</c>: one diagnostic picture of a fitted model, as SVG or PNG.</summary>
internal static class PlotCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = ModelInputs.FormulaOption();
        var kind = CommandOutput.OneOf(new Option<string>("--kind", "-k")
        {
            Description = "The picture: " + string.Join(", ", DiagnosticFigures.Kinds) + ".",
            Required = true,
        }, [.. DiagnosticFigures.Kinds]);
        var output = new Option<string>("--out", "-o") { Description = "The picture's file: FILE.svg or FILE.png (written whole or not at all).", Required = true, HelpName = "FILE" };
        var width = new Option<int>("--width") { Description = "Width in pixels (default: by the number of panels)." };
        var height = new Option<int>("--height") { Description = "Height in pixels (default: by the number of panels and levels)." };
        var x = new Option<string?>("--x") { Description = "group-lines: the numeric column along the horizontal axis (default: the first of a random slope, else of the fixed part).", HelpName = "COLUMN" };
        var groups = new Option<string?>("--groups") { Description = "group-lines: the levels to highlight, comma-separated (default: a sample of 10).", HelpName = "a,b,c" };
        var group = new Option<string?>("--group", "-g") { Description = "group-lines, pooling: the grouping factor (default: the first random-effects term's).", HelpName = "FACTOR" };
        var seed = new Option<int>("--seed") { Description = "group-lines: the seed of the sample of groups highlighted.", DefaultValueFactory = _ => 1 };
        var level = new Option<double>("--level") { Description = "caterpillar, profile: the confidence level of the intervals.", DefaultValueFactory = _ => 0.95 };
        var replicates = new Option<string?>("--replicates") { Description = "bootstrap: the replicates written by 'fastmlm bootstrap --out' (CSV or Parquet).", HelpName = "FILE" };
        var command = new Command("plot",
            "Draw a diagnostic picture of a linear or generalized linear mixed model: QQ plots of residuals or conditional modes (outliers named), "
            + "residuals against fitted values (a GLMM's Pearson residuals against the linear predictor), binned residuals, caterpillar, group lines, "
            + "and for linear models pooling, likelihood profiles, bootstrap densities.")
        {
            formula, kind, output, width, height, x, groups, group, seed, level, replicates,
        };
        inputs.AddTo(command);
        inputs.AddFamilyTo(command);
        command.SetAction(parse =>
        {
            string k = parse.GetValue(kind)!;
            string file = parse.GetValue(output)!;
            if (Figure.FormatOf(file) is null) throw new UsageException($"--out {file}: the picture is written as .svg or .png");
            ModelInputs.CheckOutputFolder("--out", file);
            int w = Pixels("--width", parse.GetValue(width)), h = Pixels("--height", parse.GetValue(height));
            double lv = FitCommand.CheckLevel(parse.GetValue(level));
            string? replicatesFile = parse.GetValue(replicates);
            if (k == "bootstrap" && replicatesFile is null) throw new UsageException("--kind bootstrap needs --replicates FILE (the output of 'fastmlm bootstrap --out')");
            if (replicatesFile is not null && !File.Exists(replicatesFile)) throw new UsageException($"--replicates {replicatesFile}: no such file");

            var (_, fit) = inputs.LoadAndFit(parse, context, parse.GetValue(formula)!);
            var progress = k == "profile" ? new ProgressReporter(context.Error, "profiles", fit.Theta.Count + 1 + fit.FixedEffects.Count) : null;
            var request = new PlotRequest
            {
                X = parse.GetValue(x),
                Factor = parse.GetValue(group),
                Groups = parse.GetValue(groups)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
                Seed = parse.GetValue(seed),
                Level = lv,
                Replicates = replicatesFile is null || k != "bootstrap" ? null : DataSource.Load(replicatesFile),
                Progress = progress is null ? null : (done, _) => progress.Report(done),
            };
            var plot = ModelInputs.WithProgress("drawing", () => DiagnosticFigures.Create(k, fit, request));
            progress?.Finish();
            plot.Figure.Save(file, w, h);
            PrintOutliers(context, plot.Outliers);
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {k} ({(w > 0 ? w : plot.Figure.DefaultWidth)} × {(h > 0 ? h : plot.Figure.DefaultHeight)}) to '{file}'"));
            CommandOutput.Notes(context, fit.Messages);
            return Cli.Success;
        });
        return command;
    }

    /// <summary>The points a plot names, one line each: the panel, the label, the value and its robust z.</summary>
    internal static void PrintOutliers(CliContext context, IReadOnlyList<NamedOutlier> outliers)
    {
        if (outliers.Count == 0) return;
        context.Out.WriteLine("Outliers (robust z = (value - median) / (1.4826 MAD) beyond the Bonferroni bound of the panel):");
        foreach (var o in outliers)
        {
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {o.Panel}: {o.Point.Label}  value {o.Point.Y:G6}  z {o.Point.Z:F2}"));
        }
    }

    private static int Pixels(string option, int value) =>
        value is >= 0 and <= 20_000 ? value : throw new UsageException($"{option} {value.ToString(CultureInfo.InvariantCulture)}: give a number of pixels from 1 to 20000");
}
