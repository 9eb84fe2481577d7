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
        var data = new Option<string>("--data", "-d")
        {
            Description = "A CSV or Parquet file, or the name of a built-in data set (see 'fastmlm datasets').",
            Required = true,
        };
        var formula = new Option<string>("--formula", "-f")
        {
            Description = "The model in lme4's formula language, e.g. \"Reaction ~ Days + (Days | Subject)\".",
            Required = true,
        };
        var reml = new Option<bool>("--reml") { Description = "Fit by REML (the default for linear models)." };
        var ml = new Option<bool>("--ml") { Description = "Fit by maximum likelihood." };
        var family = new Option<string>("--family")
        {
            Description = "gaussian (default), binomial or poisson.",
            DefaultValueFactory = _ => "gaussian",
        };
        var link = new Option<string?>("--link") { Description = "The link: logit, probit or cloglog (binomial); log (poisson); identity (gaussian)." };
        var nagq = new Option<int?>("--nagq") { Description = "Quadrature points for GLMMs: 0 (fast), 1 (Laplace, default) or more (adaptive Gauss-Hermite)." };
        var na = new Option<string?>("--na") { Description = "Extra missing-value codes, comma-separated (e.g. 88,99); empty, NA and NaN are always missing." };
        var sep = new Option<string?>("--sep") { Description = "CSV separator: ',', ';' or 'tab' (detected when omitted)." };
        var json = new Option<string?>("--json")
        {
            Description = "Write the result as JSON (the reference schema) to FILE, or to standard output without FILE.",
            Arity = ArgumentArity.ZeroOrOne,
        };

        var design = new Option<bool>("--design") { Description = "Show the model's design (rows used, X, random-effects terms) instead of fitting." };

        var command = new Command("fit", "Fit a linear or generalized linear mixed model.")
        {
            data, formula, reml, ml, family, link, nagq, na, sep, json, design,
        };
        command.SetAction(parse =>
        {
            var settings = new FitSettings(
                Data: parse.GetValue(data)!,
                Formula: parse.GetValue(formula)!,
                Reml: parse.GetValue(reml),
                Ml: parse.GetValue(ml),
                Family: parse.GetValue(family)!,
                Link: parse.GetValue(link),
                Nagq: parse.GetValue(nagq),
                Na: parse.GetValue(na),
                Separator: parse.GetValue(sep),
                JsonRequested: parse.GetResult(json) is not null,
                JsonFile: parse.GetValue(json),
                DesignOnly: parse.GetValue(design));
            return Run(context, settings);
        });
        return command;
    }

    private sealed record FitSettings(
        string Data, string Formula, bool Reml, bool Ml, string Family, string? Link, int? Nagq, string? Na, string? Separator, bool JsonRequested, string? JsonFile, bool DesignOnly);

    private static int Run(CliContext context, FitSettings s)
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

        if (s.JsonFile is not null)
        {
            // Say so before the data are read and the model fitted, not after.
            string dir = Path.GetDirectoryName(Path.GetFullPath(s.JsonFile)) ?? ".";
            if (!Directory.Exists(dir)) throw new UsageException($"--json {s.JsonFile}: the folder '{dir}' does not exist");
        }
        var parsedFormula = ModelFormula.Parse(s.Formula);
        var options = new DataReadOptions
        {
            Separator = ParseSeparator(s.Separator),
            Missing = MissingValueCodes.Parse(s.Na),
            Columns = parsedFormula.VariableNames,
        };
        var clock = Stopwatch.StartNew();
        var frame = WithProgress($"reading {s.Data}", () => DataSource.Load(s.Data, options));
        if (clock.Elapsed.TotalSeconds >= 1)
        {
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read {frame.RowCount:N0} rows of '{frame.Source}' in {clock.Elapsed.TotalSeconds:F1} s"));
        }
        if (s.DesignOnly)
        {
            context.Out.Write(DesignReport.Describe(ModelDesign.Build(frame, parsedFormula, family)));
            return Cli.Success;
        }
        var fit = WithProgress("fitting", () => LinearMixedModel.Fit(frame, s.Formula, new LmmOptions { Reml = !s.Ml }));
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

    /// <summary>Runs <paramref name="work"/> under a spinner on standard error when that is a terminal (long reads show progress).</summary>
    private static T WithProgress<T>(string what, Func<T> work)
    {
        if (Console.IsErrorRedirected) return work();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Status().Start(Markup.Escape(what) + " ...", _ => work());
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

    private static char? ParseSeparator(string? sep) => sep switch
    {
        null => null,
        "tab" or "\\t" or "\t" => '\t',
        { Length: 1 } when sep[0] is ',' or ';' or '|' or ' ' => sep[0],
        _ => throw new UsageException($"--sep '{sep}' is not a separator: use ',', ';', '|' or 'tab'"),
    };
}
