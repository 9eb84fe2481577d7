using BenchmarkDotNet.Attributes;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Models;

namespace FastMlm.Benchmarks;

/// <summary>
/// Linear mixed model fits: one evaluation of the profiled criterion at the optimum (what the optimiser
/// pays per step) and a whole fit from data in memory (design, optimisation, convergence check, results).
/// Targets on the project's 2-core machine: sleepstudy fit under 2 ms, the teaching-evaluation-shaped
/// crossed design (73,000 rows, 3,000 × 1,100 crossed levels, a 14-level fixed factor) under 1.5 s.
/// lme4's times for the same fits are measured side by side by benchmarks/lme4/time-lme4.R.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class LmmBenchmarks
{
    private DataFrame _data = null!;
    private string _formula = "";
    private bool _reml;
    private ProfiledLmm _model = null!;
    private double[] _theta = [];

    [Params("sleepstudy", "penicillin", "exam_rs", "teaching_crossed")]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (_data, _formula, _reml) = Case switch
        {
            "sleepstudy" => (BuiltInData.Load("sleepstudy"), "Reaction ~ 1 + Days + (1 + Days | Subject)", false),
            "penicillin" => (BuiltInData.Load("penicillin"), "diameter ~ 1 + (1 | plate) + (1 | sample)", true),
            "exam_rs" => (BuiltInData.Load("exam"), "normexam ~ standlrt + schgend + (1 + standlrt | school)", false),
            "teaching_crossed" => (SimulatedData.Frame("teaching_crossed"), "y ~ 1 + dept + (1 | s) + (1 | d)", true),
            _ => throw new InvalidOperationException(Case),
        };
        var fit = LinearMixedModel.Fit(_data, _formula, new LmmOptions { Reml = _reml });
        _theta = fit.Theta.ToArray();
        _model = new ProfiledLmm(ModelDesign.Build(_data, _formula), _reml);
    }

    [Benchmark]
    public double Evaluation() => _model.Evaluate(_theta);

    [Benchmark]
    public double Fit() => LinearMixedModel.Fit(_data, _formula, new LmmOptions { Reml = _reml }).Criterion;
}
