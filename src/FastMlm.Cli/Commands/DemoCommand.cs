using System.CommandLine;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm demo</c>: the seed examples on built-in data.</summary>
internal static class DemoCommand
{
    /// <summary>The demo models: the courses' exam and popularity sequences, sleepstudy, crossed and nested designs.</summary>
    internal static readonly (string Data, string Formula, string Title)[] Models =
    [
        ("exam", "normexam ~ 1 + (1 | school)", "exam: the empty model (its ICC)"),
        ("exam", "normexam ~ standlrt + (1 | school)", "exam: random intercept"),
        ("exam", "normexam ~ standlrt + (1 + standlrt | school)", "exam: random slope"),
        ("popular", "popular ~ extrav + sex + (1 | class)", "popular: random intercept"),
        ("popular", "popular ~ extrav + sex + (1 + extrav | class)", "popular: random slope"),
        ("popular", "popular ~ extrav + sex + texp + (1 + extrav | class)", "popular: random slope with teacher experience"),
        ("sleepstudy", "Reaction ~ Days + (Days | Subject)", "sleepstudy: correlated random intercept and slope"),
        ("penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", "penicillin: crossed random effects"),
        ("pastes", "strength ~ 1 + (1 | batch/cask)", "pastes: nested random effects"),
    ];

    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "Build the demo models on the built-in data and show each model's design.");
        command.SetAction(_ =>
        {
            var cache = new Dictionary<string, DataFrame>(StringComparer.Ordinal);
            foreach (var (data, formula, title) in Models)
            {
                if (!cache.TryGetValue(data, out var frame)) cache[data] = frame = BuiltInData.Load(data);
                var design = ModelDesign.Build(frame, formula);
                context.Out.WriteLine($"== {title}");
                context.Out.WriteLine(DesignReport.Describe(design));
            }
            return Cli.Success;
        });
        return command;
    }
}
