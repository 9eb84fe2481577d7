using BenchmarkDotNet.Attributes;
using FastMlm.LinearAlgebra;

namespace FastMlm.Benchmarks;

/// <summary>
/// The envelope factor against the dense one on a banded symmetric positive definite matrix of order n and half
/// bandwidth 150 (the band of teaching_crossed's lecturers): <c>EnvelopeCholesky.Factor</c> on the band's envelope
/// (about 150 n values, 150² n / 2 multiply–adds) and <c>DenseCholesky.Factor</c> on the same matrix stored square
/// (n³/3 flops). Each call first copies the pristine values over the factored ones (included in the time).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class EnvelopeBenchmarks
{
    private const int HalfBand = 150;
    private EnvelopePattern _pattern = null!;
    private double[] _envelope = [];
    private double[] _envelopeWork = [];
    private double[] _dense = [];
    private double[] _denseWork = [];

    [Params(1100, 4400)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int n = N;
        var random = new Random(20261126);
        var first = new int[n];
        for (int i = 0; i < n; i++) first[i] = Math.Max(0, i - HalfBand);
        _pattern = EnvelopePattern.Tiled(first);
        _envelope = new double[_pattern.Count];
        _dense = new double[n * n];
        // Random entries in the band, the diagonal dominant: positive definite.
        for (int i = 0; i < n; i++)
        {
            for (int j = first[i]; j < i; j++)
            {
                double v = random.NextDouble() - 0.5;
                _envelope[_pattern.Index(i, j)] = v;
                _dense[(j * n) + i] = v;
            }
            _envelope[_pattern.Index(i, i)] = HalfBand;
            _dense[(i * n) + i] = HalfBand;
        }
        _envelopeWork = new double[_envelope.Length];
        _denseWork = new double[_dense.Length];
    }

    [Benchmark]
    public bool Envelope()
    {
        _envelope.AsSpan().CopyTo(_envelopeWork);
        return EnvelopeCholesky.Factor(_pattern, _envelopeWork);
    }

    [Benchmark]
    public bool Dense()
    {
        _dense.AsSpan().CopyTo(_denseWork);
        return DenseCholesky.Factor(_denseWork, N, N);
    }
}
