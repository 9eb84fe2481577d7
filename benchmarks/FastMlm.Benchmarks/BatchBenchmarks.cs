using BenchmarkDotNet.Attributes;
using FastMlm.Batch;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Simulation;

namespace FastMlm.Benchmarks;

/// <summary>
/// The batch engine's throughput on the project's 2-core machine (both cores): a parametric bootstrap of
/// sleepstudy's correlated random slopes (target: 10,000 replicates under 3 s), and one design shared by many
/// responses — 600 rows, 60 groups, a random intercept and slope — (target: 10,000 responses under 10 s).
/// Two sizes each show how time and allocation grow with N; lme4's bootMer and an lme4 loop are timed side by
/// side by benchmarks/lme4/time-batch.R.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class BatchBenchmarks
{
    private FitResult _sleep = null!;
    private DataFrame _responses = null!;
    private string[] _names = [];

    [Params(1_000, 10_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _sleep = LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });
        _responses = SharedDesignResponses(N);
        _names = Enumerable.Range(1, N).Select(i => $"y{i}").ToArray();
    }

    /// <summary>x ~ U(0, 10), 60 groups of 10 rows, y_k = 1 + 0.5x + b0 + b1 x + ε with b ~ N(0, diag(1, 0.1²)), ε ~ N(0, 1), one stream per response.</summary>
    internal static DataFrame SharedDesignResponses(int responses)
    {
        const int Rows = 600, Groups = 60;
        var rng = new RandomStream(2026);
        var x = new double[Rows];
        var g = new int[Rows];
        for (int i = 0; i < Rows; i++)
        {
            x[i] = 10 * rng.NextDouble();
            g[i] = i % Groups;
        }
        var columns = new List<Column> { new NumericColumn("x", x), new CategoricalColumn("g", g, Enumerable.Range(1, Groups).Select(v => $"g{v:00}").ToArray()) };
        for (int k = 0; k < responses; k++)
        {
            var s = new RandomStream(7, k);
            var b0 = new double[Groups];
            var b1 = new double[Groups];
            for (int j = 0; j < Groups; j++)
            {
                b0[j] = s.NextNormal();
                b1[j] = 0.1 * s.NextNormal();
            }
            var y = new double[Rows];
            for (int i = 0; i < Rows; i++) y[i] = 1 + (0.5 * x[i]) + b0[g[i]] + (b1[g[i]] * x[i]) + s.NextNormal();
            columns.Add(new NumericColumn($"y{k + 1}", y));
        }
        return new DataFrame(columns, "shared_design");
    }

    [Benchmark]
    public int SleepstudyBootstrap()
    {
        var job = new BootstrapJob(_sleep, N, seed: 1);
        var sink = new MemorySink(N);
        return BatchScheduler.Run(job, sink).Completed;
    }

    [Benchmark]
    public int SharedDesignResponses()
    {
        var job = new ResponsesJob(_responses, "y ~ x + (1 + x | g)", _names, new LmmOptions { Reml = true, CheckConvergence = false });
        var sink = new MemorySink(N);
        return BatchScheduler.Run(job, sink).Completed;
    }
}
