using System.Globalization;
using FastMlm.LinearAlgebra;
using FastMlm.Models;
using FastMlm.Optimization;

namespace FastMlm.Inference;

/// <summary>
/// The criterion of a fitted linear mixed model (−2 log-likelihood, or REML's) as a function of one parameter,
/// minimised over the others: the engine of profile intervals. The variance parameters are φ = (the SDs and
/// correlations of each random-effects term in θ's order, σ), as lme4's profile uses them; the fixed effects are
/// profiled through the factorisation (β_j held at b adds (b − β̂_j(θ))² / [(L_X L_X')⁻¹]_jj to the penalised RSS).
/// Maximum-likelihood fits only (lme4 profiles a REML fit's ML refit). Not thread-safe: it drives the fit's evaluator.
/// </summary>
internal sealed class LikelihoodProfile
{
    private enum Kind { Sd, Cor, Sigma }

    private static readonly BobyqaOptions s_inner = new()
    {
        InitialRadius = 0.05,
        FinalRadius = 1e-8,
        FunctionToleranceAbsolute = 1e-10,
        XToleranceAbsolute = 1e-8,
        MaxEvaluations = 20_000,
    };

    private readonly FitResult _fit;
    private readonly ProfiledLmm _engine;
    private readonly int _n, _p, _nTheta;
    private readonly double[] _phiHat;
    private readonly Kind[] _kinds;
    private readonly string[] _descriptions;
    private readonly double _devHat;
    private readonly double[] _theta;
    private readonly double[] _beta;
    private readonly double[] _unscaled;
    private readonly double[] _work;

    /// <param name="fit">A maximum-likelihood fit.</param>
    /// <param name="engine">The evaluator to drive: the fit's own (null), or one built from its design, so that several profiles run at once.</param>
    public LikelihoodProfile(FitResult fit, ProfiledLmm? engine = null)
    {
        _fit = fit;
        _engine = engine ?? fit.Engine ?? throw new ModelException("profiles need the fitted linear mixed model's criterion");
        if (fit.Reml) throw new ArgumentException("profile a maximum-likelihood fit (refit REML fits by ML first)", nameof(fit));
        _n = _engine.N;
        _p = _engine.P;
        _nTheta = fit.InternalTheta.Count;
        _theta = new double[_nTheta];
        _beta = new double[_p];
        _unscaled = new double[_p * _p];
        int qMax = _engine.Terms.Max(t => t.Q);
        _work = new double[(qMax * qMax) + qMax];

        _phiHat = new double[_nTheta + 1];
        _kinds = new Kind[_nTheta + 1];
        var (_, descriptions, isCor) = VarianceParameters.Describe(fit);
        _descriptions = descriptions;
        for (int i = 0; i < _nTheta; i++) _kinds[i] = isCor[i] ? Kind.Cor : Kind.Sd;
        _kinds[_nTheta] = Kind.Sigma;
        VarianceParameters.FromTheta(fit.RandomEffects.Select(t => t.Columns.Count).ToArray(), fit.Theta.ToArray(), fit.Sigma, _phiHat);
        for (int i = 0; i < _nTheta; i++)
        {
            if (double.IsNaN(_phiHat[i])) _phiHat[i] = 0; // a correlation with a zero SD: any value fits equally
        }
        _devHat = VarianceCriterion(_phiHat);
        _engine.Evaluate(fit.InternalTheta.ToArray());
    }

    /// <summary>The SDs and correlations, and σ.</summary>
    public int VarianceParameterCount => _nTheta + 1;

    /// <summary>φ → the engine's θ̃: per term λ = chol(D R D / σ²) (semidefinite: a zero pivot zeroes its column), θ̃ = λ / S.</summary>
    private bool ToTheta(ReadOnlySpan<double> phi, Span<double> theta)
    {
        double sigma = phi[_nTheta];
        if (!(sigma > 0)) return false;
        foreach (var term in _engine.Terms)
        {
            int q = term.Q, off = term.ThetaOffset;
            var a = _work.AsSpan(0, q * q);
            var sd = _work.AsSpan(q * q, q);
            for (int j = 0, k = off; j < q; j++)
            {
                for (int i = j; i < q; i++, k++)
                {
                    if (i == j) sd[i] = phi[k];
                }
            }
            for (int j = 0, k = off; j < q; j++)
            {
                for (int i = j; i < q; i++, k++)
                {
                    double r = i == j ? 1 : phi[k];
                    a[(j * q) + i] = a[(i * q) + j] = r * sd[i] * sd[j] / (sigma * sigma);
                }
            }
            // Semidefinite Cholesky, lower, column by column.
            for (int j = 0; j < q; j++)
            {
                double d = a[(j * q) + j];
                for (int c = 0; c < j; c++) d -= a[(c * q) + j] * a[(c * q) + j];
                double scale = Math.Max(a[(j * q) + j], 1e-300);
                if (d < -1e-10 * scale) return false; // the correlations do not form a correlation matrix
                if (d <= 1e-14 * scale)
                {
                    for (int i = j; i < q; i++) a[(j * q) + i] = 0;
                    continue;
                }
                double l = Math.Sqrt(d);
                a[(j * q) + j] = l;
                for (int i = j + 1; i < q; i++)
                {
                    double s = a[(j * q) + i];
                    for (int c = 0; c < j; c++) s -= a[(c * q) + i] * a[(c * q) + j];
                    a[(j * q) + i] = s / l;
                }
            }
            for (int j = 0, k = off; j < q; j++)
            {
                for (int i = j; i < q; i++, k++) theta[k] = a[(j * q) + i] / term.Scale[i];
            }
        }
        return true;
    }

