using System.Globalization;

namespace FastMlm.Optimization;

/// <summary>A function to minimise; it must not keep the span.</summary>
public delegate double Objective(ReadOnlySpan<double> x);

/// <summary>Settings of <see cref="Bobyqa"/>.</summary>
public sealed class BobyqaOptions
{
    /// <summary>The first trust-region radius (Powell's rhobeg).</summary>
    public double InitialRadius { get; init; } = 0.2;

    /// <summary>The final trust-region radius (rhoend): the absolute accuracy asked of x.</summary>
    public double FinalRadius { get; init; } = 1e-7;

    /// <summary>
    /// Stop when an accepted step lowers f by less than this and moves x by less than
    /// <see cref="XToleranceAbsolute"/> in every coordinate; 0 turns it off. (nlopt stops when either of its
    /// ftol_abs and xtol_abs is met; asking both is the stricter rule.)
    /// </summary>
    public double FunctionToleranceAbsolute { get; init; }

    /// <summary>See <see cref="FunctionToleranceAbsolute"/>.</summary>
    public double XToleranceAbsolute { get; init; }

    /// <summary>The most evaluations of f.</summary>
    public int MaxEvaluations { get; init; } = 100_000;

    /// <summary>Interpolation points, between n+2 and (n+1)(n+2)/2; 2n+1 when null (Powell's recommendation).</summary>
    public int? InterpolationPoints { get; init; }
}

/// <summary>Why <see cref="Bobyqa"/> stopped.</summary>
public enum OptimizerStatus
{
    /// <summary>The trust region shrank to the final radius.</summary>
    Converged,

    /// <summary>A step changed f and x by less than the absolute tolerances.</summary>
    FunctionToleranceReached,

    /// <summary>Reserved for a stop on the x tolerance alone.</summary>
    XToleranceReached,

    /// <summary>The evaluation budget ran out.</summary>
    MaxEvaluationsReached,

    /// <summary>The interpolation set could not be repaired.</summary>
    Failed,
}

/// <summary>The best point found, its value, the evaluations spent and why the search stopped.</summary>
/// <param name="X">The best point evaluated.</param>
/// <param name="Value">f at <paramref name="X"/>.</param>
/// <param name="Evaluations">Evaluations of f.</param>
/// <param name="Status">Why it stopped.</param>
/// <param name="Message">The same in words.</param>
public sealed record OptimizationResult(double[] X, double Value, int Evaluations, OptimizerStatus Status, string Message)
{
    /// <summary>Whether it stopped at a minimum: the trust region shrank to its end, or a step's change fell below the f or x tolerance.</summary>
    public bool Converged => Status is OptimizerStatus.Converged or OptimizerStatus.FunctionToleranceReached or OptimizerStatus.XToleranceReached;
}

