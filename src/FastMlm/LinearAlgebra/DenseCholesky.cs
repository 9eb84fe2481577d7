using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlm.LinearAlgebra;

/// <summary>Which SIMD width a dense kernel runs at; every kernel has all three, and tests run each.</summary>
internal enum SimdWidth
{
    /// <summary>One double at a time.</summary>
    Scalar,

    /// <summary>Four doubles (AVX2).</summary>
    Vector256,

    /// <summary>Eight doubles (AVX-512).</summary>
    Vector512,
}

/// <summary>
/// In-place Cholesky factorisation <c>A = L L'</c> of a symmetric positive definite matrix stored column-major
/// with a leading dimension, reading and writing only the lower triangle. Right-looking by blocks of columns:
/// each block column is first updated by the columns already factored (a GEMM, which carries almost all the
/// work and runs a register-blocked SIMD micro-kernel), then its diagonal block is factored and the panel
/// below it solved against that block.
/// </summary>
internal static class DenseCholesky
{
    private const int BlockSize = 96;

    [ThreadStatic]
    private static double[]? t_lower;

    [ThreadStatic]
    private static double[]? t_inverse;

    /// <summary>The widest kernel this processor runs.</summary>
    public static SimdWidth Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512 :
        Vector256.IsHardwareAccelerated ? SimdWidth.Vector256 : SimdWidth.Scalar;

    /// <summary>
    /// Factors the leading <paramref name="n"/>×<paramref name="n"/> block of <paramref name="a"/> (column-major,
    /// leading dimension <paramref name="ld"/>). Returns false, leaving <paramref name="a"/> partly overwritten,
    /// when a pivot is not positive and finite.
    /// </summary>
    public static bool Factor(double[] a, int n, int ld) =>
        NativeLapack.Backend == LinearAlgebraBackend.OpenBlas && n >= NativeThreshold && !Parallelism.InBatchWorker
            ? NativeLapack.Dpotrf(a, n, ld)
            : Factor(a, n, ld, Best);

    /// <summary>Below this order the managed kernel is used whatever the backend (a call into LAPACK costs more than it saves).</summary>
    public const int NativeThreshold = 64;

    /// <inheritdoc cref="Factor(double[], int, int)"/>
    public static bool Factor(double[] a, int n, int ld, SimdWidth width)
    {
        if (n == 0) return true;
        if (ld < n || a.Length < ((long)(n - 1) * ld) + n) throw new ArgumentException("matrix storage is smaller than n × n with this leading dimension", nameof(a));
        for (int j = 0; j < n; j += BlockSize)
        {
            int b = Math.Min(BlockSize, n - j);
            if (j > 0)
            {
                // A[j:n, j:j+b] -= L[j:n, 0:j] · L[j:j+b, 0:j]'
                Gemm.MultiplySubtractTransposed(a, j, 0, a, j, 0, a, j, j, n - j, b, j, ld, width);
            }
            if (!FactorUnblocked(a.AsSpan((j * ld) + j), b, ld, width)) return false;
            if (j + b < n) SolvePanel(a, j, b, n, ld, width);
        }
        return true;
    }

    /// <summary>Left-looking factorisation of a small diagonal block in place.</summary>
    private static bool FactorUnblocked(Span<double> a, int n, int ld, SimdWidth width)
    {
        for (int j = 0; j < n; j++)
        {
            var colJ = a.Slice(j * ld, n);
            for (int k = 0; k < j; k++)
            {
                double ljk = a[(k * ld) + j];
                if (ljk != 0) Kernels.Axpy(-ljk, a.Slice((k * ld) + j, n - j), colJ.Slice(j), width);
            }
            double d = colJ[j];
            if (!(d > 0) || double.IsPositiveInfinity(d)) return false;
            d = Math.Sqrt(d);
            colJ[j] = d;
            double inv = 1 / d;
            for (int i = j + 1; i < n; i++) colJ[i] *= inv;
        }
        return true;
    }

