using FastMlm.LinearAlgebra;

namespace FastMlm.Models;

/// <summary>
/// The coordinates in which the second stage of a GLMM fit optimises (θ, β): x = 0 is the nAGQ = 0 estimate, and
/// each axis is about one standard error long, so that the deviance near its minimum is close to ‖x‖² + const and
/// the optimiser's trust region and quadratic models fit from the start. θ_i = θ0_i + s_i x_i, s_i from the
/// curvature of the deviance along θ_i at the start; β = β0 + C x_β, C the Cholesky factor of the nAGQ = 0 fit's
/// covariance of β̂, which also removes the correlations between the fixed effects. A separated coefficient keeps
/// an axis of its own with unit length and is bounded (<see cref="Separation"/>).
/// </summary>
internal sealed class GlmmCoordinates
{
    private readonly double[] _theta0;
    private readonly double[] _thetaScale;
    private readonly double[] _beta0;
    private readonly double[] _basis; // p×p lower triangular, column-major

    private GlmmCoordinates(double[] theta0, double[] thetaScale, double[] beta0, double[] basis, double[] lower, double[] upper)
    {
        _theta0 = theta0;
        _thetaScale = thetaScale;
        _beta0 = beta0;
        _basis = basis;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>θ's length.</summary>
    public int ThetaLength => _theta0.Length;

    /// <summary>β's length.</summary>
    public int BetaLength => _beta0.Length;

    /// <summary>The bounds on x.</summary>
    public double[] Lower { get; }

    /// <summary>The bounds on x.</summary>
    public double[] Upper { get; }

    /// <summary>
    /// The coordinates around (θ0, β0). <paramref name="curvature"/>(i) gives the second derivative of the deviance along
    /// θ_i at the start; <paramref name="betaCovariance"/> (p×p, or null) the nAGQ = 0 fit's covariance of β̂;
    /// <paramref name="betaBound"/> a bound on |β_j| (infinite unless column j separates the outcomes).
    /// </summary>
    public static GlmmCoordinates Build(double[] theta0, double[] thetaLower, Func<int, double> curvature, double[] beta0, double[]? betaCovariance, double[] betaBound)
    {
        int nt = theta0.Length, p = beta0.Length;
        var thetaScale = new double[nt];
        for (int i = 0; i < nt; i++)
        {
            double c = curvature(i);
            thetaScale[i] = c > 0 && double.IsFinite(c) ? Math.Clamp(Math.Sqrt(2 / c), 1e-4, 1) : 1;
        }

        var basis = new double[p * p];
        bool ok = betaCovariance is not null && betaCovariance.All(double.IsFinite);
        if (ok)
        {
            betaCovariance!.CopyTo(basis, 0);
            for (int j = 0; j < p; j++)
            {
                if (double.IsFinite(betaBound[j]))
                {
                    for (int k = 0; k < p; k++) basis[(k * p) + j] = basis[(j * p) + k] = 0;
                    basis[(j * p) + j] = 1;
                }
            }
            ok = SmallDense.Cholesky(basis, p);
            for (int j = 0; j < p && ok; j++)
            {
                double d = basis[(j * p) + j];
                if (!(d > 0) || d > 1e3 * (1 + Math.Abs(beta0[j]))) ok = false; // near-separation: a huge SE would set a wild step
                for (int k = 0; k < j; k++) basis[(j * p) + k] = 0; // the lower triangle only
            }
        }
        if (!ok)
        {
            Array.Clear(basis);
            for (int j = 0; j < p; j++)
            {
                double sd = betaCovariance is not null ? Math.Sqrt(Math.Max(betaCovariance[(j * p) + j], 0)) : double.NaN;
                if (!(sd > 0) || !double.IsFinite(sd)) sd = Math.Max(1e-3, 0.1 * Math.Abs(beta0[j]));
                basis[(j * p) + j] = double.IsFinite(betaBound[j]) ? 1 : Math.Min(sd, 1 + Math.Abs(beta0[j]));
            }
        }

        var lower = new double[nt + p];
        var upper = new double[nt + p];
        for (int i = 0; i < nt; i++)
        {
            lower[i] = double.IsFinite(thetaLower[i]) ? (thetaLower[i] - theta0[i]) / thetaScale[i] : double.NegativeInfinity;
            upper[i] = double.PositiveInfinity;
        }
        for (int j = 0; j < p; j++)
        {
            double d = basis[(j * p) + j];
            lower[nt + j] = double.IsFinite(betaBound[j]) ? (-betaBound[j] - beta0[j]) / d : double.NegativeInfinity;
            upper[nt + j] = double.IsFinite(betaBound[j]) ? (betaBound[j] - beta0[j]) / d : double.PositiveInfinity;
        }
        return new GlmmCoordinates(theta0, thetaScale, beta0, basis, lower, upper);
    }

    /// <summary>(θ, β) at x.</summary>
    public void ToParameters(ReadOnlySpan<double> x, Span<double> theta, Span<double> beta)
    {
        int nt = _theta0.Length, p = _beta0.Length;
        for (int i = 0; i < nt; i++) theta[i] = _theta0[i] + (_thetaScale[i] * x[i]);
        for (int j = 0; j < p; j++)
        {
            double v = _beta0[j];
            for (int k = 0; k <= j; k++) v += _basis[(k * p) + j] * x[nt + k];
            beta[j] = v;
        }
    }

    /// <summary>The coordinate of θ_i = <paramref name="theta"/> (the others unchanged).</summary>
    public double ThetaCoordinate(int i, double theta) => (theta - _theta0[i]) / _thetaScale[i];
}
