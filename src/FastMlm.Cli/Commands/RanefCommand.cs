using System.CommandLine;
using System.Globalization;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm ranef</c>: every level's conditional modes with their conditional SDs and normal intervals.</summary>
internal static class RanefCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = ModelInputs.FormulaOption();
        var level = new Option<double>("--level")
        {
            Description = "The confidence level of the intervals mode ± z·condSD, strictly between 0 and 1.",
            DefaultValueFactory = _ => 0.95,
        };
        var format = CommandOutput.FormatOption("table", "csv", "json");
        var output = CommandOutput.OutOption("Write the result to FILE (whole or not at all) instead of standard output.");
        var command = new Command("ranef",
            "The conditional modes (EBLUPs) of every level of every random-effects term, with conditional SDs and intervals mode ± z·condSD.")
        {
            formula, level, format, output,
        };
        inputs.AddTo(command);
        inputs.AddFamilyTo(command);
        command.SetAction(parse =>
        {
            double confidence = parse.GetValue(level);
            if (!(confidence > 0 && confidence < 1))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--level {confidence} must lie strictly between 0 and 1 (e.g. 0.95)"));
            }
            string? file = parse.GetValue(output);
            ModelInputs.CheckOutputFolder("--out", file);
            var (_, fit) = inputs.LoadAndFit(parse, context, parse.GetValue(formula)!);
            var intervals = RandomEffectIntervals.Compute(fit, confidence);
            var table = new ResultTable()
                .Add("group", intervals.Select(i => i.Group).ToArray())
                .Add("level", intervals.Select(i => i.Level).ToArray())
                .Add("column", intervals.Select(i => i.Column).ToArray())
                .Add("mode", intervals.Select(i => i.Mode).ToArray())
                .Add("condsd", intervals.Select(i => i.ConditionalSd).ToArray())
                .Add("lower", intervals.Select(i => i.Lower).ToArray())
                .Add("upper", intervals.Select(i => i.Upper).ToArray());
            string percent = (confidence * 100).ToString("0.###", CultureInfo.InvariantCulture);
            switch (parse.GetValue(format))
            {
                case "csv":
                    CommandOutput.Write(context, file, table.WriteCsv);
                    break;
                case "json":
                    string json = CommandOutput.Json(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("formula", fit.Formula);
                        w.WriteString("data", fit.DataSource);
                        w.WriteBoolean("reml", fit.Reml);
                        w.WriteString("family", fit.Family.RName());
                        w.WriteString("link", fit.Link);
                        w.WriteNumber("level", confidence);
                        w.WritePropertyName("ranef");
                        table.WriteJson(w);
                        CommandOutput.Messages(w, fit.Messages);
                        w.WriteEndObject();
                    });
                    CommandOutput.Write(context, file, o => o.Write(json));
                    break;
                default:
                    CommandOutput.Write(context, file, o =>
                    {
                        string method = fit.IsGeneralized ? $"{fit.Family.RName()} GLMM, on the {fit.Link} scale" : fit.Reml ? "REML" : "ML";
                        o.WriteLine($"Conditional modes of {fit.Formula} ({method}), {percent}% intervals: mode ± z·condSD");
                        o.WriteLine();
                        o.Write(table.ToText());
                    });
                    break;
            }
            CommandOutput.Wrote(context, file, table.RowCount, "conditional modes");
            CommandOutput.Notes(context, fit.Messages);
            return Cli.Success;
        });
        return command;
    }
}
