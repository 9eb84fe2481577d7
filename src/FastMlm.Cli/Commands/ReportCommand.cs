using System.CommandLine;
using FastMlm.Plots;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm report</c>: one self-contained HTML page with the summaries, the comparison, the ICC and R², and the diagnostic plots.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formulas = ModelInputs.FormulasOption("A model; give several (--formula F1 --formula F2 ...) to compare them by likelihood-ratio tests.");
        var names = ModelInputs.NamesOption();
        var level = new Option<double>("--level") { Description = "Confidence level of the intervals.", DefaultValueFactory = _ => 0.95 };
        var output = new Option<string>("--out", "-o") { Description = "The page: FILE.html (written whole or not at all).", Required = true, HelpName = "FILE" };
        var command = new Command("report",
            "Write one self-contained HTML page (inline SVG, no scripts) with each model's summary, the likelihood-ratio table for two or more models, "
            + "the ICC and R², and the diagnostic plots.")
        {
            formulas, names, level, output,
        };
        inputs.AddTo(command);
        inputs.AddFamilyTo(command);
        command.SetAction(parse =>
        {
            var list = parse.GetValue(formulas) ?? [];
            string file = parse.GetValue(output)!;
            string ext = Path.GetExtension(file);
            if (!ext.Equals(".html", StringComparison.OrdinalIgnoreCase) && !ext.Equals(".htm", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--out {file}: the report is an .html file");
            }
            ModelInputs.CheckOutputFolder("--out", file);
            double lv = FitCommand.CheckLevel(parse.GetValue(level));
            var labels = ModelInputs.Labels(parse.GetValue(names), list.Length);
            var (_, fits) = inputs.LoadAndFitAll(parse, context, list);
            var models = fits.Select((f, i) => new ReportModel(labels[i], f)).ToArray();
            string html = ModelInputs.WithProgress("writing the report", () => HtmlReport.Build(models, lv));
            AtomicFile.WriteText(file, w => w.Write(html));
            context.Error.WriteLine($"wrote the report of {models.Length} model{(models.Length == 1 ? "" : "s")} to '{file}'");
            foreach (var fit in fits) CommandOutput.Notes(context, fit.Messages);
            return Cli.Success;
        });
        return command;
    }
}
