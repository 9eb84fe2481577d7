using System.Runtime.CompilerServices;
using FastMlm.Design;
using FastMlm.LinearAlgebra;

namespace FastMlm.Models;

/// <summary>
/// The deviance of a generalized linear mixed model as a function of its parameters, by penalised iteratively
/// reweighted least squares (PIRLS; Bates et al. 2015, the lme4 paper, section on GLMMs).
/// </summary>
/// <remarks>
/// <para>
/// With spherical random effects u (b = Λ(θ)u, u ~ N(0, I)) the conditional modes minimise the penalised
/// deviance −2 Σ log p(y_i | η_i) + ‖u‖², η = offset + Xβ + ZΛu. Each PIRLS iteration takes the IRLS weights
/// w = m μ'²/V(μ) and working response z = η − offset − Xβ + (y − μ)/μ' at the current η and solves the
/// penalised weighted least-squares problem (Λ'Z'WZΛ + I) u = Λ'Z'Wz, through the blocked Cholesky factor of a
/// <see cref="ProfiledLmm"/> whose rows are reweighted in place; the step to the solution is halved until the
/// penalised deviance falls. At the modes the Laplace approximation to −2 log-likelihood is
/// −2 Σ log p(y_i | μ̂_i) + ‖û‖² + log|L|², L the Cholesky factor of Λ'Z'WZΛ + I (the deviance lme4 optimises for
/// nAGQ = 1, with the binomial coefficients and log y! kept so that it is −2 log-likelihood itself).
/// </para>
/// <para>
/// Three criteria: <see cref="FastDeviance"/> (nAGQ = 0: θ alone, β solved with u in the same least-squares
/// problem), <see cref="Laplace"/> (θ and β), and <see cref="Quadrature"/> (adaptive Gauss–Hermite quadrature for
/// one scalar random-effects term: each group's integral over its u_g, centred at the mode and scaled by the
/// conditional standard deviation 1/L_g).
/// </para>
/// </remarks>
internal sealed class GlmmEvaluator
{
    private const int MaxHalvings = 12;

    private readonly GlmResponse _response;
    private readonly ModelDesign _design;
    private readonly ProfiledLmm _modes;
    private ProfiledLmm? _joint;
    private readonly double[] _x;
    private readonly double[] _offset;
    private readonly int _n;
    private readonly int _p;
    private readonly int _q;

    private readonly double[] _u;
    private readonly double[] _uNew;
    private readonly double[] _uBase;
    private readonly double[] _beta;
    private readonly double[] _betaNew;
    private readonly double[] _betaBase;
    private readonly double[] _eta;
    private readonly double[] _mu;
    private readonly double[] _muEta;
    private readonly double[] _sqrtW;
    private readonly double[] _work;
    private readonly double[] _fixedPart;
    private bool _warm;
    private bool _jointWarm;

    // Rows grouped by the level of the (single, scalar) term, for quadrature.
    private int[]? _levelPtr;
    private int[]? _levelRows;
    private double[]? _levelConstant;

