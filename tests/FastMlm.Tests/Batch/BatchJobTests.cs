using System.Globalization;
using System.Text;
using FastMlm.Batch;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Simulation;

namespace FastMlm.Tests.Batch;

public sealed class BatchJobTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fastmlm-batch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>sleepstudy with five extra responses: scaled and shifted Reaction plus noise; gene_3 has one missing value.</summary>
    internal static DataFrame Genes()
    {
        var sleep = BuiltInData.Load("sleepstudy");
        var reaction = ((NumericColumn)sleep["Reaction"]).Values.ToArray();
        var csv = new StringBuilder("Days,Subject");
        for (int g = 1; g <= 5; g++) csv.Append(CultureInfo.InvariantCulture, $",gene_{g}");
        csv.Append('\n');
        var rng = new RandomStream(11);
        for (int i = 0; i < reaction.Length; i++)
        {
            csv.Append(sleep["Days"].FormatValue(i)).Append(',').Append(sleep["Subject"].FormatValue(i));
            for (int g = 1; g <= 5; g++)
            {
                double v = (reaction[i] * g / 3.0) + (20 * rng.NextNormal());
                csv.Append(',').Append(g == 3 && i == 17 ? "NA" : v.ToString("R", CultureInfo.InvariantCulture));
            }
            csv.Append('\n');
        }
        return CsvReader.Parse(csv.ToString(), source: "genes");
    }

    private static double Value(BatchRow row, IBatchJob job, string column) => row.Values[job.Columns.ToList().IndexOf(column)];

    [Fact]
    public void Responses_SharedDesignRefits_EqualFreshFits()
    {
        var data = Genes();
        var responses = Enumerable.Range(1, 5).Select(g => $"gene_{g}").ToArray();
        var job = new ResponsesJob(data, "y ~ Days + (Days | Subject)", responses, new LmmOptions { Reml = false });
        var sink = new MemorySink(job.Count);
        var summary = BatchScheduler.Run(job, sink, new BatchRunOptions { Threads = 2 });
        Assert.Equal(5, summary.Completed);
        Assert.Equal(0, summary.Failed);
        for (int g = 0; g < 5; g++)
        {
            var row = sink.Rows[g]!;
            Assert.Equal(responses[g], row.Id);
            var fresh = LinearMixedModel.Fit(data, $"{responses[g]} ~ Days + (Days | Subject)", new LmmOptions { Reml = false, CheckConvergence = false });
            Assert.Equal(fresh.Criterion, Value(row, job, "objective"), 1e-7);
            Assert.Equal(fresh.Aic, Value(row, job, "AIC"), 1e-7);
            Assert.Equal(fresh.FixedEffects[1].Estimate, Value(row, job, "Days"), 1e-6);
            Assert.Equal(fresh.FixedEffects[1].StandardError, Value(row, job, "se_Days"), 1e-6);
            Assert.Equal(fresh.Sigma, Value(row, job, "sigma"), 1e-6);
            Assert.Equal(Math.Sqrt(fresh.VarCorr[1].Value), Value(row, job, "sd_Days|Subject"), 1e-5);
        }
        Assert.Contains("dropped 1 of 180 rows with missing values (gene_3", sink.Rows[2]!.Messages); // gene_3's missing value: fitted on its own rows, and said so
    }

    [Fact]
    public void Formulas_AFailingModelRecordsItsErrorAndTheBatchGoesOn()
    {
        var data = BuiltInData.Load("sleepstudy");
        string[] formulas = ["Reaction ~ Days + (1 | Subject)", "Reaction ~ Days + (1 | Nope)", "Reaction ~ 1 + (Days | Subject)"];
        var job = new FormulasJob(data, formulas, new LmmOptions { Reml = false });
        var sink = new MemorySink(job.Count);
        var summary = BatchScheduler.Run(job, sink, new BatchRunOptions { Threads = 2 });
        Assert.Equal(1, summary.Failed);
        Assert.Contains("Nope", sink.Rows[1]!.Error);
        Assert.All(sink.Rows[1]!.Values, v => Assert.True(double.IsNaN(v)));
        Assert.Null(sink.Rows[0]!.Error);
        Assert.True(double.IsNaN(Value(sink.Rows[2]!, job, "Days"))); // a column the third model does not have
        Assert.False(double.IsNaN(Value(sink.Rows[2]!, job, "cor_Days.(Intercept)|Subject")));
    }

    [Fact]
    public void ByGroup_FitsOneModelPerLevel()
    {
        var data = BuiltInData.Load("exam");
        var job = new ByGroupJob(data, "normexam ~ standlrt + (1 | school)", "sex", new LmmOptions { Reml = false });
        Assert.Equal(["F", "M"], Enumerable.Range(0, job.Count).Select(job.Id).ToArray());
        var sink = new MemorySink(job.Count);
        BatchScheduler.Run(job, sink);
        var girls = LinearMixedModel.Fit(data.SelectRows(Enumerable.Range(0, data.RowCount).Where(r => data["sex"].FormatValue(r) == "F").ToArray()),
            "normexam ~ standlrt + (1 | school)", new LmmOptions { Reml = false });
        Assert.Equal(girls.Criterion, Value(sink.Rows[0]!, job, "objective"), 1e-8);
    }

    [Fact]
    public void Output_IsInItemOrder_AndAResumedRunEqualsAnUninterruptedOne()
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });
        string whole = Path.Combine(_dir, "whole.csv"), parts = Path.Combine(_dir, "parts.csv");
        var job = new BootstrapJob(fit, 30, seed: 9);
        using (var w = new CheckpointedTableWriter(whole, job.Columns, job.Key, resume: false)) BatchScheduler.Run(job, w, new BatchRunOptions { Threads = 2 });

        // Interrupt after about ten rows, then resume (twice: the second resume finds nothing left but completes).
        using var cts = new CancellationTokenSource();
        using (var w = new CheckpointedTableWriter(parts, job.Columns, job.Key, resume: false))
        {
            var s = BatchScheduler.Run(job, w, new BatchRunOptions { Threads = 2, Cancellation = cts.Token, Progress = (d, _) => { if (d == 10) cts.Cancel(); } });
            Assert.True(s.Cancelled);
        }
        Assert.False(File.Exists(parts));
        Assert.True(File.Exists(parts + ".checkpoint"));
        using (var w = new CheckpointedTableWriter(parts, job.Columns, job.Key, resume: true))
        {
            Assert.True(w.Resumed);
            Assert.InRange(w.NextIndex, 10, 12);
            var s = BatchScheduler.Run(job, w, new BatchRunOptions { Threads = 1 });
            Assert.False(s.Cancelled);
            Assert.Equal(30, w.NextIndex);
        }
        Assert.Equal(File.ReadAllText(whole), File.ReadAllText(parts));
        Assert.False(File.Exists(parts + ".checkpoint"));
        Assert.False(File.Exists(parts + ".partial"));
        var ids = File.ReadAllLines(whole).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        Assert.Equal(Enumerable.Range(1, 30).Select(i => i.ToString(CultureInfo.InvariantCulture)), ids);
    }

    [Fact]
    public void Resume_OfADifferentJob_IsRefused()
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });
        string path = Path.Combine(_dir, "job.csv");
        var job = new BootstrapJob(fit, 5, seed: 1);
        using (var w = new CheckpointedTableWriter(path, job.Columns, job.Key, resume: false)) w.Commit();
        var other = new BootstrapJob(fit, 5, seed: 2);
        var e = Assert.Throws<BatchException>(() => new CheckpointedTableWriter(path, other.Columns, other.Key, resume: true));
        Assert.Contains("different job", e.Message);
    }

    [Fact]
    public void ParquetOutput_ReadsBackWithTheSameRows()
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });
        var job = new BootstrapJob(fit, 12, seed: 3);
        string csv = Path.Combine(_dir, "b.csv"), parquet = Path.Combine(_dir, "b.parquet");
        using (var w = new CheckpointedTableWriter(csv, job.Columns, job.Key, false)) BatchScheduler.Run(job, w);
        using (var w = new CheckpointedTableWriter(parquet, job.Columns, job.Key, false)) BatchScheduler.Run(job, w);
        var a = CsvReader.ReadFile(csv);
        var b = ParquetReader.ReadFile(parquet);
        Assert.Equal(12, b.RowCount);
        foreach (var column in job.Columns)
        {
            Assert.Equal(((NumericColumn)a[column]).Values.ToArray(), ((NumericColumn)b[column]).Values.ToArray());
        }
    }

    [Fact]
    public void Bootstrap_IsIdenticalWhateverTheThreadCount()
    {
        var fit = LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });
        var job = new BootstrapJob(fit, 24, seed: 5);
        var one = new MemorySink(24);
        var two = new MemorySink(24);
        BatchScheduler.Run(job, one, new BatchRunOptions { Threads = 1 });
        BatchScheduler.Run(job, two, new BatchRunOptions { Threads = 2 });
        for (int r = 0; r < 24; r++) Assert.Equal(one.Rows[r]!.Values, two.Rows[r]!.Values);
        // and the same numbers as the in-memory bootstrap of the same seed
        var direct = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 24, Seed = 5 });
        Assert.Equal(direct.Values[7]![1], one.Rows[7]!.Values[2]); // Days: after objective and (Intercept)
    }
}
