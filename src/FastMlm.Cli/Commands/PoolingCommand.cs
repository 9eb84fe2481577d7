using System.CommandLine;
using System.Text.Json;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm pooling</c>: complete, no and partial pooling per level of one grouping factor.</summary>
internal static class PoolingCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = ModelInputs.FormulaOption();
        var group = new Option<string?>("--group", "-g")
        {
            Description = "The grouping factor, as lme4 names it (e.g. Subject, cask:batch); default the factor of the formula's first random-effects term.",
            HelpName = "FACTOR",
        };
        var format = CommandOutput.FormatOption("table", "csv", "json");
        var output = CommandOutput.OutOption("Write the table to FILE (whole or not at all) instead of standard output.");
        var command = new Command("pooling",
            "Complete pooling (OLS ignoring the groups), no pooling (OLS per group) and partial pooling (fixed effect + conditional mode) "
            + "of a grouping factor's random-effect columns, with the shrinkage per group.")
        {
            formula, group, format, output,
        };
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            string? file = parse.GetValue(output);
            ModelInputs.CheckOutputFolder("--out", file);
            var (_, fit) = inputs.LoadAndFit(parse, context, parse.GetValue(formula)!);
            var pooling = PoolingTable.Compute(fit, parse.GetValue(group));
            var table = LongTable(pooling);
            switch (parse.GetValue(format))
            {
                case "csv":
                    CommandOutput.Write(context, file, table.WriteCsv);
                    break;
                case "json":
                    string json = CommandOutput.Json(w => WriteJson(w, fit, pooling));
                    CommandOutput.Write(context, file, o => o.Write(json));
                    break;
                default:
                    CommandOutput.Write(context, file, o => WriteText(o, fit, pooling, table));
                    break;
            }
            CommandOutput.Wrote(context, file, pooling.Levels.Count, "levels");
            CommandOutput.Notes(context, fit.Messages.Concat(pooling.Messages));
            return Cli.Success;
        });
        return command;
    }

    private static string ShrinkageRule(PoolingTable p) => p.Shrinkage == ShrinkageMeasure.Reliability
        ? "tau^2 / (tau^2 + sigma^2 / n)"
        : "(partial - complete) / (own - complete)";

    /// <summary>One row per level and column.</summary>
    private static ResultTable LongTable(PoolingTable p)
    {
        var level = new List<string>();
        var n = new List<int>();
        var column = new List<string>();
        var own = new List<double>();
        var complete = new List<double>();
        var partial = new List<double>();
        var shrinkage = new List<double>();
        var note = new List<string>();
        foreach (var l in p.Levels)
        {
            for (int k = 0; k < p.Columns.Count; k++)
            {
                level.Add(l.Level);
                n.Add(l.Observations);
                column.Add(p.Columns[k]);
                own.Add(l.NoPooling[k]);
                complete.Add(p.CompletePooling[k]);
                partial.Add(l.PartialPooling[k]);
                shrinkage.Add(p.Shrinkage == ShrinkageMeasure.Reliability ? l.Shrinkage[0] : l.Shrinkage[k]);
                note.Add(l.NoPoolingNote ?? "");
            }
        }
        return new ResultTable()
            .Add("level", level).Add("n", n).Add("column", column)
            .Add("no_pooling", own).Add("complete_pooling", complete).Add("partial_pooling", partial)
            .Add("shrinkage", shrinkage).Add("note", note);
    }

    private static void WriteText(TextWriter o, FitResult fit, PoolingTable p, ResultTable table)
    {
        o.WriteLine($"Pooling for {p.Factor} in {fit.Formula} ({(fit.Reml ? "REML" : "ML")})");
        o.WriteLine("  complete pooling: OLS of the response on " + string.Join(", ", p.Columns) + $" over all observations, ignoring {p.Factor}");
        o.WriteLine($"  no pooling:       the same OLS within each level of {p.Factor}");
        o.WriteLine("  partial pooling:  fixed effect + conditional mode");
        o.WriteLine("  shrinkage:        " + ShrinkageRule(p) + (p.Shrinkage == ShrinkageMeasure.Reliability
            ? " (the weight of the level's own mean)"
            : " (the share of the distance to the own estimate that partial pooling keeps)"));
        o.WriteLine();
        o.Write(table.ToText());
    }

    private static void WriteJson(Utf8JsonWriter w, FitResult fit, PoolingTable p)
    {
        w.WriteStartObject();
        w.WriteString("formula", fit.Formula);
        w.WriteString("data", fit.DataSource);
        w.WriteBoolean("reml", fit.Reml);
        w.WriteString("factor", p.Factor);
        w.WriteStartArray("columns");
        foreach (var c in p.Columns) w.WriteStringValue(c);
        w.WriteEndArray();
        Named(w, "complete_pooling", p.Columns, p.CompletePooling);
        Named(w, "fixed_effects", p.Columns, p.FixedEffects);
        w.WriteString("shrinkage_measure", p.Shrinkage == ShrinkageMeasure.Reliability ? "reliability" : "empirical_ratio");
        w.WriteString("shrinkage_rule", ShrinkageRule(p));
        w.WriteStartArray("levels");
        foreach (var l in p.Levels)
        {
            w.WriteStartObject();
            w.WriteString("level", l.Level);
            w.WriteNumber("n", l.Observations);
            if (l.NoPoolingNote is null) Named(w, "no_pooling", p.Columns, l.NoPooling);
            else w.WriteNull("no_pooling");
            if (l.NoPoolingNote is null) w.WriteNull("note");
            else w.WriteString("note", l.NoPoolingNote);
            Named(w, "partial_pooling", p.Columns, l.PartialPooling);
            if (p.Shrinkage == ShrinkageMeasure.Reliability) CommandOutput.Number(w, "shrinkage", l.Shrinkage[0]);
            else Named(w, "shrinkage", p.Columns, l.Shrinkage);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        CommandOutput.Messages(w, fit.Messages.Concat(p.Messages));
        w.WriteEndObject();
    }

    private static void Named(Utf8JsonWriter w, string name, IReadOnlyList<string> columns, IReadOnlyList<double> values)
    {
        w.WriteStartObject(name);
        for (int k = 0; k < columns.Count; k++) CommandOutput.Number(w, columns[k], values[k]);
        w.WriteEndObject();
    }
}
