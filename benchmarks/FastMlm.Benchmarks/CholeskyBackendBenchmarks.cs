using BenchmarkDotNet.Attributes;
using FastMlm.LinearAlgebra;

namespace FastMlm.Benchmarks;

/// <summary>
/// The dense Cholesky factorisation, managed (blocked, AVX-512 micro-kernel, both cores) against LAPACK's
/// <c>dpotrf</c> from the system's OpenBLAS (pthreads, both cores), on the same SPD matrices. Target: the managed
/// kernel at n = 2000 reaches at least 60% of OpenBLAS's speed. Needs Debian's liblapacke and
/// libopenblas0-pthread for the OpenBLAS rows.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class CholeskyBackendBenchmarks
{
    private double[] _spd = [];
    private double[] _work = [];

    [Params(100, 500, 1000, 2000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(N);
        var b = new double[N * N];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        _spd = new double[N * N];
        // A = B B' + N I, by the project's own Gemm-free loop (setup only).
        for (int j = 0; j < N; j++)
        {
            for (int i = j; i < N; i++)
            {
                double s = i == j ? N : 0;
                for (int k = 0; k < N; k++) s += b[(k * N) + i] * b[(k * N) + j];
                _spd[(j * N) + i] = _spd[(i * N) + j] = s;
            }
        }
        _work = new double[N * N];
    }

    [IterationSetup]
    public void Reset() => _spd.CopyTo(_work, 0);

    [Benchmark(Baseline = true)]
    public bool Managed() => DenseCholesky.Factor(_work, N, N, DenseCholesky.Best);

    [Benchmark]
    public bool OpenBlas() => NativeLapack.Dpotrf(_work, N, N);
}
