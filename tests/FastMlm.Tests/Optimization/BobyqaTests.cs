using FastMlm.Optimization;

namespace FastMlm.Tests.Optimization;

/// <summary>BOBYQA on standard problems: unconstrained, with active bounds, one-dimensional, ill-conditioned, with holes.</summary>
public sealed class BobyqaTests
{
    private static readonly BobyqaOptions Tight = new() { InitialRadius = 0.5, FinalRadius = 1e-9 };

    private static double[] Inf(int n, double sign) => Enumerable.Repeat(sign * double.PositiveInfinity, n).ToArray();

    [Fact]
    public void Rosenbrock2D_FromTheStandardStart()
    {
        var r = Bobyqa.Minimize(x => (100 * Math.Pow(x[1] - (x[0] * x[0]), 2)) + Math.Pow(1 - x[0], 2), [-1.2, 1], Inf(2, -1), Inf(2, 1), Tight);
        Assert.Equal(OptimizerStatus.Converged, r.Status);
        Assert.Equal(1, r.X[0], 1e-6);
        Assert.Equal(1, r.X[1], 1e-6);
        Assert.True(r.Evaluations < 400, $"{r.Evaluations} evaluations");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void RosenbrockND(int n)
    {
        double F(ReadOnlySpan<double> x)
        {
            double s = 0;
            for (int i = 0; i + 1 < x.Length; i++) s += (100 * Math.Pow(x[i + 1] - (x[i] * x[i]), 2)) + Math.Pow(1 - x[i], 2);
            return s;
        }
        var start = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -1.2 : 1.0).ToArray();
        var r = Bobyqa.Minimize(F, start, Inf(n, -1), Inf(n, 1), Tight);
        Assert.True(r.Value < 1e-10, $"f = {r.Value} after {r.Evaluations}");
        Assert.All(r.X, v => Assert.Equal(1, v, 1e-4));
    }

    [Fact]
    public void QuadraticWithMinimumOutsideTheBox_EndsExactlyOnTheBounds()
    {
        var seen = new List<double[]>();
        double F(ReadOnlySpan<double> x)
        {
            seen.Add(x.ToArray());
            return Math.Pow(x[0] + 1, 2) + Math.Pow(x[1] - 3, 2) + Math.Pow(x[2] - 0.5, 2) + (0.5 * x[0] * x[2]);
        }
        double[] lower = [0, double.NegativeInfinity, 0], upper = [double.PositiveInfinity, 2, 1];
        var r = Bobyqa.Minimize(F, [1, 0, 0.5], lower, upper, Tight);
        Assert.Equal(0, r.X[0]);
        Assert.Equal(2, r.X[1]);
        Assert.Equal(0.5, r.X[2], 1e-7);
        Assert.All(seen, x =>
        {
            for (int i = 0; i < 3; i++) Assert.InRange(x[i], lower[i], upper[i]);
        });
    }

    [Fact]
    public void StartOnTheBound_MovesInwardWhenThatIsBetter()
    {
        var r = Bobyqa.Minimize(x => Math.Pow(x[0] - 0.7, 2) + Math.Pow(x[1] + 0.2, 2), [0, 0], [0, double.NegativeInfinity], Inf(2, 1), Tight);
        Assert.Equal(0.7, r.X[0], 1e-7);
        Assert.Equal(-0.2, r.X[1], 1e-7);
    }

    [Theory]
    [InlineData(2.0, 2.0)]
    [InlineData(-3.0, 0.0)]
    public void OneDimension(double minimum, double expected)
    {
        var r = Bobyqa.Minimize(x => Math.Pow(x[0] - minimum, 2) + 1, [1], [0], [double.PositiveInfinity], Tight);
        Assert.Equal(expected, r.X[0], 1e-7);
        Assert.Equal(1 + Math.Pow(expected - minimum, 2), r.Value, 1e-12);
    }

    [Fact]
    public void IllConditionedQuadratic_Converges()
    {
        double[] w = [1, 1e3, 1e6];
        var r = Bobyqa.Minimize(x => (w[0] * x[0] * x[0]) + (w[1] * Math.Pow(x[1] - 1, 2)) + (w[2] * Math.Pow(x[2] + 0.001, 2)) + (10 * x[0] * x[1]), [1, 1, 1], Inf(3, -1), Inf(3, 1), Tight);
        // Stationary point: 2x0 + 10x1 = 0, 2000(x1 − 1) + 10 x0 = 0.
        double x1 = 2000 / (2000 - 50.0), x0 = -5 * x1;
        Assert.Equal(x0, r.X[0], 1e-5);
        Assert.Equal(x1, r.X[1], 1e-6);
        Assert.Equal(-0.001, r.X[2], 1e-7);
    }