    /// <summary>
    /// The panel below a factored diagonal block: <c>P ← P · L_jj^{-T}</c>. With 512-bit vectors the panel is
    /// solved 16 rows at a time, each strip held in registers and a small buffer while it runs through the
    /// block's columns (strips split between threads when the panel is tall); otherwise column by column.
    /// </summary>
    private static void SolvePanel(double[] a, int j, int b, int n, int ld, SimdWidth width)
    {
        int rows = n - j - b;
        if (width != SimdWidth.Vector512)
        {
            for (int c = 0; c < b; c++)
            {
                var target = a.AsSpan(((j + c) * ld) + j + b, rows);
                for (int k = 0; k < c; k++)
                {
                    double l = a[((j + k) * ld) + j + c];
                    if (l != 0) Kernels.Axpy(-l, a.AsSpan(((j + k) * ld) + j + b, rows), target, width);
                }
                Kernels.Scale(1 / a[((j + c) * ld) + j + c], target, width);
            }
            return;
        }
        // L_jj row by row (lt[c·b + k] = L[c, k]) and the reciprocals of its diagonal.
        var lt = t_lower ??= new double[BlockSize * BlockSize];
        var inv = t_inverse ??= new double[BlockSize];
        for (int c = 0; c < b; c++)
        {
            for (int k = 0; k < c; k++) lt[(c * b) + k] = a[((j + k) * ld) + j + c];
            inv[c] = 1 / a[((j + c) * ld) + j + c];
        }
        int strips = (rows + 15) / 16;
        if (strips >= 16 && Parallelism.KernelThreads > 1)
        {
            SolveStripsInParallel(a, j, b, ld, rows, strips, lt, inv);
            return;
        }
        for (int st = 0; st < strips; st++) SolveStrip(a, j, b, ld, j + b + (st * 16), Math.Min(16, rows - (st * 16)), lt, inv);
    }

    // Separate from SolvePanel so that the closure is allocated only when threads are used.
    private static void SolveStripsInParallel(double[] a, int j, int b, int ld, int rows, int strips, double[] lt, double[] inv)
    {
        int threads = Math.Min(Parallelism.KernelThreads, strips);
        int per = (strips + threads - 1) / threads;
        Parallel.For(0, threads, t =>
        {
            for (int st = t * per; st < Math.Min(strips, (t + 1) * per); st++) SolveStrip(a, j, b, ld, j + b + (st * 16), Math.Min(16, rows - (st * 16)), lt, inv);
        });
    }

    private static void SolveStrip(double[] a, int j, int b, int ld, int r0, int count, double[] lt, double[] inv)
    {
        Span<double> v = stackalloc double[16 * BlockSize];
        for (int c = 0; c < b; c++)
        {
            var src = a.AsSpan(((j + c) * ld) + r0, count);
            src.CopyTo(v.Slice(c * 16, count));
            if (count < 16) v.Slice((c * 16) + count, 16 - count).Clear();
        }
        ref double vr = ref MemoryMarshal.GetReference(v);
        for (int c = 0; c < b; c++)
        {
            var lo = Vector512.LoadUnsafe(ref vr, (nuint)(c * 16));
            var hi = Vector512.LoadUnsafe(ref vr, (nuint)((c * 16) + 8));
            int row = c * b;
            for (int k = 0; k < c; k++)
            {
                var l = Vector512.Create(-lt[row + k]);
                lo = Vector512.FusedMultiplyAdd(l, Vector512.LoadUnsafe(ref vr, (nuint)(k * 16)), lo);
                hi = Vector512.FusedMultiplyAdd(l, Vector512.LoadUnsafe(ref vr, (nuint)((k * 16) + 8)), hi);
            }
            var d = Vector512.Create(inv[c]);
            (lo * d).StoreUnsafe(ref vr, (nuint)(c * 16));
            (hi * d).StoreUnsafe(ref vr, (nuint)((c * 16) + 8));
        }
        for (int c = 0; c < b; c++) v.Slice(c * 16, count).CopyTo(a.AsSpan(((j + c) * ld) + r0, count));
    }

