using BenchmarkDotNet.Attributes;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Models;

namespace FastMlm.Benchmarks;

/// <summary>
/// Generalized linear mixed model fits from data in memory (design, both optimisation stages, glmer's Hessian
/// standard errors, the convergence check, conditional modes and variances), and one Laplace evaluation (PIRLS
/// from the modes at the optimum) at the estimates. Cases: cbpp's binomial counts by Laplace and by 25-point
/// quadrature; a binary response with two crossed factors; successes out of trials with a correlated random slope;
/// Poisson counts with an offset and nested factors; 100,000 binary outcomes in 5,000 groups. glmer's times for
/// the same fits are measured side by side by benchmarks/lme4/time-glmer.R. Target: at least 10× faster than glmer.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class GlmmBenchmarks
{
    private DataFrame _data = null!;
    private string _formula = "";
    private Family _family;
    private int _nagq;
    private GlmmEvaluator _evaluator = null!;
    private double[] _theta = [];
    private double[] _beta = [];
    private double[] _u = [];

    [Params("cbpp_laplace", "cbpp_agq25", "bernoulli_crossed", "binomial_slopes", "poisson_nested", "bernoulli_100k")]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (_data, _formula, _family, _nagq) = Case switch
        {
            "cbpp_laplace" => (BuiltInData.Load("cbpp"), "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", Family.Binomial, 1),
            "cbpp_agq25" => (BuiltInData.Load("cbpp"), "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", Family.Binomial, 25),
            "bernoulli_crossed" => (SimulatedData.Frame("bernoulli_crossed_sim"), "y ~ x + (1 | a) + (1 | b)", Family.Binomial, 1),
            "binomial_slopes" => (SimulatedData.Frame("binomial_slopes_sim"), "cbind(k, n - k) ~ x + (1 + x | g)", Family.Binomial, 1),
            "poisson_nested" => (SimulatedData.Frame("poisson_nested_sim"), "y ~ x + offset(log(t)) + (1 | school/class)", Family.Poisson, 1),
            "bernoulli_100k" => (SimulatedData.Frame("bernoulli_100k_sim"), "y ~ x1 + x2 + (1 | g)", Family.Binomial, 1),
            _ => throw new InvalidOperationException(Case),
        };
        var design = ModelDesign.Build(_data, _formula, _family);
        var fit = GeneralizedLinearMixedModel.Fit(design, new GlmmOptions { Nagq = _nagq });
        _theta = fit.InternalTheta.ToArray();
        _beta = fit.FixedEffects.Select(f => f.Estimate).ToArray();
        _evaluator = new GlmmEvaluator(design, new GlmResponse(design.Response, _family, Links.Canonical(_family)));
        _evaluator.Laplace(_theta, _beta);
        _u = _evaluator.U.ToArray();
    }

    /// <summary>One Laplace evaluation at the estimates: PIRLS from the modes (what the optimiser pays per step, near the end).</summary>
    [Benchmark]
    public double Evaluation()
    {
        _evaluator.SetStart(_u);
        return _evaluator.Laplace(_theta, _beta);
    }

    [Benchmark]
    public double Fit() => GeneralizedLinearMixedModel.Fit(_data, _formula, _family, new GlmmOptions { Nagq = _nagq }).Deviance;
}
