using System.CommandLine;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Formulas;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm predict</c>: fits the model, then predicts every row of new data, with or without the random effects.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = ModelInputs.FormulaOption();
        var newdata = new Option<string>("--newdata")
        {
            Description = "The rows to predict: a CSV or Parquet file (or a built-in data set's name) with the model's predictors; read with the same --na and --sep.",
            Required = true,
            HelpName = "FILE",
        };
        var re = new Option<string>("--re")
        {
            Description = "all: with the random effects (conditional; a group not in the data gets the population prediction); none: without them (marginal).",
            DefaultValueFactory = _ => "all",
        };
        CommandOutput.OneOf(re, "all", "none");
        var format = CommandOutput.FormatOption("csv", "json");
        var output = CommandOutput.OutOption("Write the predictions to FILE (whole or not at all) instead of standard output.");
        var command = new Command("predict",
            "Predict new data: one row per row of --newdata with the prediction, the marginal prediction and the standard error of the fixed part.")
        {
            formula, newdata, re, format, output,
        };
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            string? file = parse.GetValue(output);
            ModelInputs.CheckOutputFolder("--out", file);
            bool randomEffects = parse.GetValue(re) == "all";
            string text = parse.GetValue(formula)!;

            // The new data first: a missing column is found before the model is fitted.
            var columns = ModelFrame.NewDataColumns(ModelFormula.Parse(text), randomEffects);
            var options = new DataReadOptions
            {
                Separator = ModelInputs.ParseSeparator(parse.GetValue(inputs.Sep)),
                Missing = MissingValueCodes.Parse(parse.GetValue(inputs.Na)),
                Columns = columns.ToArray(),
            };
            string newSource = parse.GetValue(newdata)!;
            var newFrame = ModelInputs.WithProgress($"reading {newSource}", () => DataSource.Load(newSource, options));

            var (_, fit) = inputs.LoadAndFit(parse, context, text);
            var result = Prediction.Predict(fit, newFrame, new PredictionOptions { RandomEffects = randomEffects });
            var rows = Enumerable.Range(1, result.RowCount).ToArray();
            var table = new ResultTable().Add("row", rows).Add("prediction", result.Predicted);
            if (randomEffects) table.Add("marginal", result.Marginal);
            table.Add("se_fixed", result.StandardErrors);

            if (parse.GetValue(format) == "json")
            {
                string json = CommandOutput.Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("formula", fit.Formula);
                    w.WriteString("data", fit.DataSource);
                    w.WriteString("newdata", newFrame.Source);
                    w.WriteBoolean("reml", fit.Reml);
                    w.WriteString("re", randomEffects ? "all" : "none");
                    w.WritePropertyName("predictions");
                    table.WriteJson(w);
                    w.WriteStartArray("missing_rows");
                    foreach (int r in result.MissingRows) w.WriteNumberValue(r + 1);
                    w.WriteEndArray();
                    w.WriteStartArray("new_levels");
                    foreach (var g in result.NewGroups)
                    {
                        w.WriteStartObject();
                        w.WriteString("factor", g.Factor);
                        w.WriteStartArray("levels");
                        foreach (var l in g.Levels) w.WriteStringValue(l);
                        w.WriteEndArray();
                        w.WriteNumber("rows", g.Rows);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    CommandOutput.Messages(w, fit.Messages.Concat(result.Messages));
                    w.WriteEndObject();
                });
                CommandOutput.Write(context, file, o => o.Write(json));
            }
            else
            {
                CommandOutput.Write(context, file, table.WriteCsv);
            }
            CommandOutput.Wrote(context, file, table.RowCount, "predictions");
            CommandOutput.Notes(context, fit.Messages.Concat(result.Messages));
            return Cli.Success;
        });
        return command;
    }
}
