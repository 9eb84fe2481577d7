using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FastMlm.Batch;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm compare</c>: likelihood-ratio tests between nested models (lme4's <c>anova(m1, m2, ...)</c>).</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new ModelInputs();
        var formulas = ModelInputs.FormulasOption("A model; give two or more (--formula F1 --formula F2 ...). They are sorted by number of parameters.");
        var names = ModelInputs.NamesOption();
        var json = new Option<bool>("--json") { Description = "Print the table as JSON (the reference suite's anova schema) instead of text." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Also give the parametric-bootstrap p-value of each test from N replicates simulated from the smaller model (pbkrtest's PBmodcomp).", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { Description = "Seed of --bootstrap (the same seed gives the same p-value whatever --threads).", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Replicates refitted at once for --bootstrap (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("compare", "Likelihood-ratio tests between nested models fitted to the same rows, with the boundary-corrected p-value when a variance is tested, and the proportional reduction in each variance.")
        {
            formulas, names, json, bootstrap, seed, threads,
        };
        inputs.AddTo(command);
        inputs.AddFamilyTo(command);
        command.SetAction(parse =>
        {
            var list = parse.GetValue(formulas) ?? [];
            if (list.Length < 2) throw new UsageException("compare needs at least two models: --formula F1 --formula F2");
            var labels = ModelInputs.Labels(parse.GetValue(names), list.Length);
            var (frame, fits) = inputs.LoadAndFitAll(parse, context, list, defaultReml: false); // ML unless --reml: the test compares likelihoods
            var table = LikelihoodRatioTest.Compare(fits, labels);
            int nsim = parse.GetValue(bootstrap);
            if (nsim < 0) throw new UsageException("--bootstrap must be 0 or more");
            if (parse.GetValue(threads) < 1) throw new UsageException("--threads must be at least 1");
            var bootP = new double?[table.Rows.Count];
            for (int i = 1; i < table.Rows.Count && nsim > 0; i++)
            {
                var job = new LikelihoodRatioBootstrapJob(table.Rows[i - 1].Fit, table.Rows[i].Fit, nsim, parse.GetValue(seed));
                var sink = new MemorySink(nsim);
                var progress = new ProgressReporter(context.Error, $"bootstrap {table.Rows[i - 1].Name} vs {table.Rows[i].Name}", nsim);
                BatchScheduler.Run(job, sink, new BatchRunOptions { Threads = parse.GetValue(threads), Progress = (d, _) => progress.Report(d) });
                progress.Finish();
                bootP[i] = job.PValue(sink.Rows.Where(r => r is not null).Select(r => r!.Values[0]));
            }
            if (parse.GetValue(json))
            {
                context.Out.Write(Json(table, labels, bootP));
                foreach (var n in table.Notes) context.Error.WriteLine("note: " + n);
                return Cli.Success;
            }
            context.Out.Write(InferenceReport.Describe(table, frame.Source));
            for (int i = 1; i < table.Rows.Count; i++)
            {
                if (bootP[i] is { } pb)
                {
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{table.Rows[i].Name}: parametric bootstrap p = {InferenceReport.FormatP(pb)} ({nsim:N0} replicates from {table.Rows[i - 1].Name}, seed {parse.GetValue(seed)}; the smallest possible is {1.0 / (nsim + 1):G3})"));
                }
            }
            for (int i = 1; i < table.Rows.Count; i++)
            {
                var (reduced, full) = (table.Rows[i - 1], table.Rows[i]);
                context.Out.WriteLine();
                context.Out.Write(InferenceReport.Describe(VarianceExplained.ProportionalReduction(full.Fit, reduced.Fit), reduced.Name, full.Name));
            }
            foreach (var fit in table.Rows.Select(r => r.Fit))
            {
                foreach (var m in fit.Messages) context.Error.WriteLine("note: " + m);
            }
            return Cli.Success;
        });
        return command;
    }

    private static string Json(LikelihoodRatioTable table, string[] labels, double?[] bootP)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("models");
            foreach (var l in labels) w.WriteStringValue(l);
            w.WriteEndArray();
            w.WriteStartArray("table");
            for (int i = 0; i < table.Rows.Count; i++)
            {
                var r = table.Rows[i];
                w.WriteStartObject();
                w.WriteString("model", r.Name);
                w.WriteString("formula", r.Fit.Formula);
                w.WriteNumber("npar", r.Parameters);
                w.WriteNumber("AIC", r.Aic);
                w.WriteNumber("BIC", r.Bic);
                w.WriteNumber("logLik", r.LogLikelihood);
                w.WriteNumber("deviance", r.Deviance);
                Nullable(w, "Chisq", r.ChiSquare);
                if (r.Df is { } df) w.WriteNumber("Df", df);
                else w.WriteNull("Df");
                Nullable(w, "p", r.P);
                Nullable(w, "p_boundary", r.BoundaryP);
                Nullable(w, "p_bootstrap", bootP[i]);
                if (r.Note is null) w.WriteNull("note");
                else w.WriteString("note", r.Note);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (var n in table.Notes) w.WriteStringValue(n);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Nullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
