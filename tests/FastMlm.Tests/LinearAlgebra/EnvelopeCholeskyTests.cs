using FastMlm.LinearAlgebra;

namespace FastMlm.Tests.LinearAlgebra;

/// <summary>The envelope Cholesky factor, its solves and selected inverse against the dense factor; the envelope ordering.</summary>
public sealed class EnvelopeCholeskyTests
{
    /// <summary>A = L L' for a random L on a random envelope (zeros sprinkled inside it): A has that envelope, and L is its factor.</summary>
    private static (EnvelopePattern Pattern, double[] A, double[] Dense) RandomSpd(int n, int band, int seed, bool tiled = false)
    {
        var rng = new Random(seed);
        var rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = rng.Next(5) == 0 ? 0 : Math.Max(0, i - rng.Next(band + 1));
        var pattern = tiled ? EnvelopePattern.Tiled(rows) : new EnvelopePattern(rows);
        var first = pattern.First;
        var l = new double[n * n];
        double scale = 1 / Math.Sqrt(band + 1.0); // keeps A well conditioned at every size
        for (int i = 0; i < n; i++)
        {
            for (int j = first[i]; j < i; j++) l[(j * n) + i] = rng.Next(3) == 0 ? 0 : scale * (rng.NextDouble() - 0.5);
            l[(i * n) + i] = 0.5 + rng.NextDouble();
        }
        var dense = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            for (int i = j; i < n; i++)
            {
                double s = 0;
                for (int k = 0; k <= j; k++) s += l[(k * n) + i] * l[(k * n) + j];
                dense[(j * n) + i] = dense[(i * n) + j] = s;
            }
        }
        var a = new double[pattern.Count];
        for (int i = 0; i < n; i++)
        {
            for (int j = first[i]; j <= i; j++) a[pattern.Index(i, j)] = dense[(j * n) + i];
        }
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < first[i]; j++) Assert.Equal(0, dense[(j * n) + i]);
        }
        return (pattern, a, dense);
    }

    private static void AssertClose(double want, double got, string what) =>
        Assert.True(Math.Abs(want - got) <= 1e-10 * Math.Max(1, Math.Abs(want)), $"{what}: {got} != {want}");

    public static TheoryData<int, int, int, bool, int> FactorCases()
    {
        var data = new TheoryData<int, int, int, bool, int>();
        foreach (var width in Widths())
        {
            foreach (bool tiled in new[] { false, true })
            {
                // Orders around the 4-row tiles; bands from a diagonal matrix to a full one.
                foreach (var (n, band) in new[] { (1, 0), (6, 2), (8, 8), (41, 7), (150, 30), (203, 60), (300, 300) })
                {
                    data.Add(n, band, n + band, tiled, (int)width);
                }
            }
        }
        return data;
    }

    private static IEnumerable<SimdWidth> Widths()
    {
        yield return SimdWidth.Scalar;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) yield return SimdWidth.Vector256;
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) yield return SimdWidth.Vector512;
    }

    [Theory]
    [MemberData(nameof(FactorCases))]
    public void Factor_LogDetAndSolves_MatchTheDenseFactor(int n, int band, int seed, bool tiled, int widthCode)
    {
        var (pattern, a, dense) = RandomSpd(n, band, seed, tiled);
        if (tiled) Assert.True(pattern.IsTiled);
        var l = (double[])a.Clone();
        Assert.True(EnvelopeCholesky.Factor(pattern, l, (SimdWidth)widthCode));
        var ld = (double[])dense.Clone();
        Assert.True(DenseCholesky.Factor(ld, n, n));
        double logDet = 0;
        for (int i = 0; i < n; i++)
        {
            logDet += 2 * Math.Log(ld[(i * n) + i]);
            for (int j = 0; j < pattern.First[i]; j++) Assert.True(Math.Abs(ld[(j * n) + i]) < 1e-12, "fill outside the envelope");
            for (int j = pattern.First[i]; j <= i; j++) AssertClose(ld[(j * n) + i], l[pattern.Index(i, j)], $"L[{i},{j}]");
        }
        AssertClose(logDet, EnvelopeCholesky.LogDeterminant(pattern, l), "log-determinant");

        // Several right-hand sides at once, stored by rows (strides around the vector widths, padding included),
        // and the transposed solve.
        var rng = new Random(seed + 100);
        var b = Enumerable.Range(0, 3 * n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        foreach (int stride in new[] { 1, 3, 4, 8, 11, 16, 19, 24 })
        {
            int columns = Math.Min(stride, 3);
            var x = new double[n * stride];
            for (int r = 0; r < columns; r++)
            {
                for (int i = 0; i < n; i++) x[(i * stride) + r] = b[(r * n) + i];
            }
            EnvelopeCholesky.SolveLowerRows(pattern, l, x, stride, (SimdWidth)widthCode);
            for (int r = 0; r < columns; r++)
            {
                var want = b.AsSpan(r * n, n).ToArray();
                for (int j = 0; j < n; j++)
                {
                    want[j] /= ld[(j * n) + j];
                    for (int i = j + 1; i < n; i++) want[i] -= ld[(j * n) + i] * want[j];
                }
                for (int i = 0; i < n; i++) AssertClose(want[i], x[(i * stride) + r], $"stride {stride}: solve {r} row {i}");
            }
            for (int i = 0; i < n; i++)
            {
                for (int r = columns; r < stride; r++) Assert.Equal(0, x[(i * stride) + r]);
            }
        }
        var y = b.AsSpan(0, n).ToArray();
        EnvelopeCholesky.SolveLowerTransposed(pattern, l, y);
        var wantT = b.AsSpan(0, n).ToArray();
        for (int i = n - 1; i >= 0; i--)
        {
            double s = wantT[i];
            for (int k = i + 1; k < n; k++) s -= ld[(i * n) + k] * wantT[k];
            wantT[i] = s / ld[(i * n) + i];
        }
        for (int i = 0; i < n; i++) AssertClose(wantT[i], y[i], $"transposed solve row {i}");
    }

    [Theory]
    [InlineData(1, 0, 11)]
    [InlineData(7, 3, 12)]
    [InlineData(60, 9, 13)]
    [InlineData(200, 25, 14)]
    [InlineData(97, 13, 15)]
    public void SelectedInverse_EqualsTheDenseInverseOnTheEnvelope(int n, int band, int seed)
    {
        var (pattern, a, dense) = RandomSpd(n, band, seed, tiled: seed % 2 == 1);
        var l = (double[])a.Clone();
        Assert.True(EnvelopeCholesky.Factor(pattern, l));
        var z = new double[pattern.Count];
        EnvelopeCholesky.SelectedInverse(pattern, l, z, new double[n], new double[n]);

        // The dense inverse, column by column from the dense factor.
        var ld = (double[])dense.Clone();
        Assert.True(DenseCholesky.Factor(ld, n, n));
        for (int c = 0; c < n; c++)
        {
            var e = new double[n];
            e[c] = 1;
            for (int j = 0; j < n; j++)
            {
                e[j] /= ld[(j * n) + j];
                for (int i = j + 1; i < n; i++) e[i] -= ld[(j * n) + i] * e[j];
            }
            for (int i = n - 1; i >= 0; i--)
            {
                double s = e[i];
                for (int k = i + 1; k < n; k++) s -= ld[(i * n) + k] * e[k];
                e[i] = s / ld[(i * n) + i];
            }
            for (int i = c; i < n; i++)
            {
                if (pattern.Contains(i, c)) AssertClose(e[i], z[pattern.Index(i, c)], $"Z[{i},{c}]");
            }
        }
    }

    [Fact]
    public void Factor_NonPositivePivot_ReturnsFalse()
    {
        var pattern = new EnvelopePattern([0, 0, 1]);
        // [[1, 2, .], [2, 1, 0], [., 0, 1]]: the second pivot is 1 − 4 < 0.
        var a = new double[] { 1, 2, 1, 0, 1 };
        Assert.False(EnvelopeCholesky.Factor(pattern, a));
        Assert.False(EnvelopeCholesky.Factor(new EnvelopePattern([0]), new double[] { double.NaN }));
        // The tiled kernel: the identity of order 8 but for a negative sixth pivot.
        var tiled = EnvelopePattern.Tiled(new int[8]);
        Assert.True(tiled.IsTiled);
        var identity = new double[tiled.Count];
        foreach (int d in tiled.Diagonal) identity[d] = 1;
        identity[tiled.Diagonal[5]] = -1;
        Assert.False(EnvelopeCholesky.Factor(tiled, identity));
    }

    [Fact]
    public void Pattern_ColumnEndIsTheLastRowReachingEachColumn()
    {
        var pattern = new EnvelopePattern([0, 0, 2, 1, 4, 0]);
        Assert.Equal([5, 5, 5, 5, 5, 5], pattern.ColumnEnd);
        var band = new EnvelopePattern([0, 0, 1, 2, 4]);
        Assert.Equal([1, 2, 3, 3, 4], band.ColumnEnd);
        Assert.Equal(1 + 2 + 2 + 2 + 1, band.Count);
    }

    [Fact]
    public void ReverseCuthillMcKee_RecoversABandFromAScrambledBandedMatrix()
    {
        const int n = 400, bandwidth = 3;
        var rng = new Random(5);
        var label = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
        // Edges i–j for |i − j| ≤ 3 among scrambled labels, each a clique of two; two components.
        var start = new List<int> { 0 };
        var nodes = new List<int>();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j <= Math.Min(n - 1, i + bandwidth); j++)
            {
                if (i == (n / 2) - 1 && j >= n / 2) continue;
                nodes.Add(label[i]);
                nodes.Add(label[j]);
                start.Add(nodes.Count);
            }
        }
        var graph = new CliqueGraph(n, [.. start], [.. nodes]);
        var sizes = Enumerable.Repeat(1, n).ToArray();
        var order = EnvelopeOrdering.ReverseCuthillMcKee(graph);
        Assert.Equal(Enumerable.Range(0, n), order.Order());

        long Envelope(int[] nodeOrder)
        {
            var first = EnvelopeOrdering.EnvelopeFirst(graph, EnvelopeOrdering.NodeStarts(nodeOrder, sizes), sizes);
            return new EnvelopePattern(first).Count;
        }
        long scrambled = Envelope(Enumerable.Range(0, n).ToArray());
        long rcm = Envelope(order);
        Assert.True(rcm <= n * (bandwidth + 1), $"RCM envelope {rcm}");
        Assert.True(rcm * 10 < scrambled, $"RCM {rcm} vs scrambled {scrambled}");
    }

    [Fact]
    public void EnvelopeFirst_KeepsANodesColumnsTogether()
    {
        // Nodes 0 (two columns) and 1 (three columns) in one clique, node 2 (one column) alone; laid out 2, 1, 0.
        var graph = new CliqueGraph(3, [0, 2, 3], [0, 1, 2]);
        var sizes = new[] { 2, 3, 1 };
        var start = EnvelopeOrdering.NodeStarts([2, 1, 0], sizes);
        Assert.Equal([4, 1, 0], start);
        Assert.Equal([0, 1, 1, 1, 1, 1], EnvelopeOrdering.EnvelopeFirst(graph, start, sizes));
    }
}
