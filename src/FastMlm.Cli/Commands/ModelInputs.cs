using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FastMlm.Data;
using FastMlm.Formulas;
using FastMlm.Models;
using Spectre.Console;

namespace FastMlm.Cli.Commands;

/// <summary>
/// The options every model command shares (<c>--data</c>, <c>--na</c>, <c>--sep</c>, <c>--reml</c>/<c>--ml</c>),
/// and the reading and fitting they lead to, so that <c>fit</c>, <c>compare</c>, <c>ranef</c>, <c>predict</c> and
/// the rest read data and report progress the same way.
/// </summary>
internal sealed class ModelInputs
{
    public Option<string> Data { get; } = new("--data", "-d")
    {
        Description = "A CSV or Parquet file, or the name of a built-in data set (see 'fastmlm datasets').",
        Required = true,
    };

    public Option<string?> Na { get; } = new("--na") { Description = "Extra missing-value codes, comma-separated (e.g. 88,99); empty, NA and NaN are always missing." };

    public Option<string?> Sep { get; } = new("--sep") { Description = "CSV separator: ',', ';' or 'tab' (detected when omitted)." };

    public Option<bool> Reml { get; } = new("--reml") { Description = "Fit by REML (the default for linear models)." };

    public Option<bool> Ml { get; } = new("--ml") { Description = "Fit by maximum likelihood." };

    /// <summary>The usual single <c>--formula</c> option.</summary>
    public static Option<string> FormulaOption() => new("--formula", "-f")
    {
        Description = "The model in lme4's formula language, e.g. \"Reaction ~ Days + (Days | Subject)\".",
        Required = true,
    };

    /// <summary>The repeated <c>--formula</c> option of the commands that take several models.</summary>
    public static Option<string[]> FormulasOption(string description) => new("--formula", "-f")
    {
        Description = description,
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>The <c>--names</c> option that labels several models.</summary>
    public static Option<string?> NamesOption() => new("--names") { Description = "Labels for the models, comma-separated, in the order given (default m1, m2, ...)." };

    /// <summary>The labels of <c>--names</c> (or m1, m2, …), one per model and all different.</summary>
    public static string[] Labels(string? names, int count)
    {
        var labels = names?.Split(',', StringSplitOptions.TrimEntries)
            ?? Enumerable.Range(1, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"m{i}")).ToArray();
        if (labels.Length != count) throw new UsageException($"--names gives {labels.Length} labels for {count} models");
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Length) throw new UsageException("--names: the labels must differ");
        return labels;
    }

    /// <summary>Reads the data every formula needs, once, and fits each formula to it.</summary>
    public (DataFrame Frame, FitResult[] Fits) LoadAndFitAll(ParseResult parse, CliContext context, IReadOnlyList<string> formulas, LmmOptions options)
    {
        var parsed = formulas.Select(ModelFormula.Parse).ToArray();
        var frame = Load(parse, context, parsed.SelectMany(f => f.VariableNames));
        var fits = WithProgress("fitting", () => formulas.Select(f => LinearMixedModel.Fit(frame, f, options)).ToArray());
        return (frame, fits);
    }

    /// <summary>Adds the data options, and the fitting method when <paramref name="method"/>.</summary>
    public void AddTo(Command command, bool method = true)
    {
        command.Options.Add(Data);
        command.Options.Add(Na);
        command.Options.Add(Sep);
        if (method)
        {
            command.Options.Add(Reml);
            command.Options.Add(Ml);
        }
    }

    /// <summary>The fitting options: REML unless <c>--ml</c> (or <paramref name="defaultReml"/> is false).</summary>
    public LmmOptions FitOptions(ParseResult parse, bool defaultReml = true)
    {
        bool reml = parse.GetValue(Reml), ml = parse.GetValue(Ml);
        if (reml && ml) throw new UsageException("--reml and --ml exclude each other: choose one");
        return new LmmOptions { Reml = reml || (!ml && defaultReml) };
    }

    /// <summary>Whether the user asked for a method explicitly.</summary>
    public bool MethodGiven(ParseResult parse) => parse.GetValue(Reml) || parse.GetValue(Ml);

    /// <summary>Reads the data, only the columns <paramref name="columns"/> when given; says how long a slow read took.</summary>
    public DataFrame Load(ParseResult parse, CliContext context, IEnumerable<string>? columns)
    {
        var options = new DataReadOptions
        {
            Separator = ParseSeparator(parse.GetValue(Sep)),
            Missing = MissingValueCodes.Parse(parse.GetValue(Na)),
            Columns = columns?.Distinct(StringComparer.Ordinal).ToArray(),
        };
        string source = parse.GetValue(Data)!;
        var clock = Stopwatch.StartNew();
        var frame = WithProgress($"reading {source}", () => DataSource.Load(source, options));
        if (clock.Elapsed.TotalSeconds >= 1)
        {
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read {frame.RowCount:N0} rows of '{frame.Source}' in {clock.Elapsed.TotalSeconds:F1} s"));
        }
        return frame;
    }

    /// <summary>Reads the data a formula needs and fits it.</summary>
    public (DataFrame Frame, FitResult Fit) LoadAndFit(ParseResult parse, CliContext context, string formula, bool defaultReml = true)
    {
        var options = FitOptions(parse, defaultReml);
        var parsed = ModelFormula.Parse(formula);
        var frame = Load(parse, context, parsed.VariableNames);
        var fit = WithProgress("fitting", () => LinearMixedModel.Fit(frame, formula, options));
        return (frame, fit);
    }

    /// <summary>Runs <paramref name="work"/> under a spinner on standard error when that is a terminal (long work shows progress).</summary>
    public static T WithProgress<T>(string what, Func<T> work)
    {
        if (Console.IsErrorRedirected) return work();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Status().Start(Markup.Escape(what) + " ...", _ => work());
    }

    /// <summary>Refuses an output file whose folder does not exist, before any work is done.</summary>
    public static void CheckOutputFolder(string option, string? file)
    {
        if (file is null) return;
        string dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        if (!Directory.Exists(dir)) throw new UsageException($"{option} {file}: the folder '{dir}' does not exist");
    }

    public static char? ParseSeparator(string? sep) => sep switch
    {
        null => null,
        "tab" or "\\t" or "\t" => '\t',
        { Length: 1 } when sep[0] is ',' or ';' or '|' or ' ' => sep[0],
        _ => throw new UsageException($"--sep '{sep}' is not a separator: use ',', ';', '|' or 'tab'"),
    };
}
