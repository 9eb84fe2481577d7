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
    private const int BlockSize = 64;

    /// <summary>The widest kernel this processor runs.</summary>
    public static SimdWidth Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512 :
        Vector256.IsHardwareAccelerated ? SimdWidth.Vector256 : SimdWidth.Scalar;

    /// <summary>
    /// Factors the leading <paramref name="n"/>×<paramref name="n"/> block of <paramref name="a"/> (column-major,
    /// leading dimension <paramref name="ld"/>). Returns false, leaving <paramref name="a"/> partly overwritten,
    /// when a pivot is not positive and finite.
    /// </summary>
    public static bool Factor(double[] a, int n, int ld) => Factor(a, n, ld, Best);

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
            if (!FactorUnblocked(a.AsSpan((j * ld) + j), b, ld)) return false;
            if (j + b < n) SolvePanel(a, j, b, n, ld, width);
        }
        return true;
    }

    /// <summary>Left-looking factorisation of a small diagonal block in place.</summary>
    private static bool FactorUnblocked(Span<double> a, int n, int ld)
    {
        for (int j = 0; j < n; j++)
        {
            var colJ = a.Slice(j * ld, n);
            for (int k = 0; k < j; k++)
            {
                double ljk = a[(k * ld) + j];
                if (ljk == 0) continue;
                var colK = a.Slice(k * ld, n);
                for (int i = j; i < n; i++) colJ[i] -= ljk * colK[i];
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

    /// <summary>The panel below a factored diagonal block: <c>P ← P · L_jj^{-T}</c>, column by column.</summary>
    private static void SolvePanel(Span<double> a, int j, int b, int n, int ld, SimdWidth width)
    {
        int rows = n - j - b;
        for (int c = 0; c < b; c++)
        {
            var target = a.Slice(((j + c) * ld) + j + b, rows);
            for (int k = 0; k < c; k++)
            {
                double l = a[((j + k) * ld) + j + c];
                if (l != 0) Kernels.Axpy(-l, a.Slice(((j + k) * ld) + j + b, rows), target, width);
            }
            Kernels.Scale(1 / a[((j + c) * ld) + j + c], target, width);
        }
    }
}

/// <summary>Vector kernels shared by the dense routines, each at the three widths.</summary>
internal static class Kernels
{
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
/// (ci, cj), A is m×k at (ai, aj), B is nc×k at (bi, bj), all with leading dimension ld. Tiles of 16 rows by
/// 4 columns are accumulated in registers across the whole inner dimension, so each element of C is loaded and
/// stored once; large updates split their rows between threads.
/// </summary>
internal static class Gemm
{
    private const int TileRows = 16;
    private const int TileColumns = 4;
    private const long ParallelWork = 1L << 22;

    /// <summary>C -= A · B' for the sub-blocks described on the class; rows split between threads when the work is large.</summary>
    public static void MultiplySubtractTransposed(
        double[] a, int ai, int aj, double[] b, int bi, int bj, double[] c, int ci, int cj,
        int m, int nc, int k, int ld, SimdWidth width)
    {
        if (m == 0 || nc == 0 || k == 0) return;
        long work = (long)m * nc * k;
        int rowTiles = (m + TileRows - 1) / TileRows;
        int threads = Math.Min(Environment.ProcessorCount, rowTiles);
        if (work < ParallelWork || threads < 2)
        {
            Run(a, ai, aj, b, bi, bj, c, ci, cj, 0, m, nc, k, ld, width);
            return;
        }
        int tilesPerThread = (rowTiles + threads - 1) / threads;
        Parallel.For(0, threads, t =>
        {
            int r0 = t * tilesPerThread * TileRows;
            int r1 = Math.Min(m, r0 + (tilesPerThread * TileRows));
            if (r0 < r1) Run(a, ai, aj, b, bi, bj, c, ci, cj, r0, r1, nc, k, ld, width);
        });
    }

    private static void Run(
        Span<double> a, int ai, int aj, Span<double> b, int bi, int bj, Span<double> c, int ci, int cj,
        int r0, int r1, int nc, int k, int ld, SimdWidth width)
    {
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double br = ref MemoryMarshal.GetReference(b);
        ref double cr = ref MemoryMarshal.GetReference(c);
        int r = r0;
        if (width != SimdWidth.Scalar)
        {
            for (; r + TileRows <= r1; r += TileRows)
            {
                int col = 0;
                for (; col + TileColumns <= nc; col += TileColumns)
                {
                    if (width == SimdWidth.Vector512) Tile512(ref ar, ai + r + ((nint)aj * ld), ref br, bi + col + ((nint)bj * ld), ref cr, ci + r + ((nint)(cj + col) * ld), k, ld);
                    else Tile256(ref ar, ai + r + ((nint)aj * ld), ref br, bi + col + ((nint)bj * ld), ref cr, ci + r + ((nint)(cj + col) * ld), k, ld);
                }
                for (; col < nc; col++) ScalarBlock(a, ai, aj, b, bi, bj, c, ci, cj, r, r + TileRows, col, col + 1, k, ld);
            }
        }
        if (r < r1) ScalarBlock(a, ai, aj, b, bi, bj, c, ci, cj, r, r1, 0, nc, k, ld);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512(ref double a, nint aOff, ref double b, nint bOff, ref double c, nint cOff, int k, int ld)
    {
        var c00 = Vector512<double>.Zero; var c10 = Vector512<double>.Zero;
        var c01 = Vector512<double>.Zero; var c11 = Vector512<double>.Zero;
        var c02 = Vector512<double>.Zero; var c12 = Vector512<double>.Zero;
        var c03 = Vector512<double>.Zero; var c13 = Vector512<double>.Zero;
        nint ao = aOff, bo = bOff;
        for (int p = 0; p < k; p++, ao += ld, bo += ld)
        {
            var a0 = Vector512.LoadUnsafe(ref a, (nuint)ao);
            var a1 = Vector512.LoadUnsafe(ref a, (nuint)(ao + 8));
            var b0 = Vector512.Create(Unsafe.Add(ref b, bo));
            var b1 = Vector512.Create(Unsafe.Add(ref b, bo + 1));
            var b2 = Vector512.Create(Unsafe.Add(ref b, bo + 2));
            var b3 = Vector512.Create(Unsafe.Add(ref b, bo + 3));
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00); c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01); c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            c02 = Vector512.FusedMultiplyAdd(a0, b2, c02); c12 = Vector512.FusedMultiplyAdd(a1, b2, c12);
            c03 = Vector512.FusedMultiplyAdd(a0, b3, c03); c13 = Vector512.FusedMultiplyAdd(a1, b3, c13);
        }
        Subtract512(ref c, cOff, c00, c10);
        Subtract512(ref c, cOff + ld, c01, c11);
        Subtract512(ref c, cOff + (2 * (nint)ld), c02, c12);
        Subtract512(ref c, cOff + (3 * (nint)ld), c03, c13);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Subtract512(ref double c, nint off, Vector512<double> lo, Vector512<double> hi)
    {
        (Vector512.LoadUnsafe(ref c, (nuint)off) - lo).StoreUnsafe(ref c, (nuint)off);
        (Vector512.LoadUnsafe(ref c, (nuint)(off + 8)) - hi).StoreUnsafe(ref c, (nuint)(off + 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile256(ref double a, nint aOff, ref double b, nint bOff, ref double c, nint cOff, int k, int ld)
    {
        for (int half = 0; half < 2; half++)
        {
            var c00 = Vector256<double>.Zero; var c10 = Vector256<double>.Zero;
            var c01 = Vector256<double>.Zero; var c11 = Vector256<double>.Zero;
            var c02 = Vector256<double>.Zero; var c12 = Vector256<double>.Zero;
            var c03 = Vector256<double>.Zero; var c13 = Vector256<double>.Zero;
            nint ao = aOff + (half * 8), bo = bOff;
            for (int p = 0; p < k; p++, ao += ld, bo += ld)
            {
                var a0 = Vector256.LoadUnsafe(ref a, (nuint)ao);
                var a1 = Vector256.LoadUnsafe(ref a, (nuint)(ao + 4));
                var b0 = Vector256.Create(Unsafe.Add(ref b, bo));
                var b1 = Vector256.Create(Unsafe.Add(ref b, bo + 1));
                var b2 = Vector256.Create(Unsafe.Add(ref b, bo + 2));
                var b3 = Vector256.Create(Unsafe.Add(ref b, bo + 3));
                c00 = Vector256.FusedMultiplyAdd(a0, b0, c00); c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
                c01 = Vector256.FusedMultiplyAdd(a0, b1, c01); c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
                c02 = Vector256.FusedMultiplyAdd(a0, b2, c02); c12 = Vector256.FusedMultiplyAdd(a1, b2, c12);
                c03 = Vector256.FusedMultiplyAdd(a0, b3, c03); c13 = Vector256.FusedMultiplyAdd(a1, b3, c13);
            }
            nint co = cOff + (half * 8);
            Subtract256(ref c, co, c00, c10);
            Subtract256(ref c, co + ld, c01, c11);
            Subtract256(ref c, co + (2 * (nint)ld), c02, c12);
            Subtract256(ref c, co + (3 * (nint)ld), c03, c13);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Subtract256(ref double c, nint off, Vector256<double> lo, Vector256<double> hi)
    {
        (Vector256.LoadUnsafe(ref c, (nuint)off) - lo).StoreUnsafe(ref c, (nuint)off);
        (Vector256.LoadUnsafe(ref c, (nuint)(off + 4)) - hi).StoreUnsafe(ref c, (nuint)(off + 4));
    }

    private static void ScalarBlock(
        Span<double> a, int ai, int aj, Span<double> b, int bi, int bj, Span<double> c, int ci, int cj,
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
