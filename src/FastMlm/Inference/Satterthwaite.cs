using System.Globalization;
using FastMlm.LinearAlgebra;
using FastMlm.Models;

namespace FastMlm.Inference;

/// <summary>A fixed effect's t test with Satterthwaite's denominator degrees of freedom.</summary>
/// <param name="Term">The coefficient's name.</param>
/// <param name="Estimate">β̂.</param>
/// <param name="StandardError">Its standard error.</param>
/// <param name="Df">Satterthwaite's degrees of freedom.</param>
/// <param name="T">Estimate / standard error.</param>
/// <param name="P">Two-sided P(|t_df| &gt; |T|).</param>
public sealed record SatterthwaiteTest(string Term, double Estimate, double StandardError, double Df, double T, double P);

/// <summary>An F test of one formula term's coefficients with Satterthwaite's denominator degrees of freedom.</summary>
/// <param name="Term">The formula term (<c>x</c>, <c>f</c>, <c>x:f</c>).</param>
/// <param name="NumDf">The number of coefficients tested.</param>
/// <param name="DenDf">Satterthwaite's denominator degrees of freedom.</param>
/// <param name="F">The Wald F statistic.</param>
/// <param name="P">P(F_{NumDf, DenDf} &gt; F).</param>
public sealed record FTest(string Term, int NumDf, double DenDf, double F, double P);

/// <summary>
/// Satterthwaite's approximation to the distribution of Wald statistics of the fixed effects of a linear mixed
/// model, as lmerTest computes it (Kuznetsova, Brockhoff &amp; Christensen 2017): the variance parameters are
/// φ = (θ, σ); their asymptotic covariance is A = 2 H⁻¹, H the Hessian of the unprofiled criterion
/// (−2 log-likelihood, or the REML criterion for REML fits) at φ̂; for a contrast l, with v(φ) = l' vcov(β̂; φ) l
/// and g = ∂v/∂φ, df = 2 v² / (g' A g). Derivatives are central differences with one Richardson extrapolation.
/// </summary>
public sealed class Satterthwaite
{
    private readonly FitResult _fit;
    private readonly int _p;
    private readonly int _k; // variance parameters: θ and σ
    private readonly double[] _vcov; // vcov(β̂), p×p column-major
    private readonly double[][] _jacobian; // ∂vcov/∂φ_i, p×p each
    private readonly double[] _a; // A = 2 H⁻¹, k×k

    private Satterthwaite(FitResult fit, double[] vcov, double[][] jacobian, double[] a)
    {
        _fit = fit;
        _p = fit.FixedEffects.Count;
        _k = jacobian.Length;
        _vcov = vcov;
        _jacobian = jacobian;
        _a = a;
    }

    /// <summary>A: the asymptotic covariance of φ = (θ on the engine's columns, σ).</summary>
    public double VarianceParameterCovariance(int i, int j) => _a[(j * _k) + i];

