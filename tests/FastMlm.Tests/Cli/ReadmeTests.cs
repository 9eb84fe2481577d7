using System.Text.RegularExpressions;

namespace FastMlm.Tests.Cli;

/// <summary>The README's examples are run, and their printed output must be what the command prints.</summary>
public sealed partial class ReadmeTests
{
    private static string ReadmePath() => Path.Combine(CliRunner.RepositoryRoot(), "README.md");

    [Fact]
    public void ReadmeGivesTheDemoAndTestCommands()
    {
        var text = File.ReadAllText(ReadmePath());
        Assert.Contains("dotnet run --project src/FastMlm.Cli -c Release -- demo", text);
        Assert.Contains("dotnet test -c Release", text);
    }

    [Fact]
    public void ReadmeExampleOutput_IsWhatTheCommandPrints()
    {
        var text = File.ReadAllText(ReadmePath()).ReplaceLineEndings("\n");
        var examples = ExampleBlock().Matches(text);
        Assert.NotEmpty(examples);
        foreach (Match m in examples)
        {
            var args = SplitArgs(m.Groups["args"].Value);
            var (code, stdout, stderr) = CliRunner.Run(args);
            Assert.True(code == 0, stderr);
            Assert.Equal(m.Groups["output"].Value.TrimEnd(), stdout.ReplaceLineEndings("\n").TrimEnd());
        }
    }

    /// <summary>A fenced block that starts with "$ dotnet run --project src/FastMlm.Cli -c Release -- ARGS" and goes on with the output.</summary>
    [GeneratedRegex(@"```\n\$ dotnet run --project src/FastMlm\.Cli -c Release -- (?<args>[^\n]+)\n(?<output>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    private static string[] SplitArgs(string line) =>
        ArgPattern().Matches(line).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value).ToArray();

    [GeneratedRegex("\"([^\"]*)\"|\\S+")]
    private static partial Regex ArgPattern();
}
