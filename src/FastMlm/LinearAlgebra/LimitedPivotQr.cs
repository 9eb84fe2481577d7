using System.Numerics;

namespace FastMlm.LinearAlgebra;

/// <summary>
/// Householder QR with limited column pivoting, as R's <c>qr()</c> (LINPACK <c>dqrdc2</c>) does it:
/// columns are taken left to right, and a column whose norm, after removing its projection on the
/// columns before it, falls below <c>tolerance</c> times its original norm is aliased and moved to the
/// end. Hence the kept columns are the earliest linearly independent ones, which is how lme4 chooses
/// the fixed-effect columns to drop from a rank-deficient model matrix.
/// </summary>
public static class LimitedPivotQr
{
    /// <summary>R's default tolerance for <c>qr()</c>, and lme4's for the rank check of X.</summary>
    public const double DefaultTolerance = 1e-7;

    /// <summary>
    /// The indices of the columns of <paramref name="matrix"/> that are linear combinations of columns
    /// before them (to the given relative tolerance), in increasing order. <paramref name="matrix"/> is not changed.
    /// </summary>
    public static int[] AliasedColumns(DenseMatrix matrix, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.Rows, p = matrix.Columns;
        var work = (double[])matrix.Data.Clone();
        var originalNorm = new double[p];
        for (int j = 0; j < p; j++) originalNorm[j] = Norm(work.AsSpan(j * n, n));

        var aliased = new List<int>();
        // Householder vectors live below the diagonal of the kept columns: (column, row of its diagonal, beta).
        var reflectors = new List<(int Column, int Row, double Beta)>();
        int rank = 0;
        for (int j = 0; j < p; j++)
        {
            var col = work.AsSpan(j * n, n);
            foreach (var (k, row, beta) in reflectors) ApplyReflector(work.AsSpan(k * n, n), row, beta, col);
            var tail = col[rank..];
            double norm = Norm(tail);
            if (rank >= n || originalNorm[j] == 0 || norm < tolerance * originalNorm[j])
            {
                aliased.Add(j);
                continue;
            }
            // Make the reflector that maps tail onto -sign(tail[0]) * norm * e1; store v in tail, v[0] implicit.
            double alpha = tail[0] >= 0 ? -norm : norm;
            double v0 = tail[0] - alpha;
            tail[0] = alpha;
            double beta2 = -v0 / alpha; // beta = 2 / (v'v) with v scaled so v[0] = 1
            for (int i = 1; i < tail.Length; i++) tail[i] /= v0;
            reflectors.Add((j, rank, beta2));
            rank++;
        }
        return aliased.ToArray();
    }

    /// <summary>Applies H = I - beta v v' (v[0] = 1 implicit, v stored below the diagonal of column <paramref name="source"/>) to <paramref name="target"/>.</summary>
    private static void ApplyReflector(Span<double> source, int row, double beta, Span<double> target)
    {
        var v = source[(row + 1)..];
        var t = target[row..];
        double s = t[0] + Dot(v, t[1..]);
        s *= beta;
        t[0] -= s;
        Axpy(-s, v, t[1..]);
    }

    private static double Norm(ReadOnlySpan<double> x)
    {
        double scale = 0;
        foreach (var v in x) scale = Math.Max(scale, Math.Abs(v));
        if (scale == 0 || !double.IsFinite(scale)) return scale;
        double sum = 0;
        foreach (var v in x)
        {
            double r = v / scale;
            sum += r * r;
        }
        return scale * Math.Sqrt(sum);
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int i = 0;
        var acc = Vector<double>.Zero;
        for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
        {
            acc += new Vector<double>(x[i..]) * new Vector<double>(y[i..]);
        }
        double s = Vector.Sum(acc);
        for (; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        var va = new Vector<double>(a);
        for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
        {
            (new Vector<double>(y[i..]) + (va * new Vector<double>(x[i..]))).CopyTo(y[i..]);
        }
        for (; i < x.Length; i++) y[i] += a * x[i];
    }
}