    /// <summary>
    /// Solves L X = B in place, L the leading n×n lower triangle of <paramref name="l"/> (column-major, leading
    /// dimension n), for right-hand sides stored by rows: row i of B (and of X) is the <paramref name="stride"/>
    /// values at i·stride. Column by column of L, four at a time: the four solved rows are applied to every row
    /// below with one vector multiply–add each across the right-hand sides, so each row below is loaded and stored
    /// once per four columns. A stride that is a multiple of the vector width runs entirely in vectors.
    /// </summary>
    public static void SolveLowerRows(ReadOnlySpan<double> l, int n, Span<double> x, int stride) => SolveLowerRows(l, n, x, stride, Best);

    /// <summary><see cref="SolveLowerRows(ReadOnlySpan{double}, int, Span{double}, int)"/> with the vector width given (tests run every width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLowerRows(ReadOnlySpan<double> l, int n, Span<double> x, int stride, SimdWidth width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        if (l.Length < n * n || x.Length < n * stride) throw new ArgumentException($"an order-{n} solve needs {n * n} values of L and {n * stride} of X");
        ref double xr = ref MemoryMarshal.GetReference(x);
        int lanes = width switch { SimdWidth.Vector512 => 8, SimdWidth.Vector256 => 4, _ => 1 };
        int vectorEnd = lanes == 1 ? 0 : stride - (stride % lanes);
        for (int k0 = 0; k0 < n; k0 += 4)
        {
            int kb = Math.Min(4, n - k0);
            // The triangle: rows k0 .. k0+kb−1 among themselves.
            for (int k = k0; k < k0 + kb; k++)
            {
                double inv = 1 / l[(k * n) + k];
                var xk = x.Slice(k * stride, stride);
                for (int c = 0; c < stride; c++) xk[c] *= inv;
                for (int i = k + 1; i < k0 + kb; i++)
                {
                    double m = -l[(k * n) + i];
                    var xi = x.Slice(i * stride, stride);
                    for (int c = 0; c < stride; c++) xi[c] = Math.FusedMultiplyAdd(m, xk[c], xi[c]);
                }
            }
            if (k0 + kb >= n) break;
            // Every row below: x_i −= Σ_k L[i,k] x_k over the kb solved rows.
            for (int c = 0; c < vectorEnd; c += lanes)
            {
                if (width == SimdWidth.Vector512) BelowChunk512(l, n, ref xr, stride, k0, kb, c);
                else BelowChunk256(l, n, ref xr, stride, k0, kb, c);
            }
            for (int c = vectorEnd; c < stride; c++)
            {
                for (int i = k0 + kb; i < n; i++)
                {
                    double v = x[(i * stride) + c];
                    for (int k = k0; k < k0 + kb; k++) v = Math.FusedMultiplyAdd(-l[(k * n) + i], x[(k * stride) + c], v);
                    x[(i * stride) + c] = v;
                }
            }
        }
    }

    private static void BelowChunk512(ReadOnlySpan<double> l, int n, ref double x, int stride, int k0, int kb, int c)
    {
        var v0 = Vector512.LoadUnsafe(ref x, (nuint)((k0 * stride) + c));
        var v1 = kb > 1 ? Vector512.LoadUnsafe(ref x, (nuint)(((k0 + 1) * stride) + c)) : Vector512<double>.Zero;
        var v2 = kb > 2 ? Vector512.LoadUnsafe(ref x, (nuint)(((k0 + 2) * stride) + c)) : Vector512<double>.Zero;
        var v3 = kb > 3 ? Vector512.LoadUnsafe(ref x, (nuint)(((k0 + 3) * stride) + c)) : Vector512<double>.Zero;
        int c0 = k0 * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        for (int i = k0 + kb; i < n; i++)
        {
            nuint o = (nuint)((i * stride) + c);
            var acc = Vector512.FusedMultiplyAdd(Vector512.Create(-l[c0 + i]), v0, Vector512.LoadUnsafe(ref x, o));
            if (kb > 1) acc = Vector512.FusedMultiplyAdd(Vector512.Create(-l[c1 + i]), v1, acc);
            if (kb > 2) acc = Vector512.FusedMultiplyAdd(Vector512.Create(-l[c2 + i]), v2, acc);
            if (kb > 3) acc = Vector512.FusedMultiplyAdd(Vector512.Create(-l[c3 + i]), v3, acc);
            acc.StoreUnsafe(ref x, o);
        }
    }

    private static void BelowChunk256(ReadOnlySpan<double> l, int n, ref double x, int stride, int k0, int kb, int c)
    {
        var v0 = Vector256.LoadUnsafe(ref x, (nuint)((k0 * stride) + c));
        var v1 = kb > 1 ? Vector256.LoadUnsafe(ref x, (nuint)(((k0 + 1) * stride) + c)) : Vector256<double>.Zero;
        var v2 = kb > 2 ? Vector256.LoadUnsafe(ref x, (nuint)(((k0 + 2) * stride) + c)) : Vector256<double>.Zero;
        var v3 = kb > 3 ? Vector256.LoadUnsafe(ref x, (nuint)(((k0 + 3) * stride) + c)) : Vector256<double>.Zero;
        int c0 = k0 * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        for (int i = k0 + kb; i < n; i++)
        {
            nuint o = (nuint)((i * stride) + c);
            var acc = Vector256.FusedMultiplyAdd(Vector256.Create(-l[c0 + i]), v0, Vector256.LoadUnsafe(ref x, o));
            if (kb > 1) acc = Vector256.FusedMultiplyAdd(Vector256.Create(-l[c1 + i]), v1, acc);
            if (kb > 2) acc = Vector256.FusedMultiplyAdd(Vector256.Create(-l[c2 + i]), v2, acc);
            if (kb > 3) acc = Vector256.FusedMultiplyAdd(Vector256.Create(-l[c3 + i]), v3, acc);
            acc.StoreUnsafe(ref x, o);
        }
    }
}

