using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlm.Models;

/// <summary>
/// The per-observation work of a PIRLS iteration for the canonical links, in one pass and four lanes at a time:
/// μ and dμ/dη from η together with the μ-dependent part of −2 log p, and the IRLS weights and working residuals.
/// With the logit link −2 log p(y | η) = 2m(softplus(η) − yη) needs one exponential and one logarithm; with the log
/// link 2m(μ − yη) one exponential. η is clamped where R clamps μ (μ ≥ ε, and μ ≤ 1 − ε for probabilities), so the
/// values are R's.
/// </summary>
[SkipLocalsInit]
internal static class GlmKernels
{
    private const double Eps = 2.220446049250313e-16;

    /// <summary>−log ε: beyond |η| = 36.04 R's logistic μ is ε or 1/(1 + ε).</summary>
    private const double LogitClamp = 36.04365338911715;

    /// <summary>Logit link, binomial: μ, μ' and Σ 2m(softplus(η) − yη).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Logit(ReadOnlySpan<double> eta, ReadOnlySpan<double> y, ReadOnlySpan<double> m, Span<double> mu, Span<double> muEta)
    {
        int n = eta.Length, i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double e0 = ref MemoryMarshal.GetReference(eta);
            ref double y0 = ref MemoryMarshal.GetReference(y);
            ref double m0 = ref MemoryMarshal.GetReference(m);
            ref double mu0 = ref MemoryMarshal.GetReference(mu);
            ref double d0 = ref MemoryMarshal.GetReference(muEta);
            var acc = Vector256<double>.Zero;
            var one = Vector256.Create(1.0);
            var zero = Vector256<double>.Zero;
            var lo = Vector256.Create(-LogitClamp);
            var hi = Vector256.Create(LogitClamp);
            var eps = Vector256.Create(Eps);
            for (; i <= n - 4; i += 4)
            {
                var h = Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref e0, (nuint)i), lo), hi);
                var ex = Vector256.Exp(-Vector256.Abs(h));
                var onePlus = one + ex;
                var inv = one / onePlus;
                var muV = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(h, zero), inv, ex * inv);
                muV.StoreUnsafe(ref mu0, (nuint)i);
                Vector256.Max(ex * inv * inv, eps).StoreUnsafe(ref d0, (nuint)i);
                var softplus = Vector256.Max(h, zero) + Vector256.Log(onePlus);
                acc += Vector256.LoadUnsafe(ref m0, (nuint)i) * (softplus - (Vector256.LoadUnsafe(ref y0, (nuint)i) * h));
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            double h = Math.Clamp(eta[i], -LogitClamp, LogitClamp);
            double ex = Math.Exp(-Math.Abs(h)), inv = 1 / (1 + ex);
            mu[i] = h >= 0 ? inv : ex * inv;
            muEta[i] = Math.Max(ex * inv * inv, Eps);
            sum += m[i] * (Math.Max(h, 0) + Math.Log(1 + ex) - (y[i] * h));
        }
        return 2 * sum;
    }

    /// <summary>Log link, Poisson: μ = μ' = max(exp η, ε) and Σ 2m(μ − y log μ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Log(ReadOnlySpan<double> eta, ReadOnlySpan<double> y, ReadOnlySpan<double> m, Span<double> mu, Span<double> muEta)
    {
        int n = eta.Length, i = 0;
        double sum = 0;
        double logEps = Math.Log(Eps);
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double e0 = ref MemoryMarshal.GetReference(eta);
            ref double y0 = ref MemoryMarshal.GetReference(y);
            ref double m0 = ref MemoryMarshal.GetReference(m);
            ref double mu0 = ref MemoryMarshal.GetReference(mu);
            ref double d0 = ref MemoryMarshal.GetReference(muEta);
            var acc = Vector256<double>.Zero;
            var lo = Vector256.Create(logEps);
            for (; i <= n - 4; i += 4)
            {
                var h = Vector256.Max(Vector256.LoadUnsafe(ref e0, (nuint)i), lo);
                var muV = Vector256.Exp(h);
                muV.StoreUnsafe(ref mu0, (nuint)i);
                muV.StoreUnsafe(ref d0, (nuint)i);
                acc += Vector256.LoadUnsafe(ref m0, (nuint)i) * (muV - (Vector256.LoadUnsafe(ref y0, (nuint)i) * h));
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            double h = Math.Max(eta[i], logEps);
            double u = Math.Exp(h);
            mu[i] = u;
            muEta[i] = u;
            sum += m[i] * (u - (y[i] * h));
        }
        return 2 * sum;
    }

    /// <summary>√w = μ'·√(m/V(μ)) and the working residual (y − μ)/μ', V = μ(1 − μ) (binomial) or μ (Poisson).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightsAndResiduals(bool binomial, ReadOnlySpan<double> y, ReadOnlySpan<double> m, ReadOnlySpan<double> mu, ReadOnlySpan<double> muEta, Span<double> sqrtW, Span<double> residual)
    {
        int n = mu.Length, i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double y0 = ref MemoryMarshal.GetReference(y);
            ref double m0 = ref MemoryMarshal.GetReference(m);
            ref double mu0 = ref MemoryMarshal.GetReference(mu);
            ref double d0 = ref MemoryMarshal.GetReference(muEta);
            ref double w0 = ref MemoryMarshal.GetReference(sqrtW);
            ref double r0 = ref MemoryMarshal.GetReference(residual);
            var one = Vector256.Create(1.0);
            var tiny = Vector256.Create(1e-300);
            for (; i <= n - 4; i += 4)
            {
                var u = Vector256.LoadUnsafe(ref mu0, (nuint)i);
                var d = Vector256.LoadUnsafe(ref d0, (nuint)i);
                var v = Vector256.Max(binomial ? u * (one - u) : u, tiny);
                (d * Vector256.Sqrt(Vector256.LoadUnsafe(ref m0, (nuint)i) / v)).StoreUnsafe(ref w0, (nuint)i);
                ((Vector256.LoadUnsafe(ref y0, (nuint)i) - u) / d).StoreUnsafe(ref r0, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double u = mu[i], d = muEta[i];
            double v = Math.Max(binomial ? u * (1 - u) : u, 1e-300);
            sqrtW[i] = d * Math.Sqrt(m[i] / v);
            residual[i] = (y[i] - u) / d;
        }
    }

    /// <summary>
    /// One group's conditional deviances at several values of its random effect, for quadrature: for each node value
    /// u_j, d_j = Σ_r 2m_r(softplus(η_rj) − y_r η_rj) (logit) or Σ_r 2m_r(exp(η_rj) − y_r η_rj) (log), η_rj = f_r + a_r u_j,
    /// over the rows listed. The nodes run in the vector lanes, so that groups of any size vectorise;
    /// <paramref name="u"/> and <paramref name="d"/> are padded to a multiple of four.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GroupDeviances(bool logit, ReadOnlySpan<int> rows, ReadOnlySpan<double> f, ReadOnlySpan<double> a, ReadOnlySpan<double> y, ReadOnlySpan<double> m, ReadOnlySpan<double> u, Span<double> d)
    {
        int k = u.Length;
        d.Clear();
        var zero = Vector256<double>.Zero;
        var one = Vector256.Create(1.0);
        var lo = Vector256.Create(logit ? -LogitClamp : Math.Log(Eps));
        var hi = Vector256.Create(logit ? LogitClamp : double.MaxValue);
        ref double u0 = ref MemoryMarshal.GetReference(u);
        ref double d0 = ref MemoryMarshal.GetReference(d);
        foreach (int i in rows)
        {
            var fv = Vector256.Create(f[i]);
            var av = Vector256.Create(a[i]);
            var yv = Vector256.Create(y[i]);
            var mv = Vector256.Create(2 * m[i]);
            for (int j = 0; j < k; j += 4)
            {
                var h = Vector256.Min(Vector256.Max(fv + (av * Vector256.LoadUnsafe(ref u0, (nuint)j)), lo), hi);
                Vector256<double> t;
                if (logit)
                {
                    var ex = Vector256.Exp(-Vector256.Abs(h));
                    t = Vector256.Max(h, zero) + Vector256.Log(one + ex) - (yv * h);
                }
                else
                {
                    t = Vector256.Exp(h) - (yv * h);
                }
                (Vector256.LoadUnsafe(ref d0, (nuint)j) + (mv * t)).StoreUnsafe(ref d0, (nuint)j);
            }
        }
    }
}
