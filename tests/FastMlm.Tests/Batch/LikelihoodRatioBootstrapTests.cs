using FastMlm.Batch;
using FastMlm.Data;
using FastMlm.Models;

namespace FastMlm.Tests.Batch;

public sealed class LikelihoodRatioBootstrapTests
{
    private static (FitResult Small, FitResult Large) Sleepstudy()
    {
        var data = BuiltInData.Load("sleepstudy");
        var ml = new LmmOptions { Reml = false };
        return (LinearMixedModel.Fit(data, "Reaction ~ Days + (1 | Subject)", ml),
                LinearMixedModel.Fit(data, "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", ml));
    }

    [Fact]
    public void NullDistribution_IsTheBoundaryMixture()
    {
        // Simulated from the smaller model, the statistic for one variance tested at zero follows ½χ²₀ + ½χ²₁
        // asymptotically: about half the replicates give zero, and its 95% quantile is near 2.71.
        var (small, large) = Sleepstudy();
        var job = new LikelihoodRatioBootstrapJob(small, large, 400, seed: 12);
        var sink = new MemorySink(job.Count);
        BatchScheduler.Run(job, sink);
        var lrt = sink.Rows.Select(r => r!.Values[0]).Order().ToArray();
        double zeros = lrt.Count(v => v < 1e-6) / (double)lrt.Length;
        Assert.InRange(zeros, 0.35, 0.75);
        Assert.InRange(lrt[(int)(0.95 * lrt.Length)], 1.5, 4.5);
        Assert.True(job.Observed > 20);
        Assert.Equal(1.0 / 401, job.PValue(lrt), 1e-12); // sleepstudy's slope variance is far from zero
    }

    [Fact]
    public void Replicates_AreTheSameWhateverTheThreadCount()
    {
        var (small, large) = Sleepstudy();
        var job = new LikelihoodRatioBootstrapJob(small, large, 20, seed: 3);
        var one = new MemorySink(20);
        var two = new MemorySink(20);
        BatchScheduler.Run(job, one, new BatchRunOptions { Threads = 1 });
        BatchScheduler.Run(job, two, new BatchRunOptions { Threads = 2 });
        Assert.Equal(one.Rows.Select(r => r!.Values[0]), two.Rows.Select(r => r!.Values[0]));
    }

    [Fact]
    public void PValue_CountsTheObservedAsReached()
    {
        var (small, large) = Sleepstudy();
        var job = new LikelihoodRatioBootstrapJob(small, large, 3, seed: 1);
        Assert.Equal(3.0 / 4, job.PValue([job.Observed, job.Observed + 1, 0]), 1e-12);
    }
}