/// <summary>Vector kernels shared by the dense routines, each at the three widths.</summary>
internal static class Kernels
{
    /// <summary>
    /// y −= a·x for spans whose length is a multiple of 8 — the zero-padded rows of the by-rows layouts — in whole
    /// vectors at <paramref name="width"/>; inlined where it is called, since those rows are short (one to a few
    /// vectors) and a call would cost as much as the work.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SubtractScaledWhole(double a, ReadOnlySpan<double> x, Span<double> y, SimdWidth width)
    {
        int n = y.Length;
        System.Diagnostics.Debug.Assert(n % 8 == 0 && x.Length >= n, "whole rows of 8");
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        if (width == SimdWidth.Vector512)
        {
            var m = Vector512.Create(-a);
            for (int i = 0; i < n; i += 8)
            {
                Vector512.FusedMultiplyAdd(m, Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (width == SimdWidth.Vector256)
        {
            var m = Vector256.Create(-a);
            for (int i = 0; i < n; i += 4)
            {
                Vector256.FusedMultiplyAdd(m, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else
        {
            for (int i = 0; i < n; i++) y[i] = Math.FusedMultiplyAdd(-a, x[i], y[i]);
        }
    }

    /// <summary><c>y += alpha · x</c>.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y, SimdWidth width)
    {
        int n = y.Length;
        int i = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        if (width == SimdWidth.Vector512)
        {
            var va = Vector512.Create(alpha);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i));
                v.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (width == SimdWidth.Vector256)
        {
            var va = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4)
            {
                var v = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i));
                v.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++) y[i] = Math.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    /// <summary><c>x *= alpha</c>.</summary>
    public static void Scale(double alpha, Span<double> x, SimdWidth width)
    {
        int n = x.Length;
        int i = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        if (width == SimdWidth.Vector512)
        {
            var va = Vector512.Create(alpha);
            for (; i <= n - 8; i += 8) (va * Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref xr, (nuint)i);
        }
        else if (width == SimdWidth.Vector256)
        {
            var va = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4) (va * Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref xr, (nuint)i);
        }
        for (; i < n; i++) x[i] *= alpha;
    }

    /// <summary>The dot product of two spans of one length.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y, SimdWidth width)
    {
        int n = x.Length;
        int i = 0;
        double s = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        if (width == SimdWidth.Vector512 && n >= 16)
        {
            var s0 = Vector512<double>.Zero;
            var s1 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)(i + 8)), Vector512.LoadUnsafe(ref yr, (nuint)(i + 8)), s1);
            }
            s = Vector512.Sum(s0 + s1);
        }
        else if (width == SimdWidth.Vector256 && n >= 8)
        {
            var s0 = Vector256<double>.Zero;
            var s1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)(i + 4)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 4)), s1);
            }
            s = Vector256.Sum(s0 + s1);
        }
        for (; i < n; i++) s = Math.FusedMultiplyAdd(x[i], y[i], s);
        return s;
    }
}

