using System.Runtime.Intrinsics;
using FastMlm.LinearAlgebra;

namespace FastMlm.Tests.LinearAlgebra;

/// <summary>The blocked Cholesky factorisation and its kernels at every SIMD width, against a plain reference.</summary>
public sealed class DenseCholeskyTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (var w in Widths())
        {
            // Sizes around the 96-column blocks, the 16-row strips and 16×8 tiles, and ones large enough to split between threads.
            foreach (int n in new[] { 1, 2, 5, 15, 16, 17, 63, 95, 96, 97, 130, 193, 301, 420 }) data.Add((int)w, n);
        }
        return data;
    }

    private static IEnumerable<SimdWidth> Widths()
    {
        yield return SimdWidth.Scalar;
        if (Vector256.IsHardwareAccelerated) yield return SimdWidth.Vector256;
        if (Vector512.IsHardwareAccelerated) yield return SimdWidth.Vector512;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Factor_ReproducesTheMatrix(int widthCode, int n)
    {
        var width = (SimdWidth)widthCode;
        var a = RandomSpd(n, seed: n);
        var l = (double[])a.Clone();
        Assert.True(DenseCholesky.Factor(l, n, n, width));
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k <= j; k++) s += l[(k * n) + i] * l[(k * n) + j];
                Assert.True(Math.Abs(s - a[(j * n) + i]) <= 1e-10 * Math.Max(1, Math.Abs(a[(j * n) + i])), $"({i},{j}) {s} != {a[(j * n) + i]}");
            }
        }
    }

    [Fact]
    public void Factor_WidthsAgree_OnALargeMatrix()
    {
        const int n = 500;
        var a = RandomSpd(n, seed: 7);
        double[]? first = null;
        foreach (var w in Widths())
        {
            var l = (double[])a.Clone();
            Assert.True(DenseCholesky.Factor(l, n, n, w));
            if (first is null)
            {
                first = l;
                continue;
            }
            for (int j = 0; j < n; j++)
            {
                for (int i = j; i < n; i++) Assert.Equal(first[(j * n) + i], l[(j * n) + i], 1e-9);
            }
        }
    }

    [Theory]
    [InlineData((int)SimdWidth.Scalar)]
    [InlineData((int)SimdWidth.Vector256)]
    [InlineData((int)SimdWidth.Vector512)]
    public void Factor_NotPositiveDefinite_ReturnsFalse(int widthCode)
    {
        var width = (SimdWidth)widthCode;
        if (!Supported(width)) return;
        const int n = 70;
        var a = RandomSpd(n, seed: 3);
        a[(40 * n) + 40] = -1; // a negative diagonal element: not positive definite
        Assert.False(DenseCholesky.Factor(a, n, n, width));
    }

    [Fact]
    public void Factor_LeadingDimensionLargerThanN_LeavesTheRestAlone()
    {
        const int n = 20, ld = 23;
        var a = new double[ld * n];
        var spd = RandomSpd(n, seed: 11);
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) a[(j * ld) + i] = spd[(j * n) + i];
        for (int j = 0; j < n; j++) for (int i = n; i < ld; i++) a[(j * ld) + i] = 42;
        Assert.True(DenseCholesky.Factor(a, n, ld));
        for (int j = 0; j < n; j++) for (int i = n; i < ld; i++) Assert.Equal(42, a[(j * ld) + i]);
        var packed = (double[])spd.Clone();
        Assert.True(DenseCholesky.Factor(packed, n, n));
        for (int j = 0; j < n; j++) for (int i = j; i < n; i++) Assert.Equal(packed[(j * n) + i], a[(j * ld) + i], 1e-12);
    }

    [Theory]
    [InlineData((int)SimdWidth.Scalar)]
    [InlineData((int)SimdWidth.Vector256)]
    [InlineData((int)SimdWidth.Vector512)]
    public void Kernels_MatchScalarArithmetic(int widthCode)
    {
        var width = (SimdWidth)widthCode;
        if (!Supported(width)) return;
        var rng = new Random(5);
        foreach (int n in new[] { 0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 24, 33, 100 })
        {
            var x = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var y = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
            double dot = 0;
            for (int i = 0; i < n; i++) dot += x[i] * y[i];
            Assert.Equal(dot, Kernels.Dot(x, y, width), 1e-12);
            var axpy = (double[])y.Clone();
            Kernels.Axpy(2.5, x, axpy, width);
            for (int i = 0; i < n; i++) Assert.Equal(y[i] + (2.5 * x[i]), axpy[i], 1e-14);
            var scaled = (double[])x.Clone();
            Kernels.Scale(-3, scaled, width);
            for (int i = 0; i < n; i++) Assert.Equal(-3 * x[i], scaled[i], 1e-14);
            if (n % 8 == 0)
            {
                var whole = (double[])y.Clone();
                Kernels.SubtractScaledWhole(2.5, x, whole, width);
                for (int i = 0; i < n; i++) Assert.Equal(y[i] - (2.5 * x[i]), whole[i], 1e-14);
            }
        }
    }

    public static TheoryData<int, int, int> SolveCases()
    {
        var data = new TheoryData<int, int, int>();
        foreach (var w in Widths())
        {
            // Orders around the four-column steps; strides around both vector widths, padding included.
            foreach (int n in new[] { 1, 3, 4, 5, 9, 40 })
            {
                foreach (int stride in new[] { 1, 3, 4, 8, 11, 16, 19, 24 }) data.Add((int)w, n, stride);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SolveCases))]
    public void SolveLowerRows_MatchesForwardSubstitution(int widthCode, int n, int stride)
    {
        var l = RandomSpd(n, seed: n + stride);
        Assert.True(DenseCholesky.Factor(l, n, n));
        var rng = new Random(stride);
        int columns = Math.Min(stride, 3);
        var x = new double[n * stride];
        var b = new double[columns * n];
        for (int r = 0; r < columns; r++)
        {
            for (int i = 0; i < n; i++) x[(i * stride) + r] = b[(r * n) + i] = rng.NextDouble() - 0.5;
        }
        DenseCholesky.SolveLowerRows(l, n, x, stride, (SimdWidth)widthCode);
        for (int r = 0; r < columns; r++)
        {
            var want = b.AsSpan(r * n, n).ToArray();
            for (int j = 0; j < n; j++)
            {
                want[j] /= l[(j * n) + j];
                for (int i = j + 1; i < n; i++) want[i] -= l[(j * n) + i] * want[j];
            }
            for (int i = 0; i < n; i++)
            {
                double got = x[(i * stride) + r];
                Assert.True(Math.Abs(got - want[i]) <= 1e-12 * Math.Max(1, Math.Abs(want[i])), $"column {r} row {i}: {got} != {want[i]}");
            }
        }
        for (int i = 0; i < n; i++)
        {
            for (int r = columns; r < stride; r++) Assert.Equal(0, x[(i * stride) + r]);
        }
    }

    private static bool Supported(SimdWidth width) => Widths().Contains(width);

    private static double[] RandomSpd(int n, int seed)
    {
        var rng = new Random(seed);
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        var a = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            for (int i = j; i < n; i++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += b[(k * n) + i] * b[(k * n) + j];
                a[(j * n) + i] = a[(i * n) + j] = s + (i == j ? n : 0);
            }
        }
        return a;
    }
}
