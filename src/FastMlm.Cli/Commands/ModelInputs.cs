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

    /// <summary><c>--family</c>: gaussian (a linear mixed model), binomial or poisson (a GLMM).</summary>
    public Option<string> Family { get; } = new("--family")
    {
        Description = "gaussian (default), binomial or poisson.",
        DefaultValueFactory = _ => "gaussian",
    };

    /// <summary><c>--link</c> of a GLMM.</summary>
    public Option<string?> Link { get; } = new("--link") { Description = "The link: logit, probit or cloglog (binomial); log (poisson); identity (gaussian)." };

    /// <summary><c>--nagq</c> of a GLMM.</summary>
    public Option<int?> Nagq { get; } = new("--nagq") { Description = "Quadrature points for GLMMs: 0 (fast), 1 (Laplace, default) or more (adaptive Gauss-Hermite, one scalar random-effects term only)." };

    /// <summary><c>--weights</c>: the prior weights of a GLMM.</summary>
    public Option<string?> Weights { get; } = new("--weights") { Description = "A column of prior weights: the trials of a binomial proportion, or the weights of Poisson counts." };

    private bool _families;

    private static readonly Dictionary<Family, string[]> s_links = new()
    {
        [Models.Family.Gaussian] = ["identity"],
        [Models.Family.Binomial] = ["logit", "probit", "cloglog"],
        [Models.Family.Poisson] = ["log"],
    };

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
    public (DataFrame Frame, FitResult[] Fits) LoadAndFitAll(ParseResult parse, CliContext context, IReadOnlyList<string> formulas, bool defaultReml = true)
    {
        var spec = Spec(parse, defaultReml);
        var parsed = formulas.Select(ModelFormula.Parse).ToArray();
        var frame = Load(parse, context, parsed.SelectMany(spec.Columns));
        var fits = WithProgress("fitting", () => formulas.Select(f => spec.Fit(frame, f)).ToArray());
        return (frame, fits);
    }

    /// <summary>Adds <c>--family</c>, <c>--link</c>, <c>--nagq</c> and <c>--weights</c>: the command fits GLMMs as <c>fit</c> does.</summary>
    public void AddFamilyTo(Command command)
    {
        command.Options.Add(Family);
        command.Options.Add(Link);
        command.Options.Add(Nagq);
        command.Options.Add(Weights);
        _families = true;
    }

    /// <summary>
    /// The model the options ask for, checked: the method (REML unless <c>--ml</c>, or unless
    /// <paramref name="defaultReml"/> is false), and with <see cref="AddFamilyTo"/> the family, link, quadrature
    /// points and weights. Options that do not go together are usage errors, the same for every command.
    /// </summary>
    public ModelSpec Spec(ParseResult parse, bool defaultReml = true)
    {
        var lmm = FitOptions(parse, defaultReml);
        if (!_families) return new ModelSpec(Models.Family.Gaussian, lmm, null, null);
        bool reml = parse.GetValue(Reml);
        string? link = parse.GetValue(Link), weights = parse.GetValue(Weights);
        int? nagq = parse.GetValue(Nagq);
        var family = ParseFamily(parse.GetValue(Family)!);
        if (link is not null && !s_links[family].Contains(link, StringComparer.Ordinal))
        {
            throw new UsageException($"--link {link} does not go with --family {family.RName()} (use {string.Join(", ", s_links[family])})");
        }
        if (nagq is { } q)
        {
            if (family == Models.Family.Gaussian) throw new UsageException("--nagq applies to binomial and poisson models only");
            if (q < 0) throw new UsageException("--nagq must be 0 or more");
        }
        if (reml && family != Models.Family.Gaussian) throw new UsageException("--reml applies to linear (gaussian) models only");
        if (family == Models.Family.Gaussian && weights is not null) throw new UsageException("--weights applies to binomial and poisson models (weighted linear mixed models are not available)");
        if (family == Models.Family.Gaussian) return new ModelSpec(family, lmm, null, null);
        var glmm = new GlmmOptions { Link = link is null ? null : Links.Parse(link, family), Nagq = nagq ?? 1 };
        return new ModelSpec(family, new LmmOptions { Reml = false }, glmm, weights);
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
        var spec = Spec(parse, defaultReml);
        var frame = Load(parse, context, spec.Columns(ModelFormula.Parse(formula)));
        var fit = WithProgress("fitting", () => spec.Fit(frame, formula));
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

/// <summary>The model the command line asks for: a family with its fitting options and prior weights.</summary>
/// <param name="Family">The response family.</param>
/// <param name="Lmm">The options of a linear mixed model (REML or ML).</param>
/// <param name="Glmm">The options of a GLMM (link, quadrature points); null for a linear model.</param>
/// <param name="Weights">The column of prior weights of a GLMM, or null.</param>
internal sealed record ModelSpec(Family Family, LmmOptions Lmm, GlmmOptions? Glmm, string? Weights)
{
    /// <summary>The data columns a formula needs under this spec (its variables and the weights).</summary>
    public IEnumerable<string> Columns(ModelFormula formula) => Weights is null ? formula.VariableNames : formula.VariableNames.Append(Weights);

    /// <summary>Fits <paramref name="formula"/> to <paramref name="frame"/>.</summary>
    public FitResult Fit(DataFrame frame, string formula) => Glmm is null
        ? LinearMixedModel.Fit(frame, formula, Lmm)
        : GeneralizedLinearMixedModel.Fit(frame, formula, Family, Glmm, Weights);
}