/// <summary>
/// <c>C -= A · B'</c> on column-major sub-blocks of (possibly one and the same) storage: C is m×nc at
/// (ci, cj), A is m×k at (ai, aj), B is nc×k at (bi, bj), all with leading dimension ld. B is packed once so
/// that the eight values a step needs are adjacent, and each 16-row strip of A is packed (zero-padded) before
/// the micro-kernel runs over it; a tile of 16 rows by 8 columns is accumulated in registers across the whole
/// inner dimension, so each element of C is loaded and stored once. Large updates split their row strips
/// between threads. Packing buffers are kept per thread and reused, so a steady stream of calls allocates
/// nothing.
/// </summary>
internal static class Gemm
{
    private const int TileRows = 16;
    private const int TileColumns = 8;
    private const long ParallelWork = 1L << 22;

    [ThreadStatic]
    private static double[]? t_packedA;

    [ThreadStatic]
    private static double[]? t_packedB;

    /// <summary>C -= A · B' for the sub-blocks described on the class.</summary>
    public static void MultiplySubtractTransposed(
        double[] a, int ai, int aj, double[] b, int bi, int bj, double[] c, int ci, int cj,
        int m, int nc, int k, int ld, SimdWidth width)
    {
        if (m == 0 || nc == 0 || k == 0) return;
        if (width == SimdWidth.Scalar)
        {
            ScalarBlock(a, ai, aj, b, bi, bj, c, ci, cj, 0, m, 0, nc, k, ld);
            return;
        }
        int ncPad = (nc + TileColumns - 1) / TileColumns * TileColumns;
        var bp = Buffer(ref t_packedB, ncPad * k);
        for (int p = 0; p < k; p++)
        {
            int src = bi + ((bj + p) * ld);
            int dst = p * ncPad;
            for (int col = 0; col < nc; col++) bp[dst + col] = b[src + col];
            for (int col = nc; col < ncPad; col++) bp[dst + col] = 0;
        }
        long work = (long)m * nc * k;
        int strips = (m + TileRows - 1) / TileRows;
        int threads = Math.Min(Parallelism.KernelThreads, strips);
        if (work < ParallelWork || threads < 2)
        {
            Run(a, ai, aj, bp, c, ci, cj, 0, m, nc, ncPad, k, ld, width);
            return;
        }
        RunInParallel(a, ai, aj, bp, c, ci, cj, m, nc, ncPad, k, ld, width, strips, threads);
    }

    // Separate so that the closure is allocated only when threads are used.
    private static void RunInParallel(double[] a, int ai, int aj, double[] bp, double[] c, int ci, int cj, int m, int nc, int ncPad, int k, int ld, SimdWidth width, int strips, int threads)
    {
        int stripsPerThread = (strips + threads - 1) / threads;
        Parallel.For(0, threads, t =>
        {
            int r0 = t * stripsPerThread * TileRows;
            int r1 = Math.Min(m, r0 + (stripsPerThread * TileRows));
            if (r0 < r1) Run(a, ai, aj, bp, c, ci, cj, r0, r1, nc, ncPad, k, ld, width);
        });
    }

    private static double[] Buffer(ref double[]? slot, int length)
    {
        if (slot is null || slot.Length < length) slot = new double[Math.Max(length, slot is null ? 0 : slot.Length * 2)];
        return slot;
    }

