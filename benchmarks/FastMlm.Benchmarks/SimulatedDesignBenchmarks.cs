using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using FastMlm.Data;
using FastMlm.Models;

namespace FastMlm.Benchmarks;

/// <summary>
/// Whole REML fits of the large simulated designs (<c>fastmlm simulate --design NAME</c> writes their rows), each with
/// the model it was made for: 1,000,000 rows with a random intercept and slope in 10,000 groups (ri_slope_1m); a
/// 3-level nested design of 1,000,000 pupils, 20,000 classes and 1,000 schools (nested3_1m); 73,000 ratings of 3,000
/// students × 1,100 lecturers crossed in bands (teaching_crossed) and at random (teaching_crossed_random); 300,000
/// measures of 100,000 pupils in 25,000 classes in 1,000 schools (repeated_nested_300k, whose 26,000 columns after the
/// pupils' need the envelope storage of the rest block). A fit takes
/// about a second, so the job is short: no pilot stage, one warm-up and three measured fits per design.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class SimulatedDesignBenchmarks
{
    private DataFrame _data = null!;
    private string _formula = "";

    [Params("ri_slope_1m", "nested3_1m", "teaching_crossed", "teaching_crossed_random", "repeated_nested_300k")]
    public string Design { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _data = SimulatedData.Frame(Design);
        _formula = SimulatedData.Design(Design).Formula;
    }

    [Benchmark]
    public double Fit() => LinearMixedModel.Fit(_data, _formula, new LmmOptions { Reml = true }).Criterion;
}
