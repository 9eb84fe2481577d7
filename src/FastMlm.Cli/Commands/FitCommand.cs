using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Formulas;
using FastMlm.Models;
using FastMlm.Reporting;
using Spectre.Console;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm fit</c>: reads the data, fits the model, prints lme4's summary and optionally writes JSON.</summary>
internal static class FitCommand
{
    private static readonly Dictionary<Family, string[]> s_links = new()
    {
        [Family.Gaussian] = ["identity"],
        [Family.Binomial] = ["logit", "probit", "cloglog"],
        [Family.Poisson] = ["log"],
    };

    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = ModelInputs.FormulaOption();
        var family = new Option<string>("--family")
        {
            Description = "gaussian (default), binomial or poisson.",
            DefaultValueFactory = _ => "gaussian",
        };
        var link = new Option<string?>("--link") { Description = "The link: logit, probit or cloglog (binomial); log (poisson); identity (gaussian)." };
        var nagq = new Option<int?>("--nagq") { Description = "Quadrature points for GLMMs: 0 (fast), 1 (Laplace, default) or more (adaptive Gauss-Hermite)." };
        var json = new Option<string?>("--json")
        {
            Description = "Write the result as JSON (the reference schema) to FILE, or to standard output without FILE.",
            Arity = ArgumentArity.ZeroOrOne,
        };

        var design = new Option<bool>("--design") { Description = "Show the model's design (rows used, X, random-effects terms) instead of fitting." };

        var command = new Command("fit", "Fit a linear or generalized linear mixed model.")
        {
            formula, family, link, nagq, json, design,
        };
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            var settings = new FitSettings(
                Formula: parse.GetValue(formula)!,
                Reml: parse.GetValue(inputs.Reml),
                Ml: parse.GetValue(inputs.Ml),
                Family: parse.GetValue(family)!,
                Link: parse.GetValue(link),
                Nagq: parse.GetValue(nagq),
                JsonRequested: parse.GetResult(json) is not null,
                JsonFile: parse.GetValue(json),
                DesignOnly: parse.GetValue(design));
            return Run(context, inputs, parse, settings);
        });
        return command;
    }

    private sealed record FitSettings(
        string Formula, bool Reml, bool Ml, string Family, string? Link, int? Nagq, bool JsonRequested, string? JsonFile, bool DesignOnly);

    private static int Run(CliContext context, ModelInputs inputs, ParseResult parse, FitSettings s)
    {
        if (s.Reml && s.Ml) throw new UsageException("--reml and --ml exclude each other: choose one");
        var family = ParseFamily(s.Family);
        if (s.Link is not null && !s_links[family].Contains(s.Link, StringComparer.Ordinal))
        {
            throw new UsageException($"--link {s.Link} does not go with --family {family.RName()} (use {string.Join(", ", s_links[family])})");
        }
        if (s.Nagq is { } q)
        {
            if (family == Family.Gaussian) throw new UsageException("--nagq applies to binomial and poisson models only");
            if (q < 0) throw new UsageException("--nagq must be 0 or more");
        }
        if (s.Reml && family != Family.Gaussian) throw new UsageException("--reml applies to linear (gaussian) models only");
        if (s.DesignOnly && s.JsonRequested) throw new UsageException("--design shows the design without fitting, so there is no result for --json");
        if (family != Family.Gaussian && !s.DesignOnly)
        {
            throw new ModelException($"{family.RName()} models (GLMMs) cannot be fitted yet; this version fits linear mixed models (--family gaussian)");
        }

        ModelInputs.CheckOutputFolder("--json", s.JsonFile); // before the data are read and the model fitted, not after
        var parsedFormula = ModelFormula.Parse(s.Formula);
        var frame = inputs.Load(parse, context, parsedFormula.VariableNames);
        if (s.DesignOnly)
        {
            context.Out.Write(DesignReport.Describe(ModelDesign.Build(frame, parsedFormula, family)));
            return Cli.Success;
        }
        var fit = ModelInputs.WithProgress("fitting", () => LinearMixedModel.Fit(frame, s.Formula, new LmmOptions { Reml = !s.Ml }));
        if (s.JsonRequested && s.JsonFile is null)
        {
            context.Out.Write(FitJson.Serialize(fit));
            foreach (var m in fit.Messages) context.Error.WriteLine("note: " + m);
            return Cli.Success;
        }
        if (s.JsonFile is not null) FitJson.WriteFile(s.JsonFile, fit);
        context.Out.Write(FitSummary.Describe(fit));
        return Cli.Success;
    }

    private static Family ParseFamily(string name)
    {
        try
        {
            return Families.Parse(name);
        }
        catch (ModelException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
