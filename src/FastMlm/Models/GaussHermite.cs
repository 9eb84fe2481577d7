namespace FastMlm.Models;

/// <summary>
/// Gauss–Hermite quadrature for the standard normal density: nodes z_k and weights w_k with
/// Σ_k w_k f(z_k) ≈ ∫ f(z) φ(z) dz, exact for polynomials of degree up to 2n − 1.
/// </summary>
/// <remarks>
/// The nodes are the zeros of the probabilists' Hermite polynomial He_n, the eigenvalues of its Jacobi matrix
/// (zero diagonal, off-diagonal √k; Golub and Welsch 1969). They are found by bisection on Sturm sequences of
/// that tridiagonal matrix and polished by Newton's method on the normalised polynomials h_k = He_k/√(k!),
/// whose three-term recurrence h_{k+1} = (z h_k − √k h_{k−1})/√(k+1) neither overflows nor loses accuracy. The
/// weights are then w_k = 1/(n h_{n−1}(z_k)²), which keeps the tiny weights of the outer nodes to full relative
/// accuracy (an eigenvector's first component would not).
/// </remarks>
internal static class GaussHermite
{
    /// <summary>The n nodes (increasing) and their weights (summing to 1).</summary>
    public static (double[] Nodes, double[] Weights) Rule(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "a quadrature rule needs at least one node");
        var nodes = new double[n];
        var weights = new double[n];
        double bound = 2 * Math.Sqrt(n) + 1; // Gershgorin: every eigenvalue lies within 2√n
        for (int k = 0; k < n; k++)
        {
            // The (k+1)-th smallest eigenvalue: the point where the count of eigenvalues below x passes k.
            double lo = -bound, hi = bound;
            for (int it = 0; it < 200 && hi - lo > 1e-15 * Math.Max(1, Math.Abs(lo)); it++)
            {
                double mid = 0.5 * (lo + hi);
                if (CountBelow(mid, n) > k) hi = mid;
                else lo = mid;
            }
            double z = 0.5 * (lo + hi);
            for (int it = 0; it < 3; it++)
            {
                var (h, hPrev) = Normalised(z, n);
                double derivative = Math.Sqrt(n) * hPrev; // He_n' = n He_{n−1}, so h_n' = √n h_{n−1}
                if (derivative == 0) break;
                z -= h / derivative;
            }
            nodes[k] = z;
            var (_, last) = Normalised(z, n);
            weights[k] = 1 / (n * last * last);
        }
        if (n % 2 == 1) nodes[n / 2] = 0; // the middle node of an odd rule is exactly zero
        // Symmetrise: nodes in ± pairs, weights equal in a pair.
        for (int k = 0; k < n / 2; k++)
        {
            double z = 0.5 * (nodes[n - 1 - k] - nodes[k]);
            double w = 0.5 * (weights[k] + weights[n - 1 - k]);
            nodes[k] = -z;
            nodes[n - 1 - k] = z;
            weights[k] = weights[n - 1 - k] = w;
        }
        double sum = weights.Sum();
        for (int k = 0; k < n; k++) weights[k] /= sum;
        return (nodes, weights);
    }

    /// <summary>(h_n(z), h_{n−1}(z)).</summary>
    private static (double H, double Previous) Normalised(double z, int n)
    {
        double prev = 0, h = 1; // h_{−1} = 0, h_0 = 1
        for (int k = 0; k < n; k++)
        {
            double next = ((z * h) - (Math.Sqrt(k) * prev)) / Math.Sqrt(k + 1);
            prev = h;
            h = next;
        }
        return (h, prev);
    }

    /// <summary>How many eigenvalues of the Jacobi matrix lie below x (Sturm sequence of the LDLᵀ pivots of J − xI).</summary>
    private static int CountBelow(double x, int n)
    {
        int count = 0;
        double d = 1;
        for (int i = 0; i < n; i++)
        {
            double off2 = i == 0 ? 0 : i; // (√i)²
            d = -x - (i == 0 ? 0 : off2 / d);
            if (d == 0) d = -1e-300;
            if (d < 0) count++;
        }
        return count;
    }
}
