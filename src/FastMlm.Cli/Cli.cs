using System.CommandLine;
using System.CommandLine.Help;
using FastMlm.Cli.Commands;
using Spectre.Console;

namespace FastMlm.Cli;

/// <summary>
/// The <c>fastmlm</c> command line. Exit codes: 0 success, 1 a data or model error (one line on standard
/// error naming the culprit), 2 a usage error (unknown command or option, a bad option value), 3 an
/// internal error.
/// </summary>
internal static class Cli
{
    public const int Success = 0;
    public const int DataOrModelError = 1;
    public const int UsageError = 2;
    public const int InternalError = 3;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected || !ReferenceEquals(stdout, Console.Out)) console.Profile.Width = 120; // tables for files and pipes
        var context = new CliContext(console, stdout, stderr);

        var root = new Command("fastmlm", "FastMlm: linear and generalized linear mixed-effects models with lme4's formula language.")
        {
            new HelpOption(),
            new VersionOption(),
            FitCommand.Create(context),
            CompareCommand.Create(context),
            IccCommand.Create(context),
            BatchCommands.Batch(context),
            BatchCommands.Bootstrap(context),
            DatasetsCommand.Create(context),
            DemoCommand.Create(context),
            RanefCommand.Create(context),
            PredictCommand.Create(context),
            ResidualsCommand.Create(context),
            PoolingCommand.Create(context),
            PlotCommand.Create(context),
            ReportCommand.Create(context),
            SimulateCommand.Create(context),
            PerfCommands.Create(context),
        };

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"fastmlm: {Collapse(UsageMessage(parse))} (see 'fastmlm --help')");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"fastmlm: {e.Message}");
            return UsageError;
        }
        catch (Exception e) when (e is FastMlmException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"fastmlm: {OneLine(e.Message)}");
            return DataOrModelError;
        }
#pragma warning disable CA1031 // the command line reports every failure as one line and an exit code, never a stack trace
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"fastmlm: internal error ({e.GetType().Name}): {OneLine(e.Message)}");
            return InternalError;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>A parser message listing choices one per line, as one line: "… one of: 'a', 'b', 'c'".</summary>
    private static string Collapse(string message)
    {
        var lines = message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length <= 1 ? message : lines[0] + " " + string.Join(", ", lines.Skip(1));
    }

    /// <summary>The most useful parse error: an unknown word first (with the nearest command or option), else the parser's first.</summary>
    private static string UsageMessage(ParseResult parse)
    {
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            var command = parse.CommandResult.Command;
            var known = command.Subcommands.Select(c => c.Name).Concat(command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)));
            var nearest = NameSuggestions.Nearest(token, known);
            var what = token.StartsWith('-') ? "option" : "command or argument";
            return nearest is null ? $"unknown {what} '{token}'" : $"unknown {what} '{token}'; did you mean '{nearest}'?";
        }
        return parse.Errors[0].Message;
    }
}

/// <summary>A bad option value, found after parsing (e.g. <c>--sep</c> with two characters): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Where a command writes: the Spectre console for tables, and the raw writers.</summary>
internal sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error);
