using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using FastMlm.Batch;
using FastMlm.Data;
using FastMlm.Formulas;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Reporting;
using FastMlm.Simulation;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm batch</c> and <c>fastmlm bootstrap</c>: many fits on the scheduler, streamed to a checkpointed output.</summary>
internal static class BatchCommands
{
    /// <summary>The exit code of a job stopped by Ctrl+C (128 + SIGINT), its finished rows kept.</summary>
    public const int Interrupted = 130;

    public static Command Batch(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = new Option<string?>("--formula", "-f") { Description = "The model (with --responses its left side is replaced by each response; with --by it is fitted per subgroup)." };
        var responses = new Option<string?>("--responses") { Description = "Response columns: names or patterns with * and ?, comma-separated ('gene_*'), or @FILE with one name per line. One model per response, sharing the design." };
        var by = new Option<string?>("--by") { Description = "One model per level of this column." };
        var formulas = new Option<string?>("--formulas") { Description = "A file with one formula per line (blank lines and lines starting with # skipped): one model per formula." };
        var output = new Option<string>("--out", "-o") { Description = "Where the rows go: FILE.csv or FILE.parquet (one row per model, in the order of the models).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted job from its output's checkpoint (no row lost or repeated)." };
        var threads = new Option<int>("--threads") { Description = "Models fitted at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("batch", "Fit many models — one per response column, per subgroup, or per formula — in parallel, streaming one row per model (id, converged, objective, logLik, AIC, BIC, fixed effects and SEs, variance parameters, messages) to CSV or Parquet; Ctrl+C keeps what is done and --resume continues.")
        {
            formula, responses, by, formulas, output, resume, threads,
        };
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            string? f = parse.GetValue(formula), resp = parse.GetValue(responses), byColumn = parse.GetValue(by), formulaFile = parse.GetValue(formulas);
            int modes = (resp is null ? 0 : 1) + (byColumn is null ? 0 : 1) + (formulaFile is null ? 0 : 1);
            if (modes != 1) throw new UsageException("give exactly one of --responses, --by and --formulas");
            if (formulaFile is null && f is null) throw new UsageException("--responses and --by need --formula");
            if (formulaFile is not null && f is not null) throw new UsageException("--formulas gives the models: leave out --formula");
            string outPath = parse.GetValue(output)!;
            ModelInputs.CheckOutputFolder("--out", outPath);
            int nThreads = CheckThreads(parse.GetValue(threads));
            var options = inputs.FitOptions(parse);
            options = new LmmOptions { Reml = options.Reml, CheckConvergence = false };

            IBatchJob job;
            if (formulaFile is not null)
            {
                var list = ReadFormulas(formulaFile);
                var frame = inputs.Load(parse, context, null); // every column: a formula naming a missing one fails in its own row
                job = new FormulasJob(frame, list, options);
            }
            else if (byColumn is not null)
            {
                var frame = inputs.Load(parse, context, ModelFormula.Parse(f!).VariableNames.Append(byColumn));
                var byJob = new ByGroupJob(frame, f!, byColumn, options);
                if (byJob.MissingGroupRows > 0) context.Error.WriteLine($"note: {byJob.MissingGroupRows:N0} rows with '{byColumn}' missing are left out");
                job = byJob;
            }
            else
            {
                var frame = inputs.Load(parse, context, null);
                var names = ResolveResponses(resp!, frame);
                job = new ResponsesJob(frame, f!, names, options);
            }
            return RunJob(context, job, outPath, parse.GetValue(resume), nThreads, "models");
        });
        return command;
    }

    public static Command Bootstrap(CliContext context)
    {
        var inputs = new ModelInputs();
        var formula = ModelInputs.FormulaOption();
        var nsim = new Option<int>("--nsim") { Description = "Replicates.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<long>("--seed") { Description = "The job's seed: the same seed gives the same replicates whatever --threads.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Replicates refitted at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string?>("--out", "-o") { Description = "Write every replicate (objective, fixed effects, SDs, correlations, sigma, theta) to FILE.csv or FILE.parquet." };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted --out job from its checkpoint." };
        var level = new Option<double>("--level") { Description = "Level of the percentile intervals.", DefaultValueFactory = _ => 0.95 };
        var command = new Command("bootstrap", "Parametric bootstrap of a linear mixed model (lme4's bootMer): per replicate a response simulated from the fit and refitted; percentile intervals for every parameter at the end.")
        {
            formula, nsim, seed, threads, output, resume, level,
        };
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            int n = parse.GetValue(nsim);
            if (n < 1) throw new UsageException("--nsim must be at least 1");
            double lv = FitCommand.CheckLevel(parse.GetValue(level));
            int nThreads = CheckThreads(parse.GetValue(threads));
            string? outPath = parse.GetValue(output);
            if (outPath is null && parse.GetValue(resume)) throw new UsageException("--resume continues a job written with --out");
            ModelInputs.CheckOutputFolder("--out", outPath);
            var (_, fit) = inputs.LoadAndFit(parse, context, parse.GetValue(formula)!);
            var job = new BootstrapJob(fit, n, parse.GetValue(seed));
            IReadOnlyList<double[]> rows;
            if (outPath is null)
            {
                var sink = new MemorySink(n);
                var summary = Run(context, job, sink, nThreads, "replicates");
                if (summary.Cancelled)
                {
                    context.Error.WriteLine($"fastmlm: interrupted after {summary.Completed:N0} of {n:N0} replicates");
                    return Interrupted;
                }
                rows = sink.Rows.Select(r => r!.Values).ToArray();
            }
            else
            {
                int code = RunJob(context, job, outPath, parse.GetValue(resume), nThreads, "replicates");
                if (code != Cli.Success) return code;
                var table = DataSource.Load(outPath);
                rows = Enumerable.Range(0, table.RowCount).Select(r => job.Columns.Select(c => ((NumericColumn)table[c])[r]).ToArray()).ToArray();
            }
            context.Out.WriteLine($"Parametric bootstrap of {fit.Formula} ({(fit.Reml ? "REML" : "ML")}), {n:N0} replicates, seed {parse.GetValue(seed).ToString(CultureInfo.InvariantCulture)}");
            context.Out.Write(InferenceReport.Describe(Percentiles(fit, job, rows, lv), lv, IntervalMethod.Bootstrap));
            foreach (var m in fit.Messages) context.Error.WriteLine("note: " + m);
            return Cli.Success;
        });
        return command;
    }

    private static IReadOnlyList<ConfidenceInterval> Percentiles(FitResult fit, BootstrapJob job, IReadOnlyList<double[]> rows, double level)
    {
        var columns = job.Columns.ToList();
        var estimates = VarianceParameters.BootstrapColumns(fit).ToDictionary(c => c.Column, c => c.Estimate, StringComparer.Ordinal);
        var result = new List<ConfidenceInterval>();
        foreach (var (column, parameter) in job.Parameters())
        {
            int j = columns.IndexOf(column);
            var sample = rows.Select(r => r[j]).Where(double.IsFinite).Order().ToArray();
            double lo = sample.Length == 0 ? double.NaN : BootstrapResult.Quantile(sample, (1 - level) / 2);
            double hi = sample.Length == 0 ? double.NaN : BootstrapResult.Quantile(sample, (1 + level) / 2);
            result.Add(new ConfidenceInterval(parameter, column, estimates[column], lo, hi,
                sample.Length < rows.Count ? $"{rows.Count - sample.Length} replicates without a value left out" : null));
        }
        return result;
    }

    private static int CheckThreads(int threads) => threads >= 1 ? threads : throw new UsageException("--threads must be at least 1");

    /// <summary>Runs a job into its checkpointed output: a summary line at the end, exit 130 when interrupted.</summary>
    private static int RunJob(CliContext context, IBatchJob job, string outPath, bool resume, int threads, string what)
    {
        using var writer = new CheckpointedTableWriter(outPath, job.Columns, job.Key, resume);
        if (writer.Resumed) context.Error.WriteLine($"resuming: {writer.NextIndex:N0} of {job.Count:N0} {what} already done");
        var summary = Run(context, job, writer, threads, what);
        if (summary.Failed > 0) context.Error.WriteLine($"note: {summary.Failed:N0} {what} failed; their rows carry the error");
        if (summary.Cancelled)
        {
            context.Error.WriteLine($"fastmlm: interrupted: {summary.Skipped + summary.Completed:N0} of {summary.Total:N0} {what} done and kept; run again with --resume to finish");
            return Interrupted;
        }
        context.Error.WriteLine($"{summary.Total:N0} {what} written to {outPath}");
        return Cli.Success;
    }

    private static BatchSummary Run(CliContext context, IBatchJob job, IBatchSink sink, int threads, string what)
    {
        using var cts = new CancellationTokenSource();
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true; // finish the items running, write them, then exit 130
            cts.Cancel();
        }
        Console.CancelKeyPress += OnCancel;
        try
        {
            var progress = new ProgressReporter(context.Error, what, job.Count - sink.NextIndex);
            var summary = BatchScheduler.Run(job, sink, new BatchRunOptions { Threads = threads, Cancellation = cts.Token, Progress = (done, _) => progress.Report(done) });
            progress.Finish();
            return summary;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    private static List<string> ReadFormulas(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--formulas {path}: no such file");
        var list = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        return list.Count > 0 ? list : throw new UsageException($"--formulas {path}: the file has no formula");
    }

    /// <summary>Column names from a list of names and glob patterns, or from @FILE; in the data's column order for patterns.</summary>
    internal static string[] ResolveResponses(string spec, DataFrame frame)
    {
        IEnumerable<string> items = spec.StartsWith('@')
            ? File.Exists(spec[1..]) ? File.ReadAllLines(spec[1..]).Select(l => l.Trim()).Where(l => l.Length > 0) : throw new UsageException($"--responses {spec}: no such file")
            : spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item.Contains('*', StringComparison.Ordinal) || item.Contains('?', StringComparison.Ordinal))
            {
                var regex = new Regex("^" + Regex.Escape(item).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
                var matches = frame.ColumnNames.Where(n => regex.IsMatch(n)).ToArray();
                if (matches.Length == 0) throw new UsageException($"--responses: no column matches '{item}'");
                foreach (var m in matches) if (seen.Add(m)) result.Add(m);
            }
            else
            {
                if (!frame.Contains(item)) throw new DataException(frame.UnknownColumnMessage(item));
                if (seen.Add(item)) result.Add(item);
            }
        }
        return result.ToArray();
    }
}
