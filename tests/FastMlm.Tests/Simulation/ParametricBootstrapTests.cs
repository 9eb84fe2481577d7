using System.Globalization;
using System.Text;
using System.Text.Json;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Simulation;

namespace FastMlm.Tests.Simulation;

public sealed class ParametricBootstrapTests
{
    private static FitResult Sleepstudy() =>
        LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });

    [Fact]
    public void SetResponse_RefitsAsAFreshFitOnTheNewResponse()
    {
        var fit = Sleepstudy();
        var engine = new ProfiledLmm(fit.Design, reml: false);
        var y = fit.Design.Response.Values.ToArray();
        for (int i = 0; i < y.Length; i++) y[i] = (0.5 * y[i]) + (3 * Math.Sin(i));
        engine.SetResponse(y);

        // The same data with the new response, fitted from scratch.
        var source = BuiltInData.Load("sleepstudy");
        var csv = new StringBuilder("Reaction,Days,Subject\n");
        var days = fit.Design.Fixed.X.Column(1);
        var subject = fit.Design.RandomTerms[0].Grouping;
        for (int i = 0; i < y.Length; i++)
        {
            csv.Append(y[i].ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(days[i].ToString(CultureInfo.InvariantCulture))
               .Append(',').Append(subject.Levels[subject.Codes[i]]).Append('\n');
        }
        var fresh = LinearMixedModel.Fit(CsvReader.Parse(csv.ToString()), "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = false });
        var theta = fresh.InternalTheta.ToArray();
        Assert.Equal(fresh.Criterion, engine.Evaluate(theta), 1e-8);
        Assert.Equal(source.RowCount, y.Length);
    }

    [Fact]
    public void Replicates_AreIdenticalWhateverTheThreadCount()
    {
        var fit = Sleepstudy();
        var one = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 40, Seed = 42, Threads = 1 });
        var two = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 40, Seed = 42, Threads = 2 });
        var other = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 40, Seed = 43, Threads = 2 });
        Assert.Equal(40, one.Completed);
        for (int r = 0; r < 40; r++)
        {
            Assert.Equal(one.Values[r], two.Values[r]);
            Assert.Equal(one.Criterion[r], two.Criterion[r]);
        }
        Assert.NotEqual(one.Values[0], other.Values[0]);
    }

    [Fact]
    public void Simulate_DrawsFromTheModelsMeanAndVariance()
    {
        // Averaged over many draws, y has mean Xβ and the marginal variance σ²(1 + z'ΛΛ'z) at each row.
        var fit = LinearMixedModel.Fit(BuiltInData.Load("dyestuff"), "Yield ~ 1 + (1 | Batch)", new LmmOptions { Reml = false });
        var engine = new ProfiledLmm(fit.Design, reml: false);
        var theta = fit.InternalTheta.ToArray();
        double beta = fit.FixedEffects[0].Estimate, sigma = fit.Sigma;
        const int draws = 20_000;
        double sum = 0, sumSq = 0;
        var y = new double[engine.N];
        for (int d = 0; d < draws; d++)
        {
            var rng = new RandomStream(7, d);
            engine.Simulate(theta, [beta], sigma, rng.NextNormal, y);
            sum += y[0];
            sumSq += y[0] * y[0];
        }
        double mean = sum / draws, variance = (sumSq / draws) - (mean * mean);
        double expectedVariance = sigma * sigma * (1 + (theta[0] * theta[0]));
        Assert.Equal(beta, mean, 4 * Math.Sqrt(expectedVariance / draws));
        Assert.Equal(expectedVariance, variance, 0.05 * expectedVariance);
    }

    [Fact]
    public void PercentileIntervals_AgreeWithLme4BootMerWithinMonteCarloError()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Lme4Checks", "bootstrap-sleepstudy.json")));
        var root = doc.RootElement;
        int nsim = root.GetProperty("nsim").GetInt32();
        var boot = ParametricBootstrap.Run(Sleepstudy(), new BootstrapOptions { Replicates = nsim, Seed = 20261125 });
        var intervals = boot.PercentileIntervals(0.95);
        foreach (var e in root.GetProperty("intervals").EnumerateArray())
        {
            string name = e.GetProperty("parameter").GetString()!;
            var ci = intervals.Single(i => i.Parameter == name);
            // A 2.5% quantile of n draws has a standard error near 0.06 SD at n = 2000; the difference of two
            // independent runs about 0.085 SD. Four of those: 0.35 SD.
            double tol = 0.35 * e.GetProperty("sd").GetDouble();
            Assert.True(Math.Abs(ci.Lower - e.GetProperty("lower").GetDouble()) <= tol, $"{name} lower {ci.Lower} vs bootMer {e.GetProperty("lower").GetDouble()}");
            Assert.True(Math.Abs(ci.Upper - e.GetProperty("upper").GetDouble()) <= tol, $"{name} upper {ci.Upper} vs bootMer {e.GetProperty("upper").GetDouble()}");
        }
    }

    [Fact]
    public void Cancellation_ReturnsTheReplicatesDone()
    {
        using var cts = new CancellationTokenSource();
        var result = ParametricBootstrap.Run(Sleepstudy(), new BootstrapOptions
        {
            Replicates = 10_000,
            Threads = 1,
            Cancellation = cts.Token,
            Progress = done => { if (done == 25) cts.Cancel(); },
        });
        Assert.InRange(result.Completed, 25, 27);
        Assert.Equal(result.Completed, result.Values.Count(v => v is not null));
        Assert.All(result.PercentileIntervals(), ci => Assert.True(ci.Lower <= ci.Upper));
    }

    [Fact]
    public void ResponseSimulator_IsReproducibleAndIsWhatTheBootstrapRefits()
    {
        var fit = Sleepstudy();
        var a = ResponseSimulator.Simulate(fit, seed: 5, index: 3);
        Assert.Equal(a, ResponseSimulator.Simulate(fit, seed: 5, index: 3));
        Assert.NotEqual(a, ResponseSimulator.Simulate(fit, seed: 5, index: 4));
        // Refitting that response from scratch gives the bootstrap's replicate 3 of seed 5.
        var engine = new ProfiledLmm(fit.Design, reml: false);
        engine.SetResponse(a);
        var boot = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 4, Seed = 5, Threads = 1 });
        var opt = FastMlm.Optimization.Bobyqa.Minimize(engine.Evaluate, fit.InternalTheta.ToArray(), engine.Lower, [double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity], LinearMixedModel.DefaultOptimizer);
        Assert.Equal(boot.Criterion[3], opt.Value, 1e-9);
    }
}
