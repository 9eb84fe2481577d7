using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Formulas;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Reporting;
using FastMlm.Simulation;
using Spectre.Console;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm fit</c>: reads the data, fits the model, prints lme4's summary and optionally writes JSON.</summary>
internal static class FitCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = ModelInputs.FormulaOption();
        var exp = new Option<bool>("--exp") { Description = "GLMMs: add the exponentiated fixed effects (odds ratios for logit, rate ratios for log) with Wald intervals at --level." };
        var json = new Option<string?>("--json")
        {
            Description = "Write the result as JSON (the reference schema) to FILE, or to standard output without FILE.",
            Arity = ArgumentArity.ZeroOrOne,
        };

        var design = new Option<bool>("--design") { Description = "Show the model's design (rows used, X, random-effects terms) instead of fitting." };
        var pvalues = new Option<string>("--pvalues")
        {
            Description = "Tests of the fixed effects after the summary: satterthwaite (t tests with Satterthwaite's df and the type-III F table, as lmerTest), wald (z tests), or none.",
            DefaultValueFactory = _ => "none",
        };
        pvalues.AcceptOnlyFromAmong("none", "satterthwaite", "wald");
        var ci = new Option<string>("--ci")
        {
            Description = "Confidence intervals after the summary: wald (fixed effects), profile (every parameter, by the likelihood profile), boot (parametric bootstrap percentiles), or none.",
            DefaultValueFactory = _ => "none",
        };
        ci.AcceptOnlyFromAmong("none", "wald", "profile", "boot");
        var level = new Option<double>("--level") { Description = "Confidence level of --ci.", DefaultValueFactory = _ => 0.95 };
        var nsim = new Option<int>("--nsim") { Description = "Bootstrap replicates for --ci boot.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<long>("--seed") { Description = "Seed of --ci boot (the same seed gives the same intervals whatever the thread count).", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads for --ci boot (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };

        var command = new Command("fit", "Fit a linear or generalized linear mixed model.")
        {
            formula, exp, json, design, pvalues, ci, level, nsim, seed, threads,
        };
        inputs.AddTo(command);
        inputs.AddFamilyTo(command);
        command.SetAction(parse =>
        {
            var settings = new FitSettings(
                Formula: parse.GetValue(formula)!,
                Spec: inputs.Spec(parse),
                Link: parse.GetValue(inputs.Link),
                Exp: parse.GetValue(exp),
                JsonRequested: parse.GetResult(json) is not null,
                JsonFile: parse.GetValue(json),
                DesignOnly: parse.GetValue(design),
                PValues: parse.GetValue(pvalues)!,
                Ci: parse.GetValue(ci)!,
                Level: parse.GetValue(level),
                Nsim: parse.GetValue(nsim),
                Seed: parse.GetValue(seed),
                Threads: parse.GetValue(threads));
            return Run(context, inputs, parse, settings);
        });
        return command;
    }

    private sealed record FitSettings(
        string Formula, ModelSpec Spec, string? Link, bool Exp, bool JsonRequested, string? JsonFile, bool DesignOnly,
        string PValues, string Ci, double Level, int Nsim, long Seed, int Threads);

    /// <summary>A confidence level strictly between 0 and 1, else a usage error.</summary>
    public static double CheckLevel(double level) =>
        level > 0 && level < 1 ? level : throw new UsageException($"--level {level.ToString(CultureInfo.InvariantCulture)} must lie strictly between 0 and 1 (e.g. 0.95)");

    private static int Run(CliContext context, ModelInputs inputs, ParseResult parse, FitSettings s)
    {
        var family = s.Spec.Family;
        if (s.Exp && family == Family.Gaussian) throw new UsageException("--exp applies to binomial and poisson models (exp of a linear model's coefficients is no ratio)");
        if (s.Exp && s.Link == "probit") throw new UsageException("--exp gives ratios under the logit, log or cloglog link; exp of a probit coefficient is no ratio");
        if (family != Family.Gaussian)
        {
            if (s.PValues == "satterthwaite") throw new UsageException("--pvalues satterthwaite is for linear mixed models; a GLMM's summary already has Wald z tests (or use --pvalues wald)");
            if (s.Ci is "profile" or "boot") throw new UsageException($"--ci {s.Ci} is available for linear mixed models only; GLMMs have --ci wald (and --exp for ratios)");
        }
        if (s.DesignOnly && s.JsonRequested) throw new UsageException("--design shows the design without fitting, so there is no result for --json");
        CheckLevel(s.Level);
        if (s.Nsim < 1) throw new UsageException("--nsim must be at least 1");
        if (s.Threads < 1) throw new UsageException("--threads must be at least 1");

        ModelInputs.CheckOutputFolder("--json", s.JsonFile); // before the data are read and the model fitted, not after
        var parsedFormula = ModelFormula.Parse(s.Formula);
        var frame = inputs.Load(parse, context, s.Spec.Columns(parsedFormula));
        if (s.DesignOnly)
        {
            context.Out.Write(DesignReport.Describe(ModelDesign.Build(frame, parsedFormula, family, s.Spec.Weights)));
            return Cli.Success;
        }
        var fit = ModelInputs.WithProgress("fitting", () => s.Spec.Fit(frame, s.Formula));
        var inference = Infer(context, fit, s);
        var ratios = s.Exp ? ConfidenceIntervals.Exponentiated(fit, s.Level) : null;
        var extras = new FitJsonExtras(inference.Satterthwaite, inference.Intervals, inference.Method, s.Level, ratios);
        if (s.JsonRequested && s.JsonFile is null)
        {
            context.Out.Write(FitJson.Serialize(fit, null, extras));
            foreach (var m in fit.Messages) context.Error.WriteLine("note: " + m);
            return Cli.Success;
        }
        if (s.JsonFile is not null) FitJson.WriteFile(s.JsonFile, fit, null, extras);
        context.Out.Write(FitSummary.Describe(fit));
        if (inference.Text.Length > 0) context.Out.Write("\n" + inference.Text);
        if (ratios is not null) context.Out.Write("\n" + InferenceReport.DescribeRatios(ratios, s.Level));
        return Cli.Success;
    }

    private sealed record Inference(IReadOnlyList<SatterthwaiteTest>? Satterthwaite, IReadOnlyList<ConfidenceInterval>? Intervals, IntervalMethod Method, string Text);

    /// <summary>The tests and intervals asked for, computed before anything is written.</summary>
    private static Inference Infer(CliContext context, FitResult fit, FitSettings s)
    {
        var text = new System.Text.StringBuilder();
        IReadOnlyList<SatterthwaiteTest>? tests = null;
        switch (s.PValues)
        {
            case "satterthwaite":
                var sat = Satterthwaite.For(fit);
                tests = sat.Coefficients();
                text.Append(InferenceReport.Describe(tests)).Append('\n').Append(InferenceReport.Describe(sat.TermTests()));
                break;
            case "wald":
                text.Append(InferenceReport.DescribeWald(fit));
                break;
        }
        IReadOnlyList<ConfidenceInterval>? intervals = null;
        var method = IntervalMethod.Wald;
        switch (s.Ci)
        {
            case "wald":
                intervals = ConfidenceIntervals.Wald(fit, s.Level);
                break;
            case "profile":
                method = IntervalMethod.Profile;
                intervals = ModelInputs.WithProgress("profiling", () => ConfidenceIntervals.Profile(fit, s.Level, s.Threads));
                if (fit.Reml) context.Error.WriteLine("note: profile intervals are of the likelihood: the REML fit was refitted by maximum likelihood to profile it (as lme4's confint does)");
                break;
            case "boot":
                method = IntervalMethod.Bootstrap;
                var progress = new ProgressReporter(context.Error, "bootstrap", s.Nsim);
                var boot = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = s.Nsim, Seed = s.Seed, Threads = s.Threads, Progress = progress.Report });
                progress.Finish();
                intervals = boot.PercentileIntervals(s.Level);
                int failed = boot.Converged.Count(c => !c);
                if (failed > 0) context.Error.WriteLine($"note: {failed} of {s.Nsim} bootstrap refits did not converge; their estimates are included");
                break;
        }
        if (intervals is not null)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append(InferenceReport.Describe(intervals, s.Level, method));
        }
        return new Inference(tests, intervals, method, text.ToString());
    }
}