/// <summary>
/// Powell's BOBYQA (2009): derivative-free minimisation subject to bounds. A quadratic model interpolates f at
/// m points (2n+1 by default); among all quadratics that interpolate, the one whose Hessian changes least in
/// the Frobenius norm is taken. Each iteration minimises the model over a trust region intersected with the
/// bounds (truncated conjugate gradients with an active set), evaluates f there, replaces the interpolation
/// point whose Lagrange function is largest at the new point (weighted by distance), and adjusts the radius.
/// When the points spread too far, a geometry step moves the farthest one to where its Lagrange function is
/// largest (Powell's ALTMOV); the lower bound ρ of the radius is reduced when no further progress is made at
/// its scale, down to the final radius.
/// </summary>
/// <remarks>
/// Where Powell updates an inverse of the model's KKT matrix by rank-two formulas (and repairs it when rounding
/// errors accumulate), this implementation factors the KKT system afresh each iteration. For mixed models the
/// system is tiny (3n+2 rows with n the number of covariance parameters), its cost is nothing next to one
/// evaluation, and no repair procedure is needed.
/// </remarks>
public static class Bobyqa
{
    /// <summary>Minimises <paramref name="f"/> from <paramref name="start"/> within [lower, upper] (bounds may be infinite).</summary>
    public static OptimizationResult Minimize(Objective f, ReadOnlySpan<double> start, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, BobyqaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        options ??= new BobyqaOptions();
        int n = start.Length;
        if (n == 0) throw new ArgumentException("there is nothing to optimise: the start point is empty", nameof(start));
        if (lower.Length != n || upper.Length != n) throw new ArgumentException("start, lower and upper must have one length");
        for (int i = 0; i < n; i++)
        {
            if (!(lower[i] <= upper[i])) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"lower bound {lower[i]} exceeds upper bound {upper[i]} for x[{i}]"));
            if (!double.IsFinite(start[i])) throw new ArgumentException($"start value x[{i}] is not finite", nameof(start));
            if (start[i] < lower[i] || start[i] > upper[i]) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"start value x[{i}] = {start[i]} lies outside its bounds [{lower[i]}, {upper[i]}]"), nameof(start));
            if (lower[i] == upper[i]) throw new ArgumentException($"x[{i}] is fixed by its bounds; leave it out of the problem", nameof(lower));
        }
        if (!(options.FinalRadius > 0) || !(options.InitialRadius >= options.FinalRadius))
        {
            throw new ArgumentException("the radii must satisfy 0 < FinalRadius <= InitialRadius", nameof(options));
        }
        int m = options.InterpolationPoints ?? (2 * n) + 1;
        if (m < n + 2 || m > (n + 1) * (n + 2) / 2) throw new ArgumentException($"InterpolationPoints must lie between {n + 2} and {(n + 1) * (n + 2) / 2}", nameof(options));
        var search = new Search(f, start, lower, upper, options, m);
        return search.Run();
    }

    /// <summary>The state of one minimisation.</summary>
    private sealed class Search
    {
        private readonly Objective _f;
        private readonly int _n;
        private readonly int _m;
        private readonly double[] _lower;
        private readonly double[] _upper;
        private readonly BobyqaOptions _options;
        private readonly double[][] _points;
        private readonly double[] _values;
        private readonly double[] _hessian;   // n×n model Hessian (kept between iterations for the least-change update)
        private readonly double[] _gradient;  // model gradient at the best point
        private readonly double[] _kkt;       // (m+n+1)² KKT matrix, factored in place
        private readonly int[] _pivots;
        private readonly double[] _rhs;
        private readonly double[] _lambda;
        private readonly double[] _trial;
        private readonly double[] _step;

        // Work vectors, allocated once per minimisation.
        private readonly double[] _xnew;
        private readonly double[] _wa;
        private readonly double[] _wb;
        private readonly double[] _lagrangeRhs;
        private readonly double[] _geometryRhs;
        private readonly double[] _geometryGradient;
        private readonly double[] _geometryLine;
        private readonly double[] _geometryBest;
        private readonly double[] _geometryCandidate;
        private readonly double[] _geometryPoint;
        private readonly bool[] _free;
        private readonly double[] _residual;
        private readonly double[] _direction;
        private readonly double[] _hessianDirection;
        private readonly double[] _hessianStep;
        private double _modelConstant;
        private double _scale = 1;
        private int _best;
        private int _evaluations;
        private double[] _bestX;
        private double _bestValue = double.PositiveInfinity;

        public Search(Objective f, ReadOnlySpan<double> start, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, BobyqaOptions options, int m)
        {
            _f = f;
            _n = start.Length;
            _m = m;
            _lower = lower.ToArray();
            _upper = upper.ToArray();
            _options = options;
            _points = new double[m][];
            for (int k = 0; k < m; k++) _points[k] = new double[_n];
            _values = new double[m];
            _hessian = new double[_n * _n];
            _gradient = new double[_n];
            int w = m + _n + 1;
            _kkt = new double[w * w];
            _pivots = new int[w];
            _rhs = new double[w];
            _lambda = new double[m];
            _trial = new double[_n];
            _step = new double[_n];
            _xnew = new double[_n];
            _wa = new double[_n];
            _wb = new double[_n];
            _lagrangeRhs = new double[w];
            _geometryRhs = new double[w];
            _geometryGradient = new double[_n];
            _geometryLine = new double[_n];
            _geometryBest = new double[_n];
            _geometryCandidate = new double[_n];
            _geometryPoint = new double[_n];
            _free = new bool[_n];
            _residual = new double[_n];
            _direction = new double[_n];
            _hessianDirection = new double[_n];
            _hessianStep = new double[_n];
            _bestX = start.ToArray();
            for (int i = 0; i < _n; i++) _bestX[i] = Math.Clamp(_bestX[i], _lower[i], _upper[i]);
        }

        private double Evaluate(double[] x)
        {
            for (int i = 0; i < _n; i++) x[i] = Math.Clamp(x[i], _lower[i], _upper[i]);
            _evaluations++;
            double v = _f(x);
            if (double.IsNaN(v) || double.IsPositiveInfinity(v)) v = double.MaxValue / 1e10;
            if (v < _bestValue)
            {
                _bestValue = v;
                Array.Copy(x, _bestX, _n);
            }
            return v;
        }

        private bool OutOfBudget => _evaluations >= _options.MaxEvaluations;

        public OptimizationResult Run()
        {
            double rhoEnd = _options.FinalRadius;
            double rho = _options.InitialRadius;
            for (int i = 0; i < _n; i++)
            {
                double range = _upper[i] - _lower[i];
                if (range < 2 * rho) rho = Math.Max(rhoEnd, range / 2);
            }
            if (!Initialize(_bestX, rho)) return Finish(OptimizerStatus.MaxEvaluationsReached);
            double delta = rho;
            int shortSteps = 0;

            while (true)
            {
                if (OutOfBudget) return Finish(OptimizerStatus.MaxEvaluationsReached);
                if (!BuildModel())
                {
                    // The interpolation points have become degenerate: start afresh around the best point.
                    if (!Initialize((double[])_points[_best].Clone(), rho)) return Finish(OptimizerStatus.MaxEvaluationsReached);
                    if (!BuildModel()) return Finish(OptimizerStatus.Failed, "the interpolation system stayed singular");
                }

                var xopt = _points[_best];
                double predicted = TrustRegionStep(xopt, delta, _step);
                double stepNorm = Norm(_step);

                if (stepNorm < 0.5 * rho || !(predicted > 0))
                {
                    delta = Math.Max(0.5 * delta, rho);
                    // The model sees no worthwhile step at this scale: improve the geometry if a point is far away,
                    // otherwise refine the scale.
                    shortSteps++;
                    int far = FarthestPoint(xopt, out double farDist);
                    if (farDist > 2 * Math.Max(delta, rho) && shortSteps < 3)
                    {
                        if (!GeometryStep(far, Math.Max(0.1 * delta, rho))) return Finish(OptimizerStatus.MaxEvaluationsReached);
                        continue;
                    }
                    shortSteps = 0;
                    if (rho <= rhoEnd) return Finish(OptimizerStatus.Converged);
                    (rho, delta) = ReduceRho(rho, delta, rhoEnd);
                    continue;
                }
                shortSteps = 0;

                for (int i = 0; i < _n; i++) _trial[i] = xopt[i] + _step[i];
                double fopt = _values[_best];
                var xnew = _xnew;
                Array.Copy(_trial, xnew, _n);
                double fnew = Evaluate(xnew);
                double ratio = (fopt - fnew) / predicted;

                if (ratio <= 0.1) delta = Math.Min(0.5 * delta, stepNorm);
                else if (ratio <= 0.7) delta = Math.Max(0.5 * delta, stepNorm);
                else delta = Math.Max(0.5 * delta, 2 * stepNorm);
                if (delta <= 1.5 * rho) delta = rho;

                // The tolerance test compares with x_opt before the new point may overwrite it in the set.
                bool toleranceMet = false;
                if (fnew < fopt && _options.FunctionToleranceAbsolute > 0 && fopt - fnew < _options.FunctionToleranceAbsolute)
                {
                    toleranceMet = true;
                    for (int i = 0; i < _n; i++) toleranceMet &= Math.Abs(xnew[i] - xopt[i]) < _options.XToleranceAbsolute;
                }

                int knew = ChooseReplacement(xopt, xnew, fnew < fopt, delta);
                if (knew >= 0)
                {
                    Array.Copy(xnew, _points[knew], _n);
                    _values[knew] = fnew;
                    if (fnew < fopt) _best = knew;
                }
                if (toleranceMet) return Finish(OptimizerStatus.FunctionToleranceReached);

                if (ratio > 0.1) continue;

                // An unsuccessful step: repair the geometry when points are far, else shrink ρ once the radius is at ρ.
                {
                    int far = FarthestPoint(_points[_best], out double farDist);
                    if (farDist > 2 * Math.Max(delta, rho))
                    {
                        if (!GeometryStep(far, Math.Max(0.1 * delta, rho))) return Finish(OptimizerStatus.MaxEvaluationsReached);
                        continue;
                    }
                    if (delta <= rho && ratio <= 0)
                    {
                        if (rho <= rhoEnd) return Finish(OptimizerStatus.Converged);
                        (rho, delta) = ReduceRho(rho, delta, rhoEnd);
                    }
                }
            }
        }

        private static (double Rho, double Delta) ReduceRho(double rho, double delta, double rhoEnd)
        {
            double ratio = rho / rhoEnd;
            double next = ratio <= 16 ? rhoEnd : ratio <= 250 ? Math.Sqrt(ratio) * rhoEnd : 0.1 * rho;
            return (next, Math.Max(0.5 * rho, next));
        }

        private OptimizationResult Finish(OptimizerStatus status, string? message = null)
        {
            message ??= status switch
            {
                OptimizerStatus.Converged => "the trust region reached the final radius",
                OptimizerStatus.FunctionToleranceReached => "a step changed f and x by less than the absolute tolerances",
                OptimizerStatus.MaxEvaluationsReached => string.Create(CultureInfo.InvariantCulture, $"the limit of {_options.MaxEvaluations} evaluations was reached"),
                _ => "the optimiser failed",
            };
            return new OptimizationResult((double[])_bestX.Clone(), _bestValue, _evaluations, status, message);
        }

        /// <summary>
        /// Powell's initial set: the start and, for each coordinate, a step of ±ρ (or +ρ and +2ρ when the start
        /// is within ρ of a bound, so that every point stays feasible), then the remaining points (if m &gt; 2n+1)
        /// along pairs of coordinates.
        /// </summary>
        private bool Initialize(double[] start, double rho)
        {
            var x0 = (double[])start.Clone(); // start may be the best point so far, which evaluations overwrite
            int k = 0;
            Array.Copy(x0, _points[k], _n);
            _values[k] = Evaluate(_points[k]);
            k++;
            for (int i = 0; i < _n && k < _m; i++)
            {
                double up = rho, down = -rho;
                if (x0[i] - rho < _lower[i])
                {
                    up = rho;
                    down = 2 * rho;
                }
                else if (x0[i] + rho > _upper[i])
                {
                    up = -rho;
                    down = -2 * rho;
                }
                foreach (double s in new[] { up, down })
                {
                    if (k >= _m) break;
                    if (OutOfBudget) return false;
                    Array.Copy(x0, _points[k], _n);
                    _points[k][i] += s;
                    _values[k] = Evaluate(_points[k]);
                    k++;
                }
            }
            for (int i = 0; k < _m; i++)
            {
                for (int j = 0; j < i && k < _m; j++)
                {
                    if (OutOfBudget) return false;
                    Array.Copy(x0, _points[k], _n);
                    _points[k][i] += x0[i] + rho <= _upper[i] ? rho : -rho;
                    _points[k][j] += x0[j] + rho <= _upper[j] ? rho : -rho;
                    _values[k] = Evaluate(_points[k]);
                    k++;
                }
            }
            _best = 0;
            for (int j = 1; j < _m; j++) if (_values[j] < _values[_best]) _best = j;
            Array.Clear(_hessian);
            return !OutOfBudget || k == _m;
        }

        /// <summary>
        /// The least-change quadratic: H = H_old + Σ λ_k s_k s_k' with s_k = y_k − x_opt, where λ, the constant and
        /// the gradient solve the KKT system [A 1 S; 1' 0 0; S' 0 0] (A_kj = (s_k's_j)²/2) with right-hand side
        /// f_k − s_k'H_old s_k/2. Returns false when the system is singular.
        /// </summary>
        private bool BuildModel()
        {
            if (!FactorKkt(_points[_best])) return false;
            var xopt = _points[_best];
            var s = _trial;
            for (int k = 0; k < _m; k++)
            {
                for (int i = 0; i < _n; i++) s[i] = _points[k][i] - xopt[i];
                _rhs[k] = _values[k] - (0.5 * QuadraticForm(_hessian, s));
            }
            Array.Clear(_rhs, _m, _n + 1);
            SolveKkt(_rhs);
            double s2 = _scale * _scale;
            for (int k = 0; k < _m; k++) _lambda[k] = _rhs[k] / (s2 * s2);
            _modelConstant = _rhs[_m];
            for (int i = 0; i < _n; i++) _gradient[i] = _rhs[_m + 1 + i] / _scale;
            for (int k = 0; k < _m; k++)
            {
                double l = _lambda[k];
                if (l == 0) continue;
                for (int i = 0; i < _n; i++) s[i] = _points[k][i] - xopt[i];
                for (int j = 0; j < _n; j++)
                {
                    double lj = l * s[j];
                    for (int i = 0; i < _n; i++) _hessian[(j * _n) + i] += lj * s[i];
                }
            }
            return true;
        }

        /// <summary>Builds and LU-factors (partial pivoting) the KKT matrix for points centred at <paramref name="center"/>.</summary>
        private bool FactorKkt(double[] center)
        {
            int w = _m + _n + 1;
            Array.Clear(_kkt);
            var sk = _wa;
            var sj = _wb;
            double scale = 0;
            for (int k = 0; k < _m; k++) for (int i = 0; i < _n; i++) scale = Math.Max(scale, Math.Abs(_points[k][i] - center[i]));
            if (scale == 0) return false;
            // The system is set up in coordinates divided by the largest offset, so that its blocks are of order one.
            _scale = scale;
            for (int k = 0; k < _m; k++)
            {
                for (int i = 0; i < _n; i++) sk[i] = (_points[k][i] - center[i]) / scale;
                for (int j = 0; j <= k; j++)
                {
                    for (int i = 0; i < _n; i++) sj[i] = (_points[j][i] - center[i]) / scale;
                    double dot = Dot(sk, sj);
                    _kkt[(j * w) + k] = _kkt[(k * w) + j] = 0.5 * dot * dot;
                }
                _kkt[(_m * w) + k] = _kkt[(k * w) + _m] = 1;
                for (int i = 0; i < _n; i++) _kkt[((_m + 1 + i) * w) + k] = _kkt[(k * w) + _m + 1 + i] = sk[i];
            }
            // LU with partial pivoting, column-major.
            for (int c = 0; c < w; c++)
            {
                int p = c;
                double best = Math.Abs(_kkt[(c * w) + c]);
                for (int r = c + 1; r < w; r++)
                {
                    double v = Math.Abs(_kkt[(c * w) + r]);
                    if (v > best)
                    {
                        best = v;
                        p = r;
                    }
                }
                _pivots[c] = p;
                if (!(best > 1e-300) || !double.IsFinite(best)) return false;
                if (p != c) for (int j = 0; j < w; j++) (_kkt[(j * w) + c], _kkt[(j * w) + p]) = (_kkt[(j * w) + p], _kkt[(j * w) + c]);
                double d = _kkt[(c * w) + c];
                for (int r = c + 1; r < w; r++) _kkt[(c * w) + r] /= d;
                for (int j = c + 1; j < w; j++)
                {
                    double v = _kkt[(j * w) + c];
                    if (v == 0) continue;
                    for (int r = c + 1; r < w; r++) _kkt[(j * w) + r] -= v * _kkt[(c * w) + r];
                }
            }
            // Reject a numerically singular system (a pivot tiny next to the largest).
            double maxPivot = 0, minPivot = double.PositiveInfinity;
            for (int c = 0; c < w; c++)
            {
                double v = Math.Abs(_kkt[(c * w) + c]);
                maxPivot = Math.Max(maxPivot, v);
                minPivot = Math.Min(minPivot, v);
            }
            return minPivot > 1e-13 * maxPivot;
        }

        private void SolveKkt(double[] b)
        {
            int w = _m + _n + 1;
            // Whole rows were swapped during the factorisation, so all the swaps come before the forward solve.
            for (int c = 0; c < w; c++)
            {
                int p = _pivots[c];
                if (p != c) (b[c], b[p]) = (b[p], b[c]);
            }
            for (int c = 0; c < w; c++)
            {
                double v = b[c];
                if (v != 0) for (int r = c + 1; r < w; r++) b[r] -= v * _kkt[(c * w) + r];
            }
            for (int c = w - 1; c >= 0; c--)
            {
                b[c] /= _kkt[(c * w) + c];
                double v = b[c];
                if (v != 0) for (int r = 0; r < c; r++) b[r] -= v * _kkt[(c * w) + r];
            }
        }

        /// <summary>The values at x of the m Lagrange functions of the current set (centred at x_opt).</summary>
        private double[] LagrangeValues(double[] xopt, double[] x)
        {
            var b = _lagrangeRhs;
            Array.Clear(b);
            var d = _wa;
            for (int i = 0; i < _n; i++) d[i] = x[i] - xopt[i];
            var s = _wb;
            double s2 = _scale * _scale;
            for (int k = 0; k < _m; k++)
            {
                for (int i = 0; i < _n; i++) s[i] = _points[k][i] - xopt[i];
                double dot = Dot(d, s) / s2;
                b[k] = 0.5 * dot * dot;
            }
            b[_m] = 1;
            for (int i = 0; i < _n; i++) b[_m + 1 + i] = d[i] / _scale;
            SolveKkt(b);
            return b;
        }

        /// <summary>
        /// The point to give up for <paramref name="xnew"/>: the largest |ℓ_k(x_new)| weighted by the squared
        /// distance of y_k from the best point relative to the radius (BOBYQA's rule), never the best point
        /// itself unless the new point is better. Returns −1 when no replacement keeps the set well poised.
        /// </summary>
        private int ChooseReplacement(double[] xopt, double[] xnew, bool improved, double delta)
        {
            var ell = LagrangeValues(xopt, xnew);
            int knew = -1;
            double bestScore = 0;
            for (int k = 0; k < _m; k++)
            {
                if (k == _best && !improved) continue;
                double dist2 = 0;
                for (int i = 0; i < _n; i++)
                {
                    double v = _points[k][i] - xopt[i];
                    dist2 += v * v;
                }
                double weight = Math.Max(1, dist2 / (delta * delta));
                double score = weight * weight * Math.Abs(ell[k]);
                if (score > bestScore)
                {
                    bestScore = score;
                    knew = k;
                }
            }
            // An improved point is always kept, even at some cost to the geometry.
            if (knew < 0 && improved) knew = FarthestPoint(xopt, out _);
            return knew;
        }

        private int FarthestPoint(double[] xopt, out double distance)
        {
            int far = -1;
            double best = -1;
            for (int k = 0; k < _m; k++)
            {
                if (k == _best) continue;
                double d2 = 0;
                for (int i = 0; i < _n; i++)
                {
                    double v = _points[k][i] - xopt[i];
                    d2 += v * v;
                }
                if (d2 > best)
                {
                    best = d2;
                    far = k;
                }
            }
            distance = Math.Sqrt(Math.Max(best, 0));
            return far;
        }

        /// <summary>
        /// Powell's ALTMOV: moves point <paramref name="knew"/> to where its Lagrange function is largest in
        /// absolute value within radius <paramref name="radius"/> of the best point and within the bounds,
        /// searching the lines through the other interpolation points and the (projected) gradient direction of
        /// the Lagrange function. Returns false when the evaluation budget is spent.
        /// </summary>
        private bool GeometryStep(int knew, double radius)
        {
            if (OutOfBudget) return false;
            var xopt = _points[_best];
            if (!FactorKkt(xopt)) return true; // the next model build restarts the set
            // ℓ_knew(x_opt + d) = c + g'd + d'Hd/2 with H = Σ λ_j s_j s_j' (from the KKT inverse's column knew).
            var e = _geometryRhs;
            Array.Clear(e);
            e[knew] = 1;
            SolveKkt(e);
            var g = _geometryGradient;
            for (int i = 0; i < _n; i++) g[i] = e[_m + 1 + i];
            var s = _geometryLine;

            // In the scaled coordinates of the KKT system.
            double scale = _scale, scale2 = _scale * _scale;
            double Ell(double[] d)
            {
                double v = e[_m];
                for (int i = 0; i < _n; i++) v += g[i] * d[i] / scale;
                for (int k = 0; k < _m; k++)
                {
                    if (e[k] == 0) continue;
                    double dot = 0;
                    for (int i = 0; i < _n; i++) dot += (_points[k][i] - xopt[i]) * d[i];
                    dot /= scale2;
                    v += 0.5 * e[k] * dot * dot;
                }
                return v;
            }

            var bestD = _geometryBest;
            Array.Clear(bestD);
            double bestAbs = -1;
            var cand = _geometryCandidate;

            void Consider(double[] direction, double length)
            {
                // Points x_opt + α·direction for α in [−length, length], clipped to the bounds; sample the
                // quadratic in α at its ends and its stationary point.
                double lo = -length, hi = length;
                for (int i = 0; i < _n; i++)
                {
                    if (direction[i] > 0)
                    {
                        lo = Math.Max(lo, (_lower[i] - xopt[i]) / direction[i]);
                        hi = Math.Min(hi, (_upper[i] - xopt[i]) / direction[i]);
                    }
                    else if (direction[i] < 0)
                    {
                        lo = Math.Max(lo, (_upper[i] - xopt[i]) / direction[i]);
                        hi = Math.Min(hi, (_lower[i] - xopt[i]) / direction[i]);
                    }
                }
                if (!(hi >= lo)) return;
                Span<double> alphas = [lo, hi, 0.5 * (lo + hi)];
                // Stationary point of the quadratic in α from three samples.
                for (int i = 0; i < _n; i++) cand[i] = lo * direction[i];
                double fl = Ell(cand);
                for (int i = 0; i < _n; i++) cand[i] = hi * direction[i];
                double fh = Ell(cand);
                double f0 = e[_m];
                if (lo < 0 && hi > 0)
                {
                    double a = ((fh - f0) / hi - (fl - f0) / lo) / (hi - lo);
                    double b = ((fh - f0) / hi) - (a * hi);
                    if (a != 0)
                    {
                        double st = -b / (2 * a);
                        if (st > lo && st < hi) alphas[2] = st;
                    }
                }
                foreach (double alpha in alphas)
                {
                    if (alpha == 0) continue;
                    for (int i = 0; i < _n; i++) cand[i] = alpha * direction[i];
                    double v = Math.Abs(Ell(cand));
                    if (v > bestAbs)
                    {
                        bestAbs = v;
                        Array.Copy(cand, bestD, _n);
                    }
                }
            }

            for (int k = 0; k < _m; k++)
            {
                if (k == _best) continue;
                double norm = 0;
                for (int i = 0; i < _n; i++)
                {
                    s[i] = _points[k][i] - xopt[i];
                    norm += s[i] * s[i];
                }
                norm = Math.Sqrt(norm);
                if (norm == 0) continue;
                for (int i = 0; i < _n; i++) s[i] /= norm;
                Consider(s, radius);
            }
            // The gradient of ℓ_knew at x_opt, with components that push through an active bound removed.
            var dir = _geometryLine;
            double gn = 0;
            for (int i = 0; i < _n; i++)
            {
                double gi = g[i];
                if ((xopt[i] <= _lower[i] && gi < 0) || (xopt[i] >= _upper[i] && gi > 0)) gi = 0;
                dir[i] = gi;
                gn += gi * gi;
            }
            if (gn > 0)
            {
                gn = Math.Sqrt(gn);
                for (int i = 0; i < _n; i++) dir[i] /= gn;
                Consider(dir, radius);
            }
            // Each coordinate direction as well (cheap and robust near bounds).
            for (int j = 0; j < _n; j++)
            {
                Array.Clear(dir);
                dir[j] = 1;
                Consider(dir, radius);
            }
            if (bestAbs <= 0) return true;

            var x = _geometryPoint;
            for (int i = 0; i < _n; i++) x[i] = xopt[i] + bestD[i];
            double fx = Evaluate(x);
            Array.Copy(x, _points[knew], _n);
            _values[knew] = fx;
            if (fx < _values[_best]) _best = knew;
            return true;
        }

        /// <summary>
        /// Approximately minimises the model over ‖d‖ ≤ Δ and the bounds by truncated conjugate gradients,
        /// fixing a variable when the path meets its bound and restarting (Powell's TRSBOX without its final
        /// search along the boundary). Returns the predicted reduction Q(x_opt) − Q(x_opt + d).
        /// </summary>
        private double TrustRegionStep(double[] xopt, double delta, double[] d)
        {
            int n = _n;
            Array.Clear(d);
            var free = _free;
            for (int i = 0; i < n; i++)
            {
                free[i] = !((xopt[i] <= _lower[i] && _gradient[i] >= 0) || (xopt[i] >= _upper[i] && _gradient[i] <= 0));
            }
            var r = _residual;
            var p = _direction;
            var hp = _hessianDirection;
            var hd = _hessianStep;
            int restarts = 0;
            while (restarts++ <= n)
            {
                // r = −(g + H d) on the free variables.
                MultiplyHessian(d, hd);
                double rr = 0;
                for (int i = 0; i < n; i++)
                {
                    r[i] = free[i] ? -(_gradient[i] + hd[i]) : 0;
                    p[i] = r[i];
                    rr += r[i] * r[i];
                }
                double rr0 = rr;
                bool boundHit = false;
                for (int iter = 0; iter < n && rr > 1e-24 * Math.Max(1, rr0); iter++)
                {
                    MultiplyHessian(p, hp);
                    double curvature = Dot(p, hp);
                    // Distance to the sphere along p.
                    double dd = Dot(d, d), dp = Dot(d, p), pp = Dot(p, p);
                    double disc = (dp * dp) + (pp * ((delta * delta) - dd));
                    double toSphere = disc > 0 ? (Math.Sqrt(disc) - dp) / pp : 0;
                    // Distance to the nearest bound along p.
                    double toBound = double.PositiveInfinity;
                    int boundIndex = -1;
                    for (int i = 0; i < n; i++)
                    {
                        if (!free[i] || p[i] == 0) continue;
                        double limit = p[i] > 0 ? (_upper[i] - xopt[i] - d[i]) / p[i] : (_lower[i] - xopt[i] - d[i]) / p[i];
                        if (limit < toBound)
                        {
                            toBound = Math.Max(0, limit);
                            boundIndex = i;
                        }
                    }
                    double alpha = curvature > 0 ? rr / curvature : double.PositiveInfinity;
                    double reach = Math.Min(toSphere, toBound);
                    if (alpha >= reach)
                    {
                        for (int i = 0; i < n; i++) d[i] += reach * p[i];
                        if (toBound < toSphere && boundIndex >= 0)
                        {
                            d[boundIndex] = p[boundIndex] > 0 ? _upper[boundIndex] - xopt[boundIndex] : _lower[boundIndex] - xopt[boundIndex];
                            free[boundIndex] = false;
                            boundHit = true;
                        }
                        break;
                    }
                    for (int i = 0; i < n; i++)
                    {
                        d[i] += alpha * p[i];
                        if (free[i]) r[i] -= alpha * hp[i];
                    }
                    double rrNew = 0;
                    for (int i = 0; i < n; i++) rrNew += r[i] * r[i];
                    double beta = rrNew / rr;
                    rr = rrNew;
                    for (int i = 0; i < n; i++) p[i] = free[i] ? r[i] + (beta * p[i]) : 0;
                }
                if (!boundHit) break;
                if (Norm(d) >= delta * (1 - 1e-10)) break;
            }
            MultiplyHessian(d, hd);
            return -(Dot(_gradient, d) + (0.5 * Dot(d, hd)));
        }

        private void MultiplyHessian(double[] v, double[] result)
        {
            for (int i = 0; i < _n; i++)
            {
                double s = 0;
                for (int j = 0; j < _n; j++) s += _hessian[(j * _n) + i] * v[j];
                result[i] = s;
            }
        }

        private double QuadraticForm(double[] h, double[] v)
        {
            double s = 0;
            for (int j = 0; j < _n; j++)
            {
                double hv = 0;
                for (int i = 0; i < _n; i++) hv += h[(j * _n) + i] * v[i];
                s += v[j] * hv;
            }
            return s;
        }

        private static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }

        private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));
    }
}
