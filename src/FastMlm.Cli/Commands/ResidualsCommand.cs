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
            + "lme4's type \"pearson\" with scaled = TRUE), residual_marginal, pearson_marginal (over its model SD). "
            + "GLMMs (--family binomial|poisson): row, observed (a proportion for binomial responses), weights (the trials), fitted (the mean mu = g^-1(eta)), "
            + "eta (the linear predictor Xb + Zu), response (y - mu), pearson ((y - mu) / sqrt(V(mu) / weight)), deviance (sign(y - mu) sqrt(d)): glmer's residuals by type.");
        var command = new Command("residuals",
            "Fitted values and residuals per observation used, with its data row: of a linear model conditional and marginal, raw and Pearson; "
            + "of a GLMM the mean, the linear predictor, and response, Pearson and deviance residuals.")
        {
            formula, output,
        };
        inputs.AddTo(command);
        inputs.AddFamilyTo(command);
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
            var table = fit.IsGeneralized ? GlmmColumns(GlmmResidualTable.Compute(fit)) : LinearColumns(ResidualTable.Compute(fit));
            if (parquet) AtomicFile.Write(file!, table.WriteParquet);
            else CommandOutput.Write(context, file, table.WriteCsv);
            CommandOutput.Wrote(context, file, table.RowCount, "observations");
            CommandOutput.Notes(context, fit.Messages);
            return Cli.Success;
        });
        return command;
    }

    private static ResultTable LinearColumns(ResidualTable r) =>
        new ResultTable()
            .Add("row", r.Rows)
            .Add("observed", r.Observed)
            .Add("fitted", r.Fitted)
            .Add("fitted_marginal", r.FittedMarginal)
            .Add("residual", r.Residual)
            .Add("pearson", r.Pearson)
            .Add("residual_marginal", r.MarginalResidual)
            .Add("pearson_marginal", r.MarginalPearson);

    private static ResultTable GlmmColumns(GlmmResidualTable r) =>
        new ResultTable()
            .Add("row", r.Rows)
            .Add("observed", r.Observed)
            .Add("weights", r.PriorWeights)
            .Add("fitted", r.Fitted)
            .Add("eta", r.LinearPredictor)
            .Add("response", r.Response)
            .Add("pearson", r.Pearson)
            .Add("deviance", r.Deviance);
}
