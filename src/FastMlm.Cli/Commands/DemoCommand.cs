using System.CommandLine;
using FastMlm.Data;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm demo</c>: the seed examples on built-in data.</summary>
internal static class DemoCommand
{
    /// <summary>The demo models: the courses' exam and popularity sequences (by ML, as the courses compare them), sleepstudy, crossed and nested designs (by REML).</summary>
    internal static readonly (string Data, string Formula, bool Reml, string Title)[] Models =
    [
        ("exam", "normexam ~ 1 + (1 | school)", false, "exam: the empty model (its ICC)"),
        ("exam", "normexam ~ standlrt + (1 | school)", false, "exam: random intercept"),
        ("exam", "normexam ~ standlrt + (1 + standlrt | school)", false, "exam: random slope"),
        ("popular", "popular ~ extrav + sex + (1 | class)", false, "popular: random intercept"),
        ("popular", "popular ~ extrav + sex + (1 + extrav | class)", false, "popular: random slope"),
        ("popular", "popular ~ extrav + sex + texp + (1 + extrav | class)", false, "popular: random slope with teacher experience"),
        ("sleepstudy", "Reaction ~ Days + (Days | Subject)", true, "sleepstudy: correlated random intercept and slope"),
        ("penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", true, "penicillin: crossed random effects"),
        ("pastes", "strength ~ 1 + (1 | batch/cask)", true, "pastes: nested random effects"),
    ];

    /// <summary>The demo's multilevel logistic regression: contagious bovine pleuropneumonia cases out of each herd's size, by period.</summary>
    internal static readonly (string Data, string Formula, string Title) Logistic =
        ("cbpp", "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "cbpp: multilevel logistic regression (successes out of trials)");

    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "Fit the demo models on the built-in data and print their summaries.");
        command.SetAction(_ =>
        {
            var cache = new Dictionary<string, DataFrame>(StringComparer.Ordinal);
            var fits = new List<FitResult>();
            foreach (var (data, formula, reml, title) in Models)
            {
                if (!cache.TryGetValue(data, out var frame)) cache[data] = frame = BuiltInData.Load(data);
                var fit = LinearMixedModel.Fit(frame, formula, new LmmOptions { Reml = reml });
                fits.Add(fit);
                context.Out.WriteLine($"== {title}");
                context.Out.WriteLine(FitSummary.Describe(fit));
            }

            // The courses' next steps: is the random slope needed (likelihood-ratio tests), and how much of the
            // variance lies between schools (the ICC with its interval).
            foreach (string data in new[] { "exam", "popular" })
            {
                var sequence = fits.Where(f => f.DataSource == data).ToArray();
                var names = Enumerable.Range(1, sequence.Length).Select(i => $"{data}{i}").ToArray();
                context.Out.WriteLine($"== {data}: likelihood-ratio tests of the model sequence");
                context.Out.WriteLine(InferenceReport.Describe(LikelihoodRatioTest.Compare(sequence, names), data));
            }
            var empty = fits[0];
            context.Out.WriteLine("== exam: the intraclass correlation of the empty model");
            context.Out.Write(InferenceReport.Describe(VarianceExplained.Shares(empty), VarianceExplained.RSquared(empty), 0.95));

            // A binary-outcome sequence ends the courses: multilevel logistic regression, with odds ratios.
            var (glmmData, glmmFormula, glmmTitle) = Logistic;
            var glmm = GeneralizedLinearMixedModel.Fit(BuiltInData.Load(glmmData), glmmFormula, Family.Binomial);
            context.Out.WriteLine();
            context.Out.WriteLine($"== {glmmTitle}");
            context.Out.WriteLine(FitSummary.Describe(glmm));
            context.Out.Write(InferenceReport.DescribeRatios(ConfidenceIntervals.Exponentiated(glmm, 0.95), 0.95));
            return Cli.Success;
        });
        return command;
    }
}