    private static void Run(double[] a, int ai, int aj, double[] bp, double[] c, int ci, int cj, int r0, int r1, int nc, int ncPad, int k, int ld, SimdWidth width)
    {
        var ap = Buffer(ref t_packedA, TileRows * k);
        Span<double> tile = stackalloc double[TileRows * TileColumns];
        ref double apr = ref MemoryMarshal.GetArrayDataReference(ap);
        ref double bpr = ref MemoryMarshal.GetArrayDataReference(bp);
        for (int r = r0; r < r1; r += TileRows)
        {
            int rows = Math.Min(TileRows, r1 - r);
            for (int p = 0; p < k; p++)
            {
                int src = ai + r + ((aj + p) * ld);
                int dst = p * TileRows;
                a.AsSpan(src, rows).CopyTo(ap.AsSpan(dst, rows));
                if (rows < TileRows) ap.AsSpan(dst + rows, TileRows - rows).Clear();
            }
            for (int col = 0; col < nc; col += TileColumns)
            {
                if (width == SimdWidth.Vector512) Tile512(ref apr, ref bpr, col, ncPad, k, tile);
                else Tile256(ref apr, ref bpr, col, ncPad, k, tile);
                int cols = Math.Min(TileColumns, nc - col);
                for (int j = 0; j < cols; j++)
                {
                    var target = c.AsSpan(ci + r + ((cj + col + j) * ld), rows);
                    var update = tile.Slice(j * TileRows, rows);
                    for (int i = 0; i < rows; i++) target[i] -= update[i];
                }
            }
        }
    }