    /// <summary>Prepares the approximation for a linear mixed model fit (derivatives at the estimates).</summary>
    /// <exception cref="ModelException">The fit has no evaluator (it was not made by <see cref="LinearMixedModel"/>).</exception>
    public static Satterthwaite For(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var engine = fit.Engine ?? throw new ModelException("Satterthwaite degrees of freedom need the fitted linear mixed model's criterion");
        int p = fit.FixedEffects.Count;
        int nTheta = fit.InternalTheta.Count;
        int k = nTheta + 1;
        var phi = new double[k];
        for (int i = 0; i < nTheta; i++) phi[i] = fit.InternalTheta[i];
        phi[nTheta] = fit.Sigma;

        var theta = new double[nTheta];
        var beta = new double[p];
        var unscaled = new double[p * p];
        int n = engine.N;
        bool reml = fit.Reml;

        // The criterion with σ not profiled out: log|L_Z|² + pwrss/σ² + n log(2πσ²), and for REML
        // + log|L_X|² − p log(2πσ²).
        double Criterion(ReadOnlySpan<double> x)
        {
            x.Slice(0, nTheta).CopyTo(theta);
            engine.Evaluate(theta);
            double s2 = x[nTheta] * x[nTheta];
            double value = engine.LogDetLz2 + (engine.PenalizedRss / s2) + (n * Math.Log(2 * Math.PI * s2));
            if (reml) value += engine.LogDetLx2 - (p * Math.Log(2 * Math.PI * s2));
            return value;
        }

        // vcov(β̂; φ) = σ² (L_X L_X')⁻¹(θ).
        void Vcov(ReadOnlySpan<double> x, Span<double> target)
        {
            x.Slice(0, nTheta).CopyTo(theta);
            engine.Evaluate(theta);
            engine.FixedEffects(beta, target);
            double s2 = x[nTheta] * x[nTheta];
            for (int i = 0; i < target.Length; i++) target[i] *= s2;
        }

        var h = new double[k];
        for (int i = 0; i < k; i++) h[i] = 1e-3 * Math.Max(Math.Abs(phi[i]), 0.05);
        var hessian = NumericalDerivatives.Hessian(Criterion, phi, h);
        var jacobian = new double[k][];
        for (int i = 0; i < k; i++) jacobian[i] = NumericalDerivatives.Derivative(Vcov, phi, i, h[i], p * p);
        var vcov = new double[p * p];
        Vcov(phi, vcov);
        engine.Evaluate(fit.InternalTheta.ToArray()); // leave the evaluator at the estimates

        // A = 2 H⁻¹; a Hessian that is not positive definite (a boundary fit) is inverted on its positive eigenvalues.
        var a = new double[k * k];
        var values = new double[k];
        var vectors = new double[k * k];
        var work = (double[])hessian.Clone();
        SmallDense.SymmetricEigen(work, k, values, vectors);
        double tol = 1e-8 * Math.Max(values[0], 0);
        for (int e = 0; e < k; e++)
        {
            if (values[e] <= tol) continue;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < k; i++) a[(j * k) + i] += 2 * vectors[(e * k) + i] * vectors[(e * k) + j] / values[e];
            }
        }
        return new Satterthwaite(fit, vcov, jacobian, a);
    }

    /// <summary>The t test of every coefficient (lmerTest's <c>summary</c>).</summary>
    public IReadOnlyList<SatterthwaiteTest> Coefficients()
    {
        var tests = new SatterthwaiteTest[_p];
        var l = new double[_p];
        for (int j = 0; j < _p; j++)
        {
            Array.Clear(l);
            l[j] = 1;
            var fe = _fit.FixedEffects[j];
            double df = ContrastDf(l);
            double t = fe.Estimate / fe.StandardError;
            tests[j] = new SatterthwaiteTest(fe.Term, fe.Estimate, fe.StandardError, df, t, Distributions.StudentTwoSided(t, df));
        }
        return tests;
    }

    /// <summary>Satterthwaite's df of the single contrast l'β̂.</summary>
    public double ContrastDf(ReadOnlySpan<double> l)
    {
        if (l.Length != _p) throw new ArgumentException($"a contrast needs {_p} elements", nameof(l));
        double v = QuadraticForm(_vcov, l);
        Span<double> g = stackalloc double[_k];
        for (int i = 0; i < _k; i++) g[i] = QuadraticForm(_jacobian[i], l);
        double denom = 0;
        for (int i = 0; i < _k; i++)
        {
            for (int j = 0; j < _k; j++) denom += g[i] * _a[(j * _k) + i] * g[j];
        }
        return denom > 0 ? 2 * v * v / denom : double.PositiveInfinity;
    }

    /// <summary>
    /// The F test of H₀: Lβ = 0 for a q×p contrast matrix L (rows as arrays): F = (Lβ̂)'(L V L')⁻¹(Lβ̂)/q, with
    /// lmerTest's denominator df: the q eigen-directions of L V L' each get their own t and df ν_i, and
    /// E = Σ ν_i/(ν_i − 2) gives 2E/(E − q) (for q = 1, simply ν).
    /// </summary>
    public (double F, double DenDf) Contrast(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int q = rows.Count;
        var beta = _fit.FixedEffects.Select(f => f.Estimate).ToArray();
        if (q == 1)
        {
            double v = QuadraticForm(_vcov, rows[0]);
            double lb = Dot(rows[0], beta);
            return (lb * lb / v, ContrastDf(rows[0]));
        }
        // L V L' = P D P'.
        var lvl = new double[q * q];
        for (int i = 0; i < q; i++)
        {
            for (int j = 0; j < q; j++) lvl[(j * q) + i] = Bilinear(_vcov, rows[i], rows[j]);
        }
        var d = new double[q];
        var pm = new double[q * q];
        SmallDense.SymmetricEigen(lvl, q, d, pm);
        double f = 0, e = 0;
        int used = 0;
        var c = new double[_p];
        for (int m = 0; m < q; m++)
        {
            if (d[m] <= 1e-10 * d[0]) continue; // a redundant contrast row
            Array.Clear(c);
            for (int i = 0; i < q; i++)
            {
                for (int j = 0; j < _p; j++) c[j] += pm[(m * q) + i] * rows[i][j];
            }
            double t = Dot(c, beta);
            f += t * t / d[m];
            double nu = ContrastDf(c);
            if (nu > 2) e += nu / (nu - 2);
            used++;
        }
        f /= used;
        double den = e > used ? 2 * e / (e - used) : double.NaN;
        return (f, den);
    }

    /// <summary>
    /// Type-III F tests of each formula term (lmerTest's <c>anova(type = 3)</c>): the hypothesis that the term's
    /// coefficients are zero when factors are coded by sum-to-zero contrasts, whatever coding the fit used — so a
    /// main effect contained in an interaction with a factor is averaged over that factor's levels, while numeric
    /// covariates are taken as they are (at zero). The contrasts are carried to the fit's coding by the matrix R
    /// with X_sum = X R.
    /// </summary>
    public IReadOnlyList<FTest> TermTests()
    {
        var terms = _fit.Design.Fixed.ColumnTerms;
        var toSum = SumCodingMap();
        var tests = new List<FTest>();
        foreach (var term in terms.Distinct(StringComparer.Ordinal))
        {
            if (term == "(Intercept)") continue;
            var rows = new List<double[]>();
            for (int j = 0; j < terms.Count; j++)
            {
                if (terms[j] != term) continue;
                var l = new double[_p];
                for (int c = 0; c < _p; c++) l[c] = toSum[(c * _p) + j]; // row j of R⁻¹
                rows.Add(l);
            }
            var (f, den) = Contrast(rows);
            tests.Add(new FTest(term, rows.Count, den, f, Distributions.FUpper(f, rows.Count, den)));
        }
        return tests;
    }

    /// <summary>R⁻¹ (p×p column-major), with β_sum = R⁻¹ β and X_sum = X R; the identity when X has no factors.</summary>
    private double[] SumCodingMap()
    {
        var fixedDesign = _fit.Design.Fixed;
        var x = fixedDesign.X;
        var xs = fixedDesign.SumCodedX();
        int n = x.Rows, p = _p;
        // R = (X'X)⁻¹ X'X_sum by the normal equations (p is small and X has full column rank).
        var xtx = new double[p * p];
        var xtxs = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            var xj = x.Column(j);
            for (int i = 0; i < p; i++)
            {
                xtx[(j * p) + i] = Kernels.Dot(x.Column(i), xj, DenseCholesky.Best);
                xtxs[(j * p) + i] = Kernels.Dot(x.Column(i), xs.Column(j), DenseCholesky.Best);
            }
        }
        if (!SmallDense.Cholesky(xtx, p)) throw new ModelException("the fixed-effects matrix is numerically rank deficient: type-III contrasts cannot be formed");
        for (int j = 0; j < p; j++)
        {
            var col = xtxs.AsSpan(j * p, p);
            SmallDense.SolveLower(xtx, col, p);
            SmallDense.SolveLowerTransposed(xtx, col, p, p);
        }
        return Invert(xtxs, p);
    }

    /// <summary>The inverse of a small square matrix by Gauss–Jordan elimination with partial pivoting.</summary>
    private static double[] Invert(double[] m, int n)
    {
        var a = (double[])m.Clone();
        var inv = new double[n * n];
        for (int i = 0; i < n; i++) inv[(i * n) + i] = 1;
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[(c * n) + r]) > Math.Abs(a[(c * n) + pivot])) pivot = r;
            }
            if (a[(c * n) + pivot] == 0) throw new ModelException("the sum-coded and treatment-coded designs do not span the same columns: type-III contrasts cannot be formed");
            if (pivot != c)
            {
                for (int k = 0; k < n; k++)
                {
                    (a[(k * n) + c], a[(k * n) + pivot]) = (a[(k * n) + pivot], a[(k * n) + c]);
                    (inv[(k * n) + c], inv[(k * n) + pivot]) = (inv[(k * n) + pivot], inv[(k * n) + c]);
                }
            }
            double d = a[(c * n) + c];
            for (int k = 0; k < n; k++)
            {
                a[(k * n) + c] /= d;
                inv[(k * n) + c] /= d;
            }
            for (int r = 0; r < n; r++)
            {
                if (r == c) continue;
                double f = a[(c * n) + r];
                if (f == 0) continue;
                for (int k = 0; k < n; k++)
                {
                    a[(k * n) + r] -= f * a[(k * n) + c];
                    inv[(k * n) + r] -= f * inv[(k * n) + c];
                }
            }
        }
        return inv;
    }

    private double QuadraticForm(double[] m, ReadOnlySpan<double> l) => Bilinear(m, l, l);

    private double Bilinear(double[] m, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int j = 0; j < _p; j++)
        {
            if (b[j] == 0) continue;
            double col = 0;
            for (int i = 0; i < _p; i++) col += m[(j * _p) + i] * a[i];
            s += col * b[j];
        }
        return s;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>A short description for tables.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Satterthwaite ({_k} variance parameters)");
}