    /// <summary>−2 log-likelihood at φ with β profiled out and σ not.</summary>
    private double VarianceCriterion(ReadOnlySpan<double> phi)
    {
        if (!ToTheta(phi, _theta)) return ProfiledLmm.FailedValue;
        if (_engine.Evaluate(_theta) >= ProfiledLmm.FailedValue) return ProfiledLmm.FailedValue;
        double s2 = phi[_nTheta] * phi[_nTheta];
        return _engine.LogDetLz2 + (_engine.PenalizedRss / s2) + (_n * Math.Log(2 * Math.PI * s2));
    }

    /// <summary>
    /// −2 log-likelihood at θ̃ with β_j held at b (or at β̂_j(θ) when b is NaN) and σ profiled out: the model
    /// with x_j b as an offset and x_j removed.
    /// </summary>
    private double FixedCriterion(ReadOnlySpan<double> theta, int j, double b)
    {
        if (_engine.Evaluate(theta) >= ProfiledLmm.FailedValue) return ProfiledLmm.FailedValue;
        _engine.FixedEffects(_beta, _unscaled);
        double cjj = _unscaled[(j * _p) + j];
        double pwrss = _engine.PenalizedRss;
        if (!double.IsNaN(b)) pwrss += (b - _beta[j]) * (b - _beta[j]) / cjj;
        return _engine.LogDetLz2 + (_n * (1 + Math.Log(2 * Math.PI * pwrss / _n)));
    }

    /// <summary>
    /// The profile of parameter <paramref name="index"/> (the variance parameters first, in θ's order, then σ, then the
    /// fixed effects): ζ as a function of the parameter's value, with its estimate, a first step for a search, and the
    /// bounds of its range. ζ drives the evaluator; call <see cref="Restore"/> when done.
    /// </summary>
    internal ParameterProfile Parameter(int index) =>
        index < VarianceParameterCount ? VarianceProfile(index) : FixedProfile(index - VarianceParameterCount);

    /// <summary>Leaves the evaluator at the estimates again.</summary>
    internal void Restore() => _engine.Evaluate(_fit.InternalTheta.ToArray());

    /// <summary>The interval of parameter <paramref name="index"/> (as <see cref="Parameter"/> numbers them): where ζ reaches ∓z.</summary>
    public ConfidenceInterval Interval(int index, double z)
    {
        var profile = Parameter(index);
        var (lowerLimit, lowerNote) = Root(profile.Zeta, profile.Estimate, profile.Step, profile.LowerBound, profile.UpperBound, -z);
        var (upperLimit, upperNote) = Root(profile.Zeta, profile.Estimate, profile.Step, profile.LowerBound, profile.UpperBound, z);
        Restore();
        return new ConfidenceInterval(profile.Name, profile.Description, profile.Estimate, lowerLimit, upperLimit, JoinNotes(lowerNote, upperNote));
    }

    /// <summary>The profile of variance parameter j (an SD, a correlation, or σ).</summary>
    private ParameterProfile VarianceProfile(int j)
    {
        var kind = _kinds[j];
        double hat = _phiHat[j];
        int m = _nTheta; // the other parameters
        var scale = new double[_nTheta + 1];
        for (int i = 0; i <= _nTheta; i++) scale[i] = _kinds[i] == Kind.Cor ? 1 : Math.Max(Math.Abs(_phiHat[i]), 1e-3 * _fit.Sigma);
        var lower = new double[m];
        var upper = new double[m];
        var start = new double[m];
        var others = Enumerable.Range(0, _nTheta + 1).Where(i => i != j).ToArray();
        for (int a = 0; a < m; a++)
        {
            int i = others[a];
            lower[a] = _kinds[i] switch { Kind.Cor => -1, Kind.Sigma => 1e-6, _ => 0 };
            upper[a] = _kinds[i] == Kind.Cor ? 1 : double.PositiveInfinity;
            start[a] = _phiHat[i] / scale[i];
        }
        var phi = (double[])_phiHat.Clone();
        var warm = new List<(double V, double[] X)>();

        double Zeta(double v)
        {
            phi[j] = v;
            double Objective(ReadOnlySpan<double> x)
            {
                for (int a = 0; a < m; a++) phi[others[a]] = x[a] * scale[others[a]];
                return VarianceCriterion(phi);
            }
            var from = warm.Count == 0 ? start : warm.MinBy(w => Math.Abs(w.V - v)).X;
            var x0 = from.Select((x, a) => Math.Clamp(x, lower[a], upper[a])).ToArray();
            var opt = Bobyqa.Minimize(Objective, x0, lower, upper, s_inner);
            warm.Add((v, opt.X));
            return Math.Sign(v - hat) * Math.Sqrt(Math.Max(opt.Value - _devHat, 0));
        }

        double step = kind switch
        {
            Kind.Cor => Math.Max(0.2 * (1 - Math.Abs(hat)), 0.01),
            Kind.Sigma => Math.Max(0.05 * hat, 1e-8),
            _ => Math.Max(0.25 * hat, 0.05 * _fit.Sigma),
        };
        string name = kind == Kind.Sigma ? ".sigma" : ConfidenceIntervals.Name(j);
        return new ParameterProfile(name, _descriptions[j], hat, step, kind == Kind.Cor ? -1 : 0, kind == Kind.Cor ? 1 : double.PositiveInfinity, Zeta);
    }

