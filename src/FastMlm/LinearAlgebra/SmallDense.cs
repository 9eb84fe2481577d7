namespace FastMlm.LinearAlgebra;

/// <summary>
/// Routines on the small column-major matrices of a mixed model: the q×q relative covariance factors λ and the
/// per-level blocks of L (q is the number of random effects per level, rarely above 4).
/// </summary>
internal static class SmallDense
{
    /// <summary>v ← λ' v for a q×q lower-triangular λ (column-major).</summary>
    public static void MultiplyLowerTransposed(ReadOnlySpan<double> lambda, Span<double> v, int q)
    {
        for (int i = 0; i < q; i++)
        {
            double s = 0;
            for (int k = i; k < q; k++) s += lambda[(i * q) + k] * v[k];
            v[i] = s;
        }
    }

    /// <summary>result ← λ' A λ for a q×q symmetric A and lower-triangular λ; <paramref name="tmp"/> holds q² values.</summary>
    public static void CongruenceLower(ReadOnlySpan<double> lambda, ReadOnlySpan<double> a, Span<double> result, Span<double> tmp, int q)
    {
        // tmp = A λ
        for (int j = 0; j < q; j++)
        {
            for (int i = 0; i < q; i++)
            {
                double s = 0;
                for (int k = j; k < q; k++) s += a[(k * q) + i] * lambda[(j * q) + k];
                tmp[(j * q) + i] = s;
            }
        }
        // result = λ' tmp
        for (int j = 0; j < q; j++)
        {
            for (int i = 0; i < q; i++)
            {
                double s = 0;
                for (int k = i; k < q; k++) s += lambda[(i * q) + k] * tmp[(j * q) + k];
                result[(j * q) + i] = s;
            }
        }
    }

    /// <summary>
    /// Cholesky factor of an n×n block (leading dimension n) in place, lower triangle. With
    /// <paramref name="allowZeroLast"/>, a last pivot that rounds to zero or below is set to zero rather than
    /// failing (an exactly fitted response).
    /// </summary>
    public static bool Cholesky(Span<double> a, int n, bool allowZeroLast = false)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[(j * n) + j];
            for (int k = 0; k < j; k++) d -= a[(k * n) + j] * a[(k * n) + j];
            if (!(d > 0) || !double.IsFinite(d))
            {
                if (allowZeroLast && j == n - 1 && !double.IsNaN(d) && d <= 0)
                {
                    a[(j * n) + j] = 0;
                    return true;
                }
                return false;
            }
            d = Math.Sqrt(d);
            a[(j * n) + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[(j * n) + i];
                for (int k = 0; k < j; k++) s -= a[(k * n) + i] * a[(k * n) + j];
                a[(j * n) + i] = s / d;
            }
        }
        return true;
    }

    /// <summary>Solves L x = v in place, L the lower triangle of a q×q block (leading dimension q).</summary>
    public static void SolveLower(ReadOnlySpan<double> l, Span<double> v, int q) => SolveLower(l, v, q, q);

    /// <summary>Solves L x = v in place for the leading n×n lower triangle of a matrix with leading dimension ld.</summary>
    public static void SolveLower(ReadOnlySpan<double> l, Span<double> v, int n, int ld)
    {
        for (int i = 0; i < n; i++)
        {
            double s = v[i];
            for (int k = 0; k < i; k++) s -= l[(k * ld) + i] * v[k];
            v[i] = s / l[(i * ld) + i];
        }
    }

    /// <summary>Solves L' x = v in place for the leading n×n lower triangle of a matrix with leading dimension ld.</summary>
    public static void SolveLowerTransposed(ReadOnlySpan<double> l, Span<double> v, int n, int ld)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            double s = v[i];
            for (int k = i + 1; k < n; k++) s -= l[(i * ld) + k] * v[k];
            v[i] = s / l[(i * ld) + i];
        }
    }

    /// <summary>
    /// The eigen decomposition of a small symmetric matrix by cyclic Jacobi rotations: <paramref name="values"/>
    /// in decreasing order, <paramref name="vectors"/> column-major with column k the unit eigenvector of value k.
    /// <paramref name="a"/> (column-major, n×n) is overwritten.
    /// </summary>
    public static void SymmetricEigen(Span<double> a, int n, Span<double> values, Span<double> vectors)
    {
        vectors.Slice(0, n * n).Clear();
        for (int i = 0; i < n; i++) vectors[(i * n) + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int j = 0; j < n; j++)
            {
                diag += a[(j * n) + j] * a[(j * n) + j];
                for (int i = j + 1; i < n; i++) off += a[(j * n) + i] * a[(j * n) + i];
            }
            if (off <= 1e-30 * Math.Max(diag, double.Epsilon)) break;
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[(q * n) + p];
                    if (apq == 0) continue;
                    double app = a[(p * n) + p], aqq = a[(q * n) + q];
                    double tau = (aqq - app) / (2 * apq);
                    double t = Math.Sign(tau) / (Math.Abs(tau) + Math.Sqrt(1 + (tau * tau)));
                    if (tau == 0) t = 1;
                    double c = 1 / Math.Sqrt(1 + (t * t)), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[(p * n) + k], akq = a[(q * n) + k];
                        a[(p * n) + k] = (c * akp) - (s * akq);
                        a[(q * n) + k] = (s * akp) + (c * akq);
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[(k * n) + p], aqk = a[(k * n) + q];
                        a[(k * n) + p] = (c * apk) - (s * aqk);
                        a[(k * n) + q] = (s * apk) + (c * aqk);
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = vectors[(p * n) + k], vkq = vectors[(q * n) + k];
                        vectors[(p * n) + k] = (c * vkp) - (s * vkq);
                        vectors[(q * n) + k] = (s * vkp) + (c * vkq);
                    }
                }
            }
        }
        // Sort decreasing (selection sort: n is small).
        for (int i = 0; i < n; i++) values[i] = a[(i * n) + i];
        for (int i = 0; i < n; i++)
        {
            int best = i;
            for (int k = i + 1; k < n; k++)
            {
                if (values[k] > values[best]) best = k;
            }
            if (best == i) continue;
            (values[i], values[best]) = (values[best], values[i]);
            for (int k = 0; k < n; k++) (vectors[(i * n) + k], vectors[(best * n) + k]) = (vectors[(best * n) + k], vectors[(i * n) + k]);
        }
    }
}
