using System.CommandLine;
using FastMlm.Inference;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm icc</c>: the intraclass correlation / variance partition coefficients with intervals, and R².</summary>
internal static class IccCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = ModelInputs.FormulaOption();
        var level = new Option<double>("--level") { Description = "Confidence level of the intervals.", DefaultValueFactory = _ => 0.95 };
        var command = new Command("icc", "The intraclass correlation (one random intercept) or each level's variance partition coefficient, with profile intervals, and marginal and conditional R².")
        {
            formula, level,
        };
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            double lv = FitCommand.CheckLevel(parse.GetValue(level));
            var (_, fit) = inputs.LoadAndFit(parse, context, parse.GetValue(formula)!);
            var shares = ModelInputs.WithProgress("profiling", () => VarianceExplained.Shares(fit, lv));
            context.Out.WriteLine($"Formula: {fit.Formula}");
            context.Out.WriteLine($"Fitted by {(fit.Reml ? "REML" : "maximum likelihood")}");
            context.Out.Write(InferenceReport.Describe(shares, VarianceExplained.RSquared(fit), lv));
            foreach (var m in fit.Messages) context.Error.WriteLine("note: " + m);
            return Cli.Success;
        });
        return command;
    }
}
