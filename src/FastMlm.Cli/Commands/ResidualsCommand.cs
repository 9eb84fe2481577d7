using System.CommandLine;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm residuals</c>: fitted values and residuals per observation used, with its data row, as CSV or Parquet.</summary>
internal static class ResidualsCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = ModelInputs.FormulaOption();
        var output = CommandOutput.OutOption(
            "Write to FILE.csv or FILE.parquet (by its extension; whole or not at all) instead of CSV on standard output. "
            + "Columns: row (the data row), observed, fitted (Xb + Zu), fitted_marginal (Xb), residual, pearson (residual / sigma: "
            + "lme4's type \"pearson\" with scaled = TRUE), residual_marginal, pearson_marginal (over its model SD).");
        var command = new Command("residuals",
            "Fitted values (conditional, marginal) and residuals (raw, Pearson = raw / sigma, marginal) per observation used, with its data row.")
        {
            formula, output,
        };
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            string? file = parse.GetValue(output);
            bool parquet = file is not null && DataSource.IsParquet(file);
            if (file is not null && !parquet && !file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--out {file}: the file must end in .csv or .parquet, which says how to write it");
            }
            ModelInputs.CheckOutputFolder("--out", file);
            var (_, fit) = inputs.LoadAndFit(parse, context, parse.GetValue(formula)!);
            var r = ResidualTable.Compute(fit);
            var table = new ResultTable()
                .Add("row", r.Rows)
                .Add("observed", r.Observed)
                .Add("fitted", r.Fitted)
                .Add("fitted_marginal", r.FittedMarginal)
                .Add("residual", r.Residual)
                .Add("pearson", r.Pearson)
                .Add("residual_marginal", r.MarginalResidual)
                .Add("pearson_marginal", r.MarginalPearson);
            if (parquet) AtomicFile.Write(file!, table.WriteParquet);
            else CommandOutput.Write(context, file, table.WriteCsv);
            CommandOutput.Wrote(context, file, table.RowCount, "observations");
            CommandOutput.Notes(context, fit.Messages);
            return Cli.Success;
        });
        return command;
    }
}