    [Fact]
    public void PowellsSphereProblem_ReachesHisReportedQuality()
    {
        // BOBYQA report, section 7: m/2 points in the plane on bounds [-1, 1]... here points on a sphere: minimise the
        // sum of inverse distances of 5 points in 3-D (n = 15), each coordinate in [-1, 1].
        const int points = 5;
        double F(ReadOnlySpan<double> x)
        {
            double s = 0;
            for (int i = 0; i < points; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    double d2 = 0;
                    for (int k = 0; k < 3; k++) d2 += Math.Pow(x[(3 * i) + k] - x[(3 * j) + k], 2);
                    s += 1 / Math.Sqrt(Math.Max(d2, 1e-12));
                }
            }
            return s;
        }
        var start = new double[3 * points];
        for (int i = 0; i < points; i++)
        {
            double t = 2 * Math.PI * i / points;
            start[3 * i] = 0.5 * Math.Cos(t);
            start[(3 * i) + 1] = 0.5 * Math.Sin(t);
            start[(3 * i) + 2] = 0.1 * i;
        }
        var r = Bobyqa.Minimize(F, start, Inf(15, -1).Select(_ => -1.0).ToArray(), Enumerable.Repeat(1.0, 15).ToArray(),
            new BobyqaOptions { InitialRadius = 0.1, FinalRadius = 1e-7 });
        Assert.All(r.X, v => Assert.InRange(v, -1, 1));
        // Spreading the points to corners of the cube lowers the sum well below its start.
        Assert.True(r.Value < 0.6 * F(start), $"{r.Value} vs {F(start)}");
        Assert.True(r.Value < 4.2, r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void MaxEvaluations_IsHonoured()
    {
        int calls = 0;
        var r = Bobyqa.Minimize(x =>
        {
            calls++;
            return (100 * Math.Pow(x[1] - (x[0] * x[0]), 2)) + Math.Pow(1 - x[0], 2);
        }, [-1.2, 1], Inf(2, -1), Inf(2, 1), new BobyqaOptions { MaxEvaluations = 20 });
        Assert.Equal(OptimizerStatus.MaxEvaluationsReached, r.Status);
        Assert.True(calls <= 20, $"{calls} calls");
        Assert.Equal(calls, r.Evaluations);
    }

    [Fact]
    public void NaNInARegion_IsAvoided()
    {
        var r = Bobyqa.Minimize(x => x[0] > 1.5 ? double.NaN : Math.Pow(x[0] - 1, 2) + Math.Pow(x[1], 2), [0, 1], Inf(2, -1), Inf(2, 1), Tight);
        Assert.Equal(1, r.X[0], 1e-6);
        Assert.Equal(0, r.X[1], 1e-6);
    }

    [Fact]
    public void BadArguments_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => Bobyqa.Minimize(x => 0, [1], [2], [3]));
        Assert.Throws<ArgumentException>(() => Bobyqa.Minimize(x => 0, [1, 2], [0], [3]));
        Assert.Throws<ArgumentException>(() => Bobyqa.Minimize(x => 0, [], [], []));
        Assert.Throws<ArgumentException>(() => Bobyqa.Minimize(x => 0, [1], [4], [3]));
    }

    [Fact]
    public void FunctionTolerance_StopsOnlyWhenTheStepIsAlsoSmall()
    {
        // A long shallow slope: every step gains little in f, but x is far from the minimum at 30.
        var r = Bobyqa.Minimize(x => 1e-9 * Math.Pow(x[0] - 30, 2), [0], [double.NegativeInfinity], [double.PositiveInfinity],
            new BobyqaOptions { InitialRadius = 0.5, FinalRadius = 1e-6, FunctionToleranceAbsolute = 1e-6, XToleranceAbsolute = 1e-6 });
        Assert.Equal(30, r.X[0], 1e-3);
    }

    [Fact]
    public void FunctionTolerance_WithSmallSteps_Stops()
    {
        var r = Bobyqa.Minimize(x => (100 * Math.Pow(x[1] - (x[0] * x[0]), 2)) + Math.Pow(1 - x[0], 2), [-1.2, 1], Inf(2, -1), Inf(2, 1),
            new BobyqaOptions { InitialRadius = 0.5, FinalRadius = 1e-12, FunctionToleranceAbsolute = 1e-8, XToleranceAbsolute = 1e-4 });
        Assert.Equal(OptimizerStatus.FunctionToleranceReached, r.Status);
        Assert.Equal(1, r.X[0], 1e-3);
        Assert.Equal(1, r.X[1], 1e-3);
    }
}