    /// <summary>tile (16×8, column-major) = packed A strip · packed B columns [col, col+8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512(ref double ap, ref double bp, int col, int ncPad, int k, Span<double> tile)
    {
        var c00 = Vector512<double>.Zero; var c10 = Vector512<double>.Zero;
        var c01 = Vector512<double>.Zero; var c11 = Vector512<double>.Zero;
        var c02 = Vector512<double>.Zero; var c12 = Vector512<double>.Zero;
        var c03 = Vector512<double>.Zero; var c13 = Vector512<double>.Zero;
        var c04 = Vector512<double>.Zero; var c14 = Vector512<double>.Zero;
        var c05 = Vector512<double>.Zero; var c15 = Vector512<double>.Zero;
        var c06 = Vector512<double>.Zero; var c16 = Vector512<double>.Zero;
        var c07 = Vector512<double>.Zero; var c17 = Vector512<double>.Zero;
        nint ao = 0, bo = col;
        for (int p = 0; p < k; p++, ao += TileRows, bo += ncPad)
        {
            var a0 = Vector512.LoadUnsafe(ref ap, (nuint)ao);
            var a1 = Vector512.LoadUnsafe(ref ap, (nuint)(ao + 8));
            ref double b = ref Unsafe.Add(ref bp, bo);
            var b0 = Vector512.Create(b);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00); c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            var b1 = Vector512.Create(Unsafe.Add(ref b, 1));
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01); c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var b2 = Vector512.Create(Unsafe.Add(ref b, 2));
            c02 = Vector512.FusedMultiplyAdd(a0, b2, c02); c12 = Vector512.FusedMultiplyAdd(a1, b2, c12);
            var b3 = Vector512.Create(Unsafe.Add(ref b, 3));
            c03 = Vector512.FusedMultiplyAdd(a0, b3, c03); c13 = Vector512.FusedMultiplyAdd(a1, b3, c13);
            var b4 = Vector512.Create(Unsafe.Add(ref b, 4));
            c04 = Vector512.FusedMultiplyAdd(a0, b4, c04); c14 = Vector512.FusedMultiplyAdd(a1, b4, c14);
            var b5 = Vector512.Create(Unsafe.Add(ref b, 5));
            c05 = Vector512.FusedMultiplyAdd(a0, b5, c05); c15 = Vector512.FusedMultiplyAdd(a1, b5, c15);
            var b6 = Vector512.Create(Unsafe.Add(ref b, 6));
            c06 = Vector512.FusedMultiplyAdd(a0, b6, c06); c16 = Vector512.FusedMultiplyAdd(a1, b6, c16);
            var b7 = Vector512.Create(Unsafe.Add(ref b, 7));
            c07 = Vector512.FusedMultiplyAdd(a0, b7, c07); c17 = Vector512.FusedMultiplyAdd(a1, b7, c17);
        }
        ref double t = ref MemoryMarshal.GetReference(tile);
        c00.StoreUnsafe(ref t, 0); c10.StoreUnsafe(ref t, 8);
        c01.StoreUnsafe(ref t, 16); c11.StoreUnsafe(ref t, 24);
        c02.StoreUnsafe(ref t, 32); c12.StoreUnsafe(ref t, 40);
        c03.StoreUnsafe(ref t, 48); c13.StoreUnsafe(ref t, 56);
        c04.StoreUnsafe(ref t, 64); c14.StoreUnsafe(ref t, 72);
        c05.StoreUnsafe(ref t, 80); c15.StoreUnsafe(ref t, 88);
        c06.StoreUnsafe(ref t, 96); c16.StoreUnsafe(ref t, 104);
        c07.StoreUnsafe(ref t, 112); c17.StoreUnsafe(ref t, 120);
    }

    /// <summary>The same tile with 256-bit vectors: two passes of 8 rows by 8 columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile256(ref double ap, ref double bp, int col, int ncPad, int k, Span<double> tile)
    {
        ref double t = ref MemoryMarshal.GetReference(tile);
        for (int half = 0; half < TileRows; half += 8)
        {
            for (int cg = 0; cg < TileColumns; cg += 4)
            {
                var c00 = Vector256<double>.Zero; var c10 = Vector256<double>.Zero;
                var c01 = Vector256<double>.Zero; var c11 = Vector256<double>.Zero;
                var c02 = Vector256<double>.Zero; var c12 = Vector256<double>.Zero;
                var c03 = Vector256<double>.Zero; var c13 = Vector256<double>.Zero;
                nint ao = half, bo = col + cg;
                for (int p = 0; p < k; p++, ao += TileRows, bo += ncPad)
                {
                    var a0 = Vector256.LoadUnsafe(ref ap, (nuint)ao);
                    var a1 = Vector256.LoadUnsafe(ref ap, (nuint)(ao + 4));
                    ref double b = ref Unsafe.Add(ref bp, bo);
                    var b0 = Vector256.Create(b);
                    var b1 = Vector256.Create(Unsafe.Add(ref b, 1));
                    var b2 = Vector256.Create(Unsafe.Add(ref b, 2));
                    var b3 = Vector256.Create(Unsafe.Add(ref b, 3));
                    c00 = Vector256.FusedMultiplyAdd(a0, b0, c00); c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
                    c01 = Vector256.FusedMultiplyAdd(a0, b1, c01); c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
                    c02 = Vector256.FusedMultiplyAdd(a0, b2, c02); c12 = Vector256.FusedMultiplyAdd(a1, b2, c12);
                    c03 = Vector256.FusedMultiplyAdd(a0, b3, c03); c13 = Vector256.FusedMultiplyAdd(a1, b3, c13);
                }
                nint o = (cg * TileRows) + half;
                c00.StoreUnsafe(ref t, (nuint)o); c10.StoreUnsafe(ref t, (nuint)(o + 4));
                c01.StoreUnsafe(ref t, (nuint)(o + TileRows)); c11.StoreUnsafe(ref t, (nuint)(o + TileRows + 4));
                c02.StoreUnsafe(ref t, (nuint)(o + (2 * TileRows))); c12.StoreUnsafe(ref t, (nuint)(o + (2 * TileRows) + 4));
                c03.StoreUnsafe(ref t, (nuint)(o + (3 * TileRows))); c13.StoreUnsafe(ref t, (nuint)(o + (3 * TileRows) + 4));
            }
        }
    }

    private static void ScalarBlock(
        double[] a, int ai, int aj, double[] b, int bi, int bj, double[] c, int ci, int cj,
        int r0, int r1, int c0, int c1, int k, int ld)
    {
        for (int col = c0; col < c1; col++)
        {
            for (int r = r0; r < r1; r++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s = Math.FusedMultiplyAdd(a[ai + r + ((aj + p) * ld)], b[bi + col + ((bj + p) * ld)], s);
                c[ci + r + ((cj + col) * ld)] -= s;
            }
        }
    }
}
