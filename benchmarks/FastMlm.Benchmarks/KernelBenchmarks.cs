using BenchmarkDotNet.Attributes;
using FastMlm.LinearAlgebra;

namespace FastMlm.Benchmarks;

/// <summary>
/// The dense kernels a fit spends its time in, at the widest SIMD width this processor runs and with the kernels'
/// own threading (GEMM and the Cholesky factor split large updates between the cores):
/// <list type="bullet">
/// <item><c>Cholesky</c>: <c>DenseCholesky.Factor</c> of an n × n symmetric positive definite matrix (n³/3 flops);
/// each call first copies the pristine matrix over the factored one (n² doubles, included in the time, a small
/// part of it beyond n = 100).</item>
/// <item><c>Gemm</c>: <c>C -= A · B'</c> with n × n operands (2n³ flops), the update that carries the blocked
/// Cholesky.</item>
/// <item><c>TriangularSolve</c>: <c>DenseCholesky.SolveLowerRows</c>, L X = B with the factor of the Cholesky case
/// and 16 right-hand sides stored by rows (16n² flops), the solve that gives L32 (the fixed effects' and the
/// response's columns) in every evaluation; each call first copies the pristine B over the solved one.</item>
/// <item><c>Dot</c> and <c>Axpy</c>: the vector kernels on length-n spans.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class KernelBenchmarks
{
    private double[] _spd = [];
    private double[] _work = [];
    private double[] _a = [];
    private double[] _b = [];
    private double[] _c = [];
    private double[] _x = [];
    private double[] _y = [];
    private double[] _factor = [];
    private double[] _rhs = [];
    private double[] _solved = [];

    [Params(100, 250, 500, 1000, 2000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261125);
        int n = N;
        _a = Fill(random, n * n);
        _b = Fill(random, n * n);
        _c = Fill(random, n * n);
        _x = Fill(random, n);
        _y = Fill(random, n);
        // A A' / n + I: well conditioned, so the factorisation never meets a small pivot.
        _spd = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            for (int i = j; i < n; i++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += _a[i + (k * n)] * _a[j + (k * n)];
                _spd[i + (j * n)] = (s / n) + (i == j ? 1 : 0);
            }
        }
        _work = new double[n * n];
        _factor = (double[])_spd.Clone();
        if (!DenseCholesky.Factor(_factor, n, n)) throw new InvalidOperationException("the benchmark matrix is not positive definite");
        _rhs = Fill(random, n * RightHandSides);
        _solved = new double[n * RightHandSides];
    }

    /// <summary>The right-hand sides of <see cref="TriangularSolve"/>: a model's fixed-effect columns and its response, rounded up to whole vectors.</summary>
    private const int RightHandSides = 16;

    private static double[] Fill(Random random, int count)
    {
        var v = new double[count];
        for (int i = 0; i < count; i++) v[i] = random.NextDouble() - 0.5;
        return v;
    }

    [Benchmark]
    public bool Cholesky()
    {
        _spd.AsSpan().CopyTo(_work);
        return DenseCholesky.Factor(_work, N, N);
    }

    [Benchmark]
    public double Gemm()
    {
        FastMlm.LinearAlgebra.Gemm.MultiplySubtractTransposed(_a, 0, 0, _b, 0, 0, _c, 0, 0, N, N, N, N, DenseCholesky.Best);
        return _c[0];
    }

    [Benchmark]
    public double TriangularSolve()
    {
        _rhs.AsSpan().CopyTo(_solved);
        DenseCholesky.SolveLowerRows(_factor, N, _solved, RightHandSides);
        return _solved[0];
    }

    [Benchmark]
    public double Dot() => Kernels.Dot(_x, _y, DenseCholesky.Best);

    [Benchmark]
    public double Axpy()
    {
        Kernels.Axpy(1e-9, _x, _y, DenseCholesky.Best);
        return _y[0];
    }
}