    /// <summary>The profile of fixed effect j.</summary>
    private ParameterProfile FixedProfile(int j)
    {
        var fe = _fit.FixedEffects[j];
        int m = _nTheta;
        var lower = _engine.Lower;
        var upper = Enumerable.Repeat(double.PositiveInfinity, m).ToArray();
        var start = _fit.InternalTheta.ToArray();
        double hat = fe.Estimate;
        double baseline = _devHat;
        var warm = new List<(double V, double[] X)> { (hat, start) };

        double Zeta(double b)
        {
            var from = warm.MinBy(w => Math.Abs(w.V - b)).X;
            var opt = Bobyqa.Minimize(x => FixedCriterion(x, j, b), from, lower, upper, s_inner);
            warm.Add((b, opt.X));
            return Math.Sign(b - hat) * Math.Sqrt(Math.Max(opt.Value - baseline, 0));
        }

        return new ParameterProfile(fe.Term, fe.Term, hat, fe.StandardError, double.NegativeInfinity, double.PositiveInfinity, Zeta);
    }

    private static string? JoinNotes(string? a, string? b) => a is null ? b : b is null ? a : a + "; " + b;

    /// <summary>
    /// Where ζ(v) = target, searching from v̂ (ζ = 0) in target's direction: steps doubling until the target is
    /// passed (or the bound reached), then false position (Illinois) to 1e-9 of the bracket's scale.
    /// </summary>
    internal static (double Value, string? Note) Root(Func<double, double> zeta, double hat, double step, double lowerBound, double upperBound, double target)
    {
        int dir = Math.Sign(target);
        double bound = dir > 0 ? upperBound : lowerBound;
        double a = hat, fa = -target; // ζ(v̂) − target
        double b = hat, fb = fa;
        for (int expand = 0; ; expand++)
        {
            b = hat + (dir * step);
            bool atBound = dir > 0 ? b >= bound : b <= bound;
            if (atBound) b = bound;
            fb = zeta(b) - target;
            if (dir * fb >= 0) break;
            if (atBound)
            {
                string where = dir > 0 ? "upper" : "lower";
                return (bound, string.Create(CultureInfo.InvariantCulture, $"the {where} limit is the bound of the parameter space ({bound:G4})"));
            }
            if (expand > 60) return (double.NaN, "the profile does not reach the limit");
            a = b;
            fa = fb;
            step *= 2;
        }
        // Illinois false position on [a, b], f(a)·f(b) ≤ 0.
        double tol = 1e-9 * Math.Max(Math.Abs(b - hat), Math.Max(Math.Abs(hat), 1e-12));
        for (int it = 0; it < 100 && Math.Abs(b - a) > tol; it++)
        {
            double c = fb == fa ? 0.5 * (a + b) : b - (fb * (b - a) / (fb - fa));
            if (!(Math.Min(a, b) < c && c < Math.Max(a, b))) c = 0.5 * (a + b);
            double fc = zeta(c) - target;
            if (Math.Abs(fc) < 1e-9) return (c, null);
            if (fc * fb < 0)
            {
                a = b;
                fa = fb;
            }
            else
            {
                fa /= 2;
            }
            b = c;
            fb = fc;
        }
        return (Math.Abs(fa) < Math.Abs(fb) ? a : b, null);
    }
}

/// <summary>One parameter's profile: ζ(v) = sign(v − v̂)·√(d(v) − d̂), the criterion d minimised over the other parameters.</summary>
/// <param name="Name">lme4's name (<c>.sig01</c>, <c>.sigma</c>, or the fixed effect's term).</param>
/// <param name="Description">What it is (<c>sd_Days|Subject</c>, <c>sigma</c>, the term).</param>
/// <param name="Estimate">v̂, where ζ is zero.</param>
/// <param name="Step">A first step away from v̂ for a search.</param>
/// <param name="LowerBound">The smallest value the parameter may take.</param>
/// <param name="UpperBound">The largest value the parameter may take.</param>
/// <param name="Zeta">ζ at a value.</param>
internal sealed record ParameterProfile(string Name, string Description, double Estimate, double Step, double LowerBound, double UpperBound, Func<double, double> Zeta);