    public GlmmEvaluator(ModelDesign design, GlmResponse response)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(response);
        _design = design;
        _response = response;
        _modes = new ProfiledLmm(design, reml: false, fixedEffects: false);
        _n = design.ObservationCount;
        _p = design.Fixed.ColumnCount;
        _q = _modes.RandomEffectCount;
        _x = design.Fixed.X.Data;
        _offset = design.Offset.IsEmpty ? new double[_n] : design.Offset.ToArray();
        _u = new double[_q];
        _uNew = new double[_q];
        _uBase = new double[_q];
        _beta = new double[_p];
        _betaNew = new double[_p];
        _betaBase = new double[_p];
        _eta = new double[_n];
        _mu = new double[_n];
        _muEta = new double[_n];
        _sqrtW = new double[_n];
        _work = new double[_n];
        _fixedPart = new double[_n];
    }

    /// <summary>The most PIRLS iterations per evaluation (lme4: 100).</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>The engine that holds the terms (lme4's order), θ's layout and bounds, and the last factor L.</summary>
    public ProfiledLmm Modes => _modes;

    /// <summary>The response model.</summary>
    public GlmResponse Response => _response;

    /// <summary>Whether the last evaluation's PIRLS converged.</summary>
    public bool LastConverged { get; private set; } = true;

    /// <summary>PIRLS iterations of the last evaluation.</summary>
    public int LastIterations { get; private set; }

    /// <summary>PIRLS iterations over all evaluations.</summary>
    public long TotalIterations { get; private set; }

    /// <summary>Evaluations whose PIRLS did not converge.</summary>
    public int NonConvergedEvaluations { get; private set; }

    /// <summary>−2 Σ log p(y | μ̂) at the last evaluation.</summary>
    public double ConditionalDeviance { get; private set; }

    /// <summary>‖û‖² at the last evaluation.</summary>
    public double SumSquaresU { get; private set; }

    /// <summary>log|L|² at the last evaluation.</summary>
    public double LogDetL { get; private set; }

    /// <summary>The current spherical modes.</summary>
    public ReadOnlySpan<double> U => _u;

    /// <summary>β of the last evaluation (solved by <see cref="FastDeviance"/>, given to the others).</summary>
    public ReadOnlySpan<double> Beta => _beta;

    /// <summary>η at the current modes.</summary>
    public ReadOnlySpan<double> Eta => _eta;

    /// <summary>μ at the current modes.</summary>
    public ReadOnlySpan<double> Mu => _mu;

    /// <summary>Forgets the warm start: the next evaluation starts from u = 0 (or, without β, from R's starting means).</summary>
    public void Reset()
    {
        _warm = false;
        _jointWarm = false;
    }

    /// <summary>Sets the spherical modes the next evaluation starts from.</summary>
    public void SetStart(ReadOnlySpan<double> u)
    {
        u.CopyTo(_u);
        _warm = true;
    }

    /// <summary>The Laplace approximation to −2 log-likelihood at (θ, β); the conditional modes by PIRLS.</summary>
    public double Laplace(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        if (!UpdateModes(theta, beta)) NonConvergedEvaluations++;
        double value = ConditionalDeviance + SumSquaresU + LogDetL;
        return double.IsFinite(value) ? value : ProfiledLmm.FailedValue;
    }

    /// <summary>
    /// lme4's nAGQ = 0 criterion at θ: β and u solved together by PIRLS, then the Laplace formula at (θ, β̂(θ), û).
    /// </summary>
    public double FastDeviance(ReadOnlySpan<double> theta)
    {
        if (!UpdateJoint(theta)) NonConvergedEvaluations++;
        double value = ConditionalDeviance + SumSquaresU + LogDetL;
        return double.IsFinite(value) ? value : ProfiledLmm.FailedValue;
    }

    /// <summary>
    /// −2 log-likelihood at (θ, β) by adaptive Gauss–Hermite quadrature with the given rule (one scalar term only):
    /// per level g, with mode û_g and L_g = √(1 + λ² Σ w z²),
    /// −2 log ∫ p(y_g | u) φ(u) du ≈ 2 log L_g − 2 log Σ_k w_k exp(−½(d_g(û_g + z_k/L_g) + (û_g + z_k/L_g)² − z_k²)).
    /// One node (z = 0, w = 1) is the Laplace approximation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Quadrature(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta, double[] nodes, double[] weights)
    {
        if (!UpdateModes(theta, beta)) NonConvergedEvaluations++;
        EnsureLevels();
        var term = _modes.Terms[0];
        double lambda = term.Lambda[0];
        var z = term.Z;
        var l = _modes.LeadFactorDiagonal;
        int k = nodes.Length, padded = (k + 3) & ~3;
        Span<double> logTerms = k <= 128 ? stackalloc double[k] : new double[k];
        Span<double> nodeU = padded <= 128 ? stackalloc double[padded] : new double[padded];
        Span<double> nodeD = padded <= 128 ? stackalloc double[padded] : new double[padded];
        bool fast = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated
            && ((_response.Family == Family.Binomial && _response.Link == LinkFunction.Logit) || (_response.Family == Family.Poisson && _response.Link == LinkFunction.Log));
        if (fast) for (int i = 0; i < _n; i++) _work[i] = z[i] * lambda;
        double total = 0;
        for (int g = 0; g < term.Levels; g++)
        {
            int r0 = _levelPtr![g], r1 = _levelPtr[g + 1];
            double lg = l[g], ug = _u[g];
            double max = double.NegativeInfinity;
            if (fast)
            {
                for (int j = 0; j < padded; j++) nodeU[j] = ug + (nodes[Math.Min(j, k - 1)] / lg);
                GlmKernels.GroupDeviances(_response.Link == LinkFunction.Logit, _levelRows.AsSpan(r0, r1 - r0), _fixedPart, _work, _response.Y, _response.PriorWeights, nodeU, nodeD);
            }
            for (int j = 0; j < k; j++)
            {
                double u = ug + (nodes[j] / lg);
                double d;
                if (fast)
                {
                    d = nodeD[j] + _levelConstant![g];
                }
                else
                {
                    for (int r = r0; r < r1; r++)
                    {
                        int i = _levelRows![r];
                        (_work[i], _) = Links.Inverse(_response.Link, _fixedPart[i] + (z[i] * lambda * u));
                    }
                    d = _response.VariablePart(_work, r0, r1, _levelRows) + _levelConstant![g];
                }
                double t = Math.Log(weights[j]) - (0.5 * (d + (u * u) - (nodes[j] * nodes[j])));
                logTerms[j] = t;
                if (t > max) max = t;
            }
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.Exp(logTerms[j] - max);
            total += (2 * Math.Log(lg)) - (2 * (max + Math.Log(sum)));
        }
        return double.IsFinite(total) ? total : ProfiledLmm.FailedValue;
    }

    /// <summary>
    /// The Laplace deviance as glmer evaluates it when it differentiates the deviance for standard errors: PIRLS
    /// starts from the fixed linear predictor <paramref name="startEta"/> (glmer's <c>lp0</c>, the nAGQ = 0 fit's),
    /// takes whole Newton steps (halved only when the penalised deviance rises), and stops as soon as a step changes
    /// the penalised deviance (deviance residuals + ‖u‖²) by less than 1e-7 relative (glmer's <c>tolPwrss</c>), at
    /// least two steps; log|L|² is that of the weights before the last step. The value differs from
    /// <see cref="Laplace"/> by the small error of that stopping rule, smoothly in (θ, β), which changes the
    /// curvature (and so glmer's standard errors) by up to a percent or two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double GlmerLaplace(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta, ReadOnlySpan<double> startEta)
    {
        const double Tolerance = 1e-7;
        SetFixedPart(beta);
        _modes.SetLambdas(theta);
        startEta.CopyTo(_eta);
        _response.Update(_eta, _mu, _muEta);
        double saturated = _response.SaturatedPart;
        double oldPdev = double.MaxValue;
        for (int it = 0; it < MaxIterations; it++)
        {
            _response.WeightsAndResiduals(_mu, _muEta, _sqrtW, _work);
            for (int i = 0; i < _n; i++) _work[i] += _eta[i] - _fixedPart[i];
            _modes.SetWeightedResponse(_sqrtW, _work);
            if (!_modes.Factor(theta)) return ProfiledLmm.FailedValue;
            LogDetL = _modes.LogDetLz2;
            _u.AsSpan().CopyTo(_uBase);
            _modes.SphericalModes([], _u.AsSpan(0, _modes.LeadSize), _u.AsSpan(_modes.LeadSize));
            double pdev = Penalized(_modes, _u) - saturated;
            if (Math.Abs((oldPdev - pdev) / pdev) < Tolerance) break;
            for (int h = 0; h < 20 && (double.IsNaN(pdev) || pdev > oldPdev); h++)
            {
                for (int j = 0; j < _q; j++) _u[j] = 0.5 * (_uBase[j] + _u[j]);
                pdev = Penalized(_modes, _u) - saturated;
            }
            oldPdev = pdev;
        }
        double value = ConditionalDeviance + SumSquaresU + LogDetL;
        return double.IsFinite(value) ? value : ProfiledLmm.FailedValue;
    }

    /// <summary>
    /// (X'WX)⁻¹-type covariance of β̂ from the joint least-squares problem at the current weights and θ: lme4's
    /// <c>vcov</c> from RX (σ = 1), p×p column-major. False when the factorisation fails.
    /// </summary>
    public bool RxCovariance(ReadOnlySpan<double> theta, Span<double> covariance)
    {
        var joint = Joint();
        _response.WeightsAndResiduals(_mu, _muEta, _sqrtW, _work);
        for (int i = 0; i < _n; i++) _work[i] += _eta[i] - _offset[i];
        joint.SetWeightedResponse(_sqrtW, _work);
        if (!joint.Factor(theta)) return false;
        Span<double> beta = _p <= 64 ? stackalloc double[_p] : new double[_p];
        joint.FixedEffects(beta, covariance);
        return true;
    }

    private ProfiledLmm Joint() => _joint ??= new ProfiledLmm(_design, reml: false, fixedEffects: true);

    private void SetFixedPart(ReadOnlySpan<double> beta)
    {
        _offset.AsSpan().CopyTo(_fixedPart);
        for (int j = 0; j < _p; j++)
        {
            double b = beta[j];
            if (b != 0) Kernels.Axpy(b, _x.AsSpan(j * _n, _n), _fixedPart, DenseCholesky.Best);
        }
    }

    /// <summary>η = fixed part + ZΛu, then μ and μ'; returns the penalised deviance −2 Σ log p + ‖u‖².</summary>
    private double Penalized(ProfiledLmm engine, ReadOnlySpan<double> u)
    {
        _fixedPart.AsSpan().CopyTo(_eta);
        engine.AddRandomPart(u, _eta);
        double cond = _response.Update(_eta, _mu, _muEta);
        double ss = Kernels.Dot(u, u, DenseCholesky.Best);
        ConditionalDeviance = cond;
        SumSquaresU = ss;
        return cond + ss;
    }

    /// <summary>PIRLS for u at fixed (θ, β).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool UpdateModes(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        beta.CopyTo(_beta);
        SetFixedPart(beta);
        _modes.SetLambdas(theta);
        if (!_warm) Array.Clear(_u);
        double pdev = Penalized(_modes, _u);
        bool converged = false;
        int flat = 0, it = 0;
        while (it < MaxIterations)
        {
            it++;
            _response.WeightsAndResiduals(_mu, _muEta, _sqrtW, _work);
            for (int i = 0; i < _n; i++) _work[i] += _eta[i] - _fixedPart[i];
            _modes.SetWeightedResponse(_sqrtW, _work);
            if (!_modes.Factor(theta)) break;
            LogDetL = _modes.LogDetLz2;
            _modes.SphericalModes([], _uNew.AsSpan(0, _modes.LeadSize), _uNew.AsSpan(_modes.LeadSize));
            double change = MaxChange(_u, _uNew), size = 1 + MaxAbs(_u);
            if (change <= 1e-10 * size)
            {
                // At the modes: μ and the deviance are the current ones, and L is that of their weights.
                converged = true;
                break;
            }
            _u.AsSpan().CopyTo(_uBase);
            double before = pdev;
            bool accepted = false;
            double step = 1;
            for (int h = 0; h <= MaxHalvings; h++, step *= 0.5)
            {
                for (int j = 0; j < _q; j++) _u[j] = _uBase[j] + (step * (_uNew[j] - _uBase[j]));
                double trial = Penalized(_modes, _u);
                if (trial <= before + (1e-12 * Math.Abs(before)))
                {
                    pdev = trial;
                    accepted = true;
                    break;
                }
            }
            if (!accepted)
            {
                _uBase.AsSpan().CopyTo(_u);
                pdev = Penalized(_modes, _u);
                converged = change <= 1e-6 * size; // no decrease to be had at the resolution of the arithmetic
                break;
            }
            flat = before - pdev <= 1e-13 * (1 + Math.Abs(pdev)) ? flat + 1 : 0;
            if (flat >= 3)
            {
                converged = true; // the deviance no longer moves (estimates running off to infinity): stop where it is
                break;
            }
        }
        LastIterations = it;
        TotalIterations += it;
        LastConverged = converged;
        _warm = converged && MaxAbs(_u) < 1e6;
        return converged;
    }

    /// <summary>PIRLS for β and u together at θ (nAGQ = 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool UpdateJoint(ReadOnlySpan<double> theta)
    {
        var joint = Joint();
        joint.SetLambdas(theta);
        _modes.SetLambdas(theta);
        double pdev;
        if (_jointWarm)
        {
            SetFixedPart(_beta);
            pdev = Penalized(joint, _u);
        }
        else
        {
            // R's starting means; the first solve is taken whole.
            _response.StartingEta(_eta);
            _response.Update(_eta, _mu, _muEta);
            pdev = double.PositiveInfinity;
        }
        bool converged = false;
        int flat = 0, it = 0;
        while (it < MaxIterations)
        {
            it++;
            _response.WeightsAndResiduals(_mu, _muEta, _sqrtW, _work);
            for (int i = 0; i < _n; i++) _work[i] += _eta[i] - _offset[i];
            joint.SetWeightedResponse(_sqrtW, _work);
            if (!joint.Factor(theta)) break;
            LogDetL = joint.LogDetLz2;
            joint.SolveFixed(_betaNew);
            joint.SphericalModes(_betaNew, _uNew.AsSpan(0, joint.LeadSize), _uNew.AsSpan(joint.LeadSize));
            if (double.IsPositiveInfinity(pdev))
            {
                _uNew.AsSpan().CopyTo(_u);
                _betaNew.AsSpan().CopyTo(_beta);
                SetFixedPart(_beta);
                pdev = Penalized(joint, _u);
                continue;
            }
            double change = Math.Max(MaxChange(_u, _uNew), MaxChange(_beta, _betaNew));
            double size = 1 + Math.Max(MaxAbs(_u), MaxAbs(_beta));
            if (change <= 1e-10 * size)
            {
                converged = true;
                break;
            }
            _u.AsSpan().CopyTo(_uBase);
            _beta.AsSpan().CopyTo(_betaBase);
            double before = pdev;
            bool accepted = false;
            double step = 1;
            for (int h = 0; h <= MaxHalvings; h++, step *= 0.5)
            {
                for (int j = 0; j < _q; j++) _u[j] = _uBase[j] + (step * (_uNew[j] - _uBase[j]));
                for (int j = 0; j < _p; j++) _beta[j] = _betaBase[j] + (step * (_betaNew[j] - _betaBase[j]));
                SetFixedPart(_beta);
                double trial = Penalized(joint, _u);
                if (trial <= before + (1e-12 * Math.Abs(before)))
                {
                    pdev = trial;
                    accepted = true;
                    break;
                }
            }
            if (!accepted)
            {
                _uBase.AsSpan().CopyTo(_u);
                _betaBase.AsSpan().CopyTo(_beta);
                SetFixedPart(_beta);
                pdev = Penalized(joint, _u);
                converged = change <= 1e-6 * size;
                break;
            }
            flat = before - pdev <= 1e-13 * (1 + Math.Abs(pdev)) ? flat + 1 : 0;
            if (flat >= 3)
            {
                converged = true;
                break;
            }
        }
        LastIterations = it;
        TotalIterations += it;
        LastConverged = converged;
        _jointWarm = converged && MaxAbs(_u) < 1e6;
        _warm = _jointWarm;
        return converged;
    }

    private void EnsureLevels()
    {
        if (_levelPtr is not null) return;
        var term = _modes.Terms[0];
        var codes = term.Codes;
        var ptr = new int[term.Levels + 1];
        foreach (int c in codes) ptr[c + 1]++;
        for (int g = 0; g < term.Levels; g++) ptr[g + 1] += ptr[g];
        var rows = new int[_n];
        var next = ptr[..^1].ToArray();
        for (int i = 0; i < _n; i++) rows[next[codes[i]]++] = i;
        var constant = new double[term.Levels];
        for (int g = 0; g < term.Levels; g++) constant[g] = _response.ConstantPart(rows, ptr[g], ptr[g + 1]);
        _levelRows = rows;
        _levelConstant = constant;
        _levelPtr = ptr;
    }

    private static double MaxChange(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    private static double MaxAbs(ReadOnlySpan<double> a)
    {
        double m = 0;
        foreach (double v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
