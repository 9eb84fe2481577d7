using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlm.LinearAlgebra;

/// <summary>
/// Cholesky factorisation <c>A = L L'</c> of a symmetric positive definite matrix stored in an
/// <see cref="EnvelopePattern"/> (lower triangle by rows), with the triangular solves, the log-determinant and
/// the selected inverse that the factor serves. Row-oriented: row i of L is the solution of a triangular system
/// in the rows above it, so each entry is one dot product of two contiguous row segments,
/// <c>L[i,j] = (A[i,j] − L[i, s:j]·L[j, s:j]) / L[j,j]</c> with s = max(First[i], First[j]). Work and storage
/// follow the envelope, not the square of the order, and nothing is allocated.
/// </summary>
internal static class EnvelopeCholesky
{
    /// <summary>
    /// Factors <paramref name="a"/> in place (the envelope's values, <see cref="EnvelopePattern.Count"/> of
    /// them). Returns false, leaving <paramref name="a"/> partly overwritten, when a pivot is not positive and finite.
    /// </summary>
    public static bool Factor(EnvelopePattern pattern, Span<double> a) => Factor(pattern, a, DenseCholesky.Best);

    /// <inheritdoc cref="Factor(EnvelopePattern, Span{double})"/>
    public static bool Factor(EnvelopePattern pattern, Span<double> a, SimdWidth width)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        CheckLength(pattern, a.Length);
        int n = pattern.Order;
        if (!pattern.IsTiled || width == SimdWidth.Scalar) return FactorRows(pattern, a, 0, n, width);
        const int T = EnvelopePattern.Tile;
        int full = n - (n % T);
        Span<double> acc = stackalloc double[T * T];
        for (int i0 = 0; i0 < full; i0 += T)
        {
            if (!FactorTileRows(pattern, a, i0, acc, width)) return false;
        }
        return FactorRows(pattern, a, full, n, width);
    }

    /// <summary>Rows from..to−1, one at a time: each entry one dot product (from the row's first non-zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool FactorRows(EnvelopePattern pattern, Span<double> a, int from, int to, SimdWidth width)
    {
        var first = pattern.First;
        var diag = pattern.Diagonal;
        for (int i = from; i < to; i++)
        {
            int fi = first[i], ri = diag[i] - i;
            // Leading zeros of row i stay zero in L: start at the first stored non-zero.
            int start = fi;
            while (start < i && a[ri + start] == 0) start++;
            for (int j = start; j < i; j++)
            {
                int s = Math.Max(start, first[j]), rj = diag[j] - j;
                double v = a[ri + j];
                if (j > s) v -= Kernels.Dot(a.Slice(ri + s, j - s), a.Slice(rj + s, j - s), width);
                a[ri + j] = v / a[diag[j]];
            }
            double d = a[ri + i];
            if (i > start) d -= Kernels.Dot(a.Slice(ri + start, i - start), a.Slice(ri + start, i - start), width);
            if (!(d > 0) || !double.IsFinite(d)) return false;
            a[ri + i] = Math.Sqrt(d);
        }
        return true;
    }

    /// <summary>
    /// The Tile rows from i0 (sharing their first column): against each earlier group of Tile rows, the Tile×Tile dot
    /// products over the columns before that group in one pass (<see cref="TileDots"/>), then the few columns of the
    /// group itself one by one; last the group's own triangle.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool FactorTileRows(EnvelopePattern pattern, Span<double> a, int i0, Span<double> acc, SimdWidth width)
    {
        const int T = EnvelopePattern.Tile;
        var first = pattern.First;
        var diag = pattern.Diagonal;
        int fi = first[i0];
        Span<int> ri = stackalloc int[T];
        Span<int> rj = stackalloc int[T];
        for (int r = 0; r < T; r++) ri[r] = diag[i0 + r] - (i0 + r);
        for (int j0 = fi; j0 <= i0; j0 += T)
        {
            int s = Math.Max(fi, first[j0]);
            for (int c = 0; c < T; c++) rj[c] = diag[j0 + c] - (j0 + c);
            TileDots(a, ri, rj, s, j0 - s, acc, width);
            bool diagonal = j0 == i0;
            for (int c = 0; c < T; c++)
            {
                int j = j0 + c, rowJ = rj[c];
                if (diagonal)
                {
                    double d = a[rowJ + j] - acc[(c * T) + c];
                    for (int k = j0; k < j; k++) d -= a[rowJ + k] * a[rowJ + k];
                    if (!(d > 0) || !double.IsFinite(d)) return false;
                    a[rowJ + j] = Math.Sqrt(d);
                }
                double ljj = a[rowJ + j];
                for (int r = diagonal ? c + 1 : 0; r < T; r++)
                {
                    int rowI = ri[r];
                    double v = a[rowI + j] - acc[(r * T) + c];
                    for (int k = j0; k < j; k++) v -= a[rowI + k] * a[rowJ + k];
                    a[rowI + j] = v / ljj;
                }
            }
        }
        return true;
    }

    /// <summary>
    /// acc[r·Tile + c] = Σ_k a[xr + s + k] a[yc + s + k] for k &lt; len: sixteen dot products in one pass, each row loaded
    /// once for four products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileDots(ReadOnlySpan<double> a, ReadOnlySpan<int> x, ReadOnlySpan<int> y, int s, int len, Span<double> acc, SimdWidth width)
    {
        ref double r0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), x[0] + s);
        ref double r1 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), x[1] + s);
        ref double r2 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), x[2] + s);
        ref double r3 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), x[3] + s);
        ref double c0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), y[0] + s);
        ref double c1 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), y[1] + s);
        ref double c2 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), y[2] + s);
        ref double c3 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), y[3] + s);
        int k = 0;
        acc.Clear();
        if (width == SimdWidth.Vector512 && len >= 8)
        {
            Vector512<double> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
            Vector512<double> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
            for (; k <= len - 8; k += 8)
            {
                var b0 = Vector512.LoadUnsafe(ref c0, (nuint)k);
                var b1 = Vector512.LoadUnsafe(ref c1, (nuint)k);
                var b2 = Vector512.LoadUnsafe(ref c2, (nuint)k);
                var b3 = Vector512.LoadUnsafe(ref c3, (nuint)k);
                var v = Vector512.LoadUnsafe(ref r0, (nuint)k);
                s00 = Vector512.FusedMultiplyAdd(v, b0, s00); s01 = Vector512.FusedMultiplyAdd(v, b1, s01); s02 = Vector512.FusedMultiplyAdd(v, b2, s02); s03 = Vector512.FusedMultiplyAdd(v, b3, s03);
                v = Vector512.LoadUnsafe(ref r1, (nuint)k);
                s10 = Vector512.FusedMultiplyAdd(v, b0, s10); s11 = Vector512.FusedMultiplyAdd(v, b1, s11); s12 = Vector512.FusedMultiplyAdd(v, b2, s12); s13 = Vector512.FusedMultiplyAdd(v, b3, s13);
                v = Vector512.LoadUnsafe(ref r2, (nuint)k);
                s20 = Vector512.FusedMultiplyAdd(v, b0, s20); s21 = Vector512.FusedMultiplyAdd(v, b1, s21); s22 = Vector512.FusedMultiplyAdd(v, b2, s22); s23 = Vector512.FusedMultiplyAdd(v, b3, s23);
                v = Vector512.LoadUnsafe(ref r3, (nuint)k);
                s30 = Vector512.FusedMultiplyAdd(v, b0, s30); s31 = Vector512.FusedMultiplyAdd(v, b1, s31); s32 = Vector512.FusedMultiplyAdd(v, b2, s32); s33 = Vector512.FusedMultiplyAdd(v, b3, s33);
            }
            acc[0] = Vector512.Sum(s00); acc[1] = Vector512.Sum(s01); acc[2] = Vector512.Sum(s02); acc[3] = Vector512.Sum(s03);
            acc[4] = Vector512.Sum(s10); acc[5] = Vector512.Sum(s11); acc[6] = Vector512.Sum(s12); acc[7] = Vector512.Sum(s13);
            acc[8] = Vector512.Sum(s20); acc[9] = Vector512.Sum(s21); acc[10] = Vector512.Sum(s22); acc[11] = Vector512.Sum(s23);
            acc[12] = Vector512.Sum(s30); acc[13] = Vector512.Sum(s31); acc[14] = Vector512.Sum(s32); acc[15] = Vector512.Sum(s33);
        }
        else if (width != SimdWidth.Scalar && len >= 4)
        {
            Vector256<double> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
            Vector256<double> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
            for (; k <= len - 4; k += 4)
            {
                var b0 = Vector256.LoadUnsafe(ref c0, (nuint)k);
                var b1 = Vector256.LoadUnsafe(ref c1, (nuint)k);
                var b2 = Vector256.LoadUnsafe(ref c2, (nuint)k);
                var b3 = Vector256.LoadUnsafe(ref c3, (nuint)k);
                var v = Vector256.LoadUnsafe(ref r0, (nuint)k);
                s00 = Vector256.FusedMultiplyAdd(v, b0, s00); s01 = Vector256.FusedMultiplyAdd(v, b1, s01); s02 = Vector256.FusedMultiplyAdd(v, b2, s02); s03 = Vector256.FusedMultiplyAdd(v, b3, s03);
                v = Vector256.LoadUnsafe(ref r1, (nuint)k);
                s10 = Vector256.FusedMultiplyAdd(v, b0, s10); s11 = Vector256.FusedMultiplyAdd(v, b1, s11); s12 = Vector256.FusedMultiplyAdd(v, b2, s12); s13 = Vector256.FusedMultiplyAdd(v, b3, s13);
                v = Vector256.LoadUnsafe(ref r2, (nuint)k);
                s20 = Vector256.FusedMultiplyAdd(v, b0, s20); s21 = Vector256.FusedMultiplyAdd(v, b1, s21); s22 = Vector256.FusedMultiplyAdd(v, b2, s22); s23 = Vector256.FusedMultiplyAdd(v, b3, s23);
                v = Vector256.LoadUnsafe(ref r3, (nuint)k);
                s30 = Vector256.FusedMultiplyAdd(v, b0, s30); s31 = Vector256.FusedMultiplyAdd(v, b1, s31); s32 = Vector256.FusedMultiplyAdd(v, b2, s32); s33 = Vector256.FusedMultiplyAdd(v, b3, s33);
            }
            acc[0] = Vector256.Sum(s00); acc[1] = Vector256.Sum(s01); acc[2] = Vector256.Sum(s02); acc[3] = Vector256.Sum(s03);
            acc[4] = Vector256.Sum(s10); acc[5] = Vector256.Sum(s11); acc[6] = Vector256.Sum(s12); acc[7] = Vector256.Sum(s13);
            acc[8] = Vector256.Sum(s20); acc[9] = Vector256.Sum(s21); acc[10] = Vector256.Sum(s22); acc[11] = Vector256.Sum(s23);
            acc[12] = Vector256.Sum(s30); acc[13] = Vector256.Sum(s31); acc[14] = Vector256.Sum(s32); acc[15] = Vector256.Sum(s33);
        }
        for (; k < len; k++)
        {
            double x0 = Unsafe.Add(ref r0, k), x1 = Unsafe.Add(ref r1, k), x2 = Unsafe.Add(ref r2, k), x3 = Unsafe.Add(ref r3, k);
            double y0 = Unsafe.Add(ref c0, k), y1 = Unsafe.Add(ref c1, k), y2 = Unsafe.Add(ref c2, k), y3 = Unsafe.Add(ref c3, k);
            acc[0] += x0 * y0; acc[1] += x0 * y1; acc[2] += x0 * y2; acc[3] += x0 * y3;
            acc[4] += x1 * y0; acc[5] += x1 * y1; acc[6] += x1 * y2; acc[7] += x1 * y3;
            acc[8] += x2 * y0; acc[9] += x2 * y1; acc[10] += x2 * y2; acc[11] += x2 * y3;
            acc[12] += x3 * y0; acc[13] += x3 * y1; acc[14] += x3 * y2; acc[15] += x3 * y3;
        }
    }

    /// <summary>log|A| = 2 Σ log L[i,i] from the factor.</summary>
    public static double LogDeterminant(EnvelopePattern pattern, ReadOnlySpan<double> l)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        double s = 0;
        foreach (int d in pattern.Diagonal) s += Math.Log(l[d]);
        return 2 * s;
    }

    /// <summary>
    /// Solves L X = B in place for right-hand sides stored by rows: row i of B (and of X) is the
    /// <paramref name="stride"/> values at i·stride. Row i of X is b_i − Σ_k L[i,k] x_k over the row's envelope,
    /// over L[i,i]: each term one multiply–add across all the right-hand sides, vectorised across them and kept in
    /// registers over the row, so the row of L is read once per 16 columns (8 with 256-bit vectors). A stride that is a
    /// multiple of the vector width (pad with zeros) runs entirely in vectors.
    /// </summary>
    public static void SolveLowerRows(EnvelopePattern pattern, ReadOnlySpan<double> l, Span<double> x, int stride) =>
        SolveLowerRows(pattern, l, x, stride, DenseCholesky.Best);

    /// <summary><see cref="SolveLowerRows(EnvelopePattern, ReadOnlySpan{double}, Span{double}, int)"/> with the vector width given (tests run every width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLowerRows(EnvelopePattern pattern, ReadOnlySpan<double> l, Span<double> x, int stride, SimdWidth width)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        var first = pattern.First;
        var diag = pattern.Diagonal;
        if (x.Length < first.Length * stride) throw new ArgumentException($"{first.Length} rows of {stride} need {first.Length * stride} values", nameof(x));
        ref double xr = ref MemoryMarshal.GetReference(x);
        for (int i = 0; i < first.Length; i++)
        {
            int fi = first[i], start = diag[i] - (i - fi);
            var row = l.Slice(start, i - fi);
            double inv = 1 / l[diag[i]];
            int c = 0;
            if (width == SimdWidth.Vector512)
            {
                for (; c + 16 <= stride; c += 16) RowChunk512(row, ref xr, stride, fi, i, c, inv);
                for (; c + 8 <= stride; c += 8) RowChunk512Single(row, ref xr, stride, fi, i, c, inv);
            }
            else if (width == SimdWidth.Vector256)
            {
                for (; c + 8 <= stride; c += 8) RowChunk256(row, ref xr, stride, fi, i, c, inv);
                for (; c + 4 <= stride; c += 4) RowChunk256Single(row, ref xr, stride, fi, i, c, inv);
            }
            for (; c < stride; c++)
            {
                double v = x[(i * stride) + c];
                for (int k = 0; k < row.Length; k++) v = Math.FusedMultiplyAdd(-row[k], x[((fi + k) * stride) + c], v);
                x[(i * stride) + c] = v * inv;
            }
        }
    }

    private static void RowChunk512(ReadOnlySpan<double> row, ref double x, int stride, int fi, int i, int c, double inv)
    {
        nuint self = (nuint)((i * stride) + c);
        var a0 = Vector512.LoadUnsafe(ref x, self);
        var a1 = Vector512.LoadUnsafe(ref x, self + 8);
        for (int k = 0; k < row.Length; k++)
        {
            var m = Vector512.Create(-row[k]);
            nuint o = (nuint)(((fi + k) * stride) + c);
            a0 = Vector512.FusedMultiplyAdd(m, Vector512.LoadUnsafe(ref x, o), a0);
            a1 = Vector512.FusedMultiplyAdd(m, Vector512.LoadUnsafe(ref x, o + 8), a1);
        }
        var s = Vector512.Create(inv);
        (a0 * s).StoreUnsafe(ref x, self);
        (a1 * s).StoreUnsafe(ref x, self + 8);
    }

    private static void RowChunk512Single(ReadOnlySpan<double> row, ref double x, int stride, int fi, int i, int c, double inv)
    {
        nuint self = (nuint)((i * stride) + c);
        var a0 = Vector512.LoadUnsafe(ref x, self);
        var a1 = Vector512<double>.Zero; // odd terms: two chains of multiply–adds instead of one
        int k = 0;
        for (; k + 1 < row.Length; k += 2)
        {
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(-row[k]), Vector512.LoadUnsafe(ref x, (nuint)(((fi + k) * stride) + c)), a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(-row[k + 1]), Vector512.LoadUnsafe(ref x, (nuint)(((fi + k + 1) * stride) + c)), a1);
        }
        if (k < row.Length) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(-row[k]), Vector512.LoadUnsafe(ref x, (nuint)(((fi + k) * stride) + c)), a0);
        ((a0 + a1) * Vector512.Create(inv)).StoreUnsafe(ref x, self);
    }

    private static void RowChunk256(ReadOnlySpan<double> row, ref double x, int stride, int fi, int i, int c, double inv)
    {
        nuint self = (nuint)((i * stride) + c);
        var a0 = Vector256.LoadUnsafe(ref x, self);
        var a1 = Vector256.LoadUnsafe(ref x, self + 4);
        for (int k = 0; k < row.Length; k++)
        {
            var m = Vector256.Create(-row[k]);
            nuint o = (nuint)(((fi + k) * stride) + c);
            a0 = Vector256.FusedMultiplyAdd(m, Vector256.LoadUnsafe(ref x, o), a0);
            a1 = Vector256.FusedMultiplyAdd(m, Vector256.LoadUnsafe(ref x, o + 4), a1);
        }
        var s = Vector256.Create(inv);
        (a0 * s).StoreUnsafe(ref x, self);
        (a1 * s).StoreUnsafe(ref x, self + 4);
    }

    private static void RowChunk256Single(ReadOnlySpan<double> row, ref double x, int stride, int fi, int i, int c, double inv)
    {
        nuint self = (nuint)((i * stride) + c);
        var a0 = Vector256.LoadUnsafe(ref x, self);
        var a1 = Vector256<double>.Zero;
        int k = 0;
        for (; k + 1 < row.Length; k += 2)
        {
            a0 = Vector256.FusedMultiplyAdd(Vector256.Create(-row[k]), Vector256.LoadUnsafe(ref x, (nuint)(((fi + k) * stride) + c)), a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Create(-row[k + 1]), Vector256.LoadUnsafe(ref x, (nuint)(((fi + k + 1) * stride) + c)), a1);
        }
        if (k < row.Length) a0 = Vector256.FusedMultiplyAdd(Vector256.Create(-row[k]), Vector256.LoadUnsafe(ref x, (nuint)(((fi + k) * stride) + c)), a0);
        ((a0 + a1) * Vector256.Create(inv)).StoreUnsafe(ref x, self);
    }

    /// <summary>Solves L' x = b in place: from the last row up, each solved value taken from the rows above (an axpy along row i).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLowerTransposed(EnvelopePattern pattern, ReadOnlySpan<double> l, Span<double> x)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var first = pattern.First;
        var diag = pattern.Diagonal;
        var width = DenseCholesky.Best;
        for (int i = first.Length - 1; i >= 0; i--)
        {
            double xi = x[i] / l[diag[i]];
            x[i] = xi;
            int fi = first[i], len = i - fi;
            if (xi != 0 && len > 0) Kernels.Axpy(-xi, l.Slice(diag[i] - len, len), x.Slice(fi, len), width);
        }
    }

    /// <summary>
    /// The entries of Z = (L L')⁻¹ on the envelope (written to <paramref name="z"/>, laid out as L), by the
    /// recurrences of Takahashi, Fagan and Chen (1973): for j from the last column down and each row i &gt; j of
    /// column j, Z[i,j] = −Σ_k Z[i,k] L[k,j] / L[j,j] over the rows k &gt; j of column j, and
    /// Z[j,j] = (1/L[j,j] − Σ_k Z[k,j] L[k,j]) / L[j,j]. Every Z[i,k] these read lies in the envelope (both i and k
    /// reach back to column j), so the pattern is closed under them; the work is of the order of the factor's.
    /// <paramref name="column"/> and <paramref name="product"/> are scratch of the matrix's order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SelectedInverse(EnvelopePattern pattern, ReadOnlySpan<double> l, Span<double> z, Span<double> column, Span<double> product)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        CheckLength(pattern, l.Length);
        CheckLength(pattern, z.Length);
        var first = pattern.First;
        var diag = pattern.Diagonal;
        var end = pattern.ColumnEnd;
        var width = DenseCholesky.Best;
        int n = first.Length;
        if (column.Length < n || product.Length < n) throw new ArgumentException("scratch shorter than the matrix's order");
        for (int j = n - 1; j >= 0; j--)
        {
            int last = end[j];
            double ljj = l[diag[j]];
            // c = L[j+1..last, j] (zero in rows that do not reach column j); product = Z[S, S] c over those rows.
            for (int k = j + 1; k <= last; k++)
            {
                column[k] = first[k] <= j ? l[diag[k] - k + j] : 0;
                product[k] = 0;
            }
            for (int i = j + 1; i <= last; i++)
            {
                if (first[i] > j) continue;
                int ri = diag[i] - i, len = i - j - 1;
                double ci = column[i];
                double s = z[diag[i]] * ci;
                if (len > 0)
                {
                    var rowPart = z.Slice(ri + j + 1, len); // Z[i, j+1..i-1]
                    s += Kernels.Dot(rowPart, column.Slice(j + 1, len), width);
                    if (ci != 0) Kernels.Axpy(ci, rowPart, product.Slice(j + 1, len), width);
                }
                product[i] += s;
            }
            double dd = 1 / ljj;
            for (int i = j + 1; i <= last; i++)
            {
                if (first[i] > j) continue;
                double zij = -product[i] / ljj;
                z[diag[i] - i + j] = zij;
                dd -= zij * column[i];
            }
            z[diag[j]] = dd / ljj;
        }
    }

    private static void CheckLength(EnvelopePattern pattern, int length)
    {
        if (length < pattern.Count) throw new ArgumentException($"the envelope has {pattern.Count} entries; the storage has {length}");
    }
}
