using FastMlm.Design;
using FastMlm.LinearAlgebra;
using FastMlm.Optimization;

namespace FastMlm.Models;

/// <summary>
/// The profiled deviance of a linear mixed model as a function of the relative covariance parameters θ,
/// evaluated by blocked Cholesky factorisation (Bates et al. 2015, section 3; Bates, Alday and Kokandakar 2025).
/// </summary>
/// <remarks>
/// <para>
/// The random-effects terms are ordered by their number of levels, largest first (lme4's order, which is also
/// θ's). The cross-product A = [Z X y]'[Z X y] is built once, in three block rows: the leading term
/// (block-diagonal: one q×q block per level, q the term's columns), the remaining terms together, and [X y]
/// (dense). The block below the leading term is sparse and kept per level of the leading factor as small dense
/// blocks, one per level of another term met in that level's rows.
/// </para>
/// <para>
/// The remaining terms' block (A22, and L22 with the fill that eliminating the leading term leaves) is stored one of
/// two ways, chosen once at construction (ProfiledLmm.Envelope.cs): a dense square, where crossed factors fill it
/// (teaching_crossed_random), or the envelope of an ordering of its levels (natural or reverse Cuthill–McKee),
/// where it stays narrow — nested factors, crossings in bands — so that memory and work follow the non-zeros and
/// not the square of the levels.
/// </para>
/// <para>
/// For each θ the blocks are scaled by Λ(θ), the identity added to the Z part, and L updated in place:
/// <c>L11</c> level by level, <c>L21</c> and <c>L31</c> by per-level triangular solves, <c>L22</c> as the Schur
/// complement, factored by <see cref="DenseCholesky"/> or <see cref="EnvelopeCholesky"/>, then <c>L32</c> and the small <c>L33</c>. The
/// criterion comes from log|L_Z|², the last diagonal element of L (the penalised residual sum of squares) and,
/// for REML, log|L_X|². An evaluation allocates nothing (a dense block large enough to be split between threads
/// costs the few task objects of that split).
/// </para>
/// </remarks>
internal sealed partial class ProfiledLmm
{
    private readonly int _n;
    private readonly int _p;
    private readonly int _pp1;
    private readonly TermLayout[] _terms;
    private readonly TermLayout _lead;
    private readonly int _m1;
    private readonly int _m2;
    private readonly bool _restAllScalar;
    private readonly bool _allScalar;

    // A, built once.
    private readonly double[] _a11;
    private readonly double[] _a31t;
    private readonly int[] _blockPtr;
    private readonly int[] _blockRow;
    private readonly int[] _blockTerm;
    private readonly int[] _blockValue;
    private readonly double[] _a21;
    private readonly double[] _a22;
    private readonly RestEnvelope? _envelope;
    private readonly int[] _restDiagonal;
    private readonly double[] _a32t;
    private readonly double[] _a33;
    private readonly int[] _restTermOfRow;
    private int[] _blockOfObservation = [];
    private readonly double[]? _offset;
    private readonly double[] _x;

    // L, overwritten by each evaluation.
    private readonly double[] _l11;
    private readonly double[] _l31t;
    private readonly double[] _l21;
    private readonly double[] _l22;
    private readonly double[] _l32t;
    private readonly double[] _l33;
    private readonly double[] _scratch;
    private readonly double[] _restScale;
    private readonly double[] _restRows;
    private readonly double[] _leadRows;
    private readonly int[] _blockRowInRows;

    public ProfiledLmm(ModelDesign design, bool reml)
        : this(design, reml, fixedEffects: true)
    {
    }

    /// <summary>
    /// The evaluator; without <paramref name="fixedEffects"/> X is left out (p = 0), so that a solve gives the
    /// random effects alone for a response from which the fixed part has been taken (the conditional modes of a
    /// GLMM at given β).
    /// </summary>
    public ProfiledLmm(ModelDesign design, bool reml, bool fixedEffects)
        : this(design, reml, fixedEffects, RequestedRestStorage)
    {
    }

    /// <summary>The evaluator with the rest block's storage chosen by <paramref name="storage"/> (tests and benchmarks force one).</summary>
    internal ProfiledLmm(ModelDesign design, bool reml, bool fixedEffects, RestStorage storage)
    {
        ArgumentNullException.ThrowIfNull(design);
        Reml = reml;
        _n = design.ObservationCount;
        _p = fixedEffects ? design.Fixed.ColumnCount : 0;
        _pp1 = _p + 1;
        if (reml && _n <= _p)
        {
            throw new ModelException($"REML needs more observations ({_n}) than fixed-effect columns ({_p})");
        }

        // Terms by number of levels, largest first; ties keep formula order (R's order() is stable).
        var order = Enumerable.Range(0, design.RandomTerms.Count)
            .OrderByDescending(i => design.RandomTerms[i].Grouping.LevelCount)
            .ThenBy(i => i)
            .ToArray();
        _terms = new TermLayout[order.Length];
        int thetaOffset = 0, restOffset = 0;
        for (int t = 0; t < order.Length; t++)
        {
            var term = design.RandomTerms[order[t]];
            var layout = new TermLayout(term, order[t], thetaOffset, t == 0 ? 0 : restOffset);
            _terms[t] = layout;
            thetaOffset += layout.ThetaCount;
            if (t > 0) restOffset += layout.Size;
        }
        _lead = _terms[0];
        _m1 = _lead.Size;
        _m2 = restOffset;
        _restAllScalar = _terms.Skip(1).All(t => t.Q == 1);
        _allScalar = _restAllScalar && _lead.Q == 1;
        ThetaLength = thetaOffset;

        // [X y] with the offset taken from y.
        if ((long)_n * _pp1 > Array.MaxLength)
        {
            throw new ModelException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{_n} observations × {_pp1} columns of [X y] exceed the largest array .NET can hold"));
        }
        var xy = new double[_n * _pp1];
        _x = design.Fixed.X.Data;
        _x.AsSpan(0, _n * _p).CopyTo(xy);
        var y = xy.AsSpan(_n * _p, _n);
        design.Response.Values.CopyTo(y);
        var offset = design.Offset;
        if (!offset.IsEmpty)
        {
            for (int i = 0; i < _n; i++) y[i] -= offset[i];
            _offset = offset.ToArray();
        }
        Xy = xy;

        _a33 = new double[_pp1 * _pp1];
        for (int c = 0; c < _pp1; c++)
        {
            var colC = xy.AsSpan(c * _n, _n);
            for (int r = c; r < _pp1; r++) _a33[(c * _pp1) + r] = Kernels.Dot(xy.AsSpan(r * _n, _n), colC, DenseCholesky.Best);
        }

        _a11 = new double[_lead.Levels * _lead.Q * _lead.Q];
        FillLeadDiagonal([]);
        _a31t = new double[_m1 * _pp1];
        CrossWithXy(_lead, _a31t, _m1, 0, []);
        _restTermOfRow = new int[_m2];
        for (int t = 1; t < _terms.Length; t++) _restTermOfRow.AsSpan(_terms[t].Offset, _terms[t].Size).Fill(t);
        _a32t = new double[_m2 * _pp1];
        (_blockPtr, _blockRow, _blockTerm, _blockValue, _a21) = BuildLeadRestBlocks();
        _envelope = ChooseRestStorage(storage);
        _a22 = new double[_envelope is null ? _m2 * _m2 : _envelope.Pattern.Count];
        _restDiagonal = new int[_m2];
        for (int i = 0; i < _m2; i++) _restDiagonal[i] = _envelope is null ? (i * _m2) + i : _envelope.Pattern.Diagonal[_envelope.Position[i]];
        if (_m2 > 0)
        {
            for (int t = 1; t < _terms.Length; t++) CrossWithXy(_terms[t], _a32t, _m2, _terms[t].Offset, []);
            FillRestCrossProducts([]);
        }
        FillLeadRestValues([]);

        _l11 = new double[_a11.Length];
        _l31t = new double[_a31t.Length];
        _l21 = new double[_a21.Length];
        _l22 = new double[_a22.Length];
        _l32t = new double[_a32t.Length];
        _l33 = new double[_a33.Length];
        _scratch = new double[Math.Max(16, _terms.Max(t => t.Q) * Math.Max(_terms.Max(t => t.Q), _pp1))];
        _restScale = new double[_m2];
        _restRows = new double[_m2 * SolveStride(_pp1)]; // padding columns: every operation is lane-wise, so they never reach the others
        _leadRows = new double[_lead.Q * SolveStride(_pp1)];
        _blockRowInRows = new int[_blockRow.Length]; // each block's first row in SolveRestColumns' layout (L22's order)
        for (int e = 0; e < _blockRow.Length; e++) _blockRowInRows[e] = _envelope is null ? _blockRow[e] : _envelope.Position[_blockRow[e]];

        Lower = new double[ThetaLength];
        Start = new double[ThetaLength];
        foreach (var t in _terms)
        {
            for (int j = 0, k = t.ThetaOffset; j < t.Q; j++)
            {
                for (int i = j; i < t.Q; i++, k++)
                {
                    Lower[k] = i == j ? 0 : double.NegativeInfinity;
                    Start[k] = i == j ? 1 : 0;
                }
            }
        }
    }

    /// <summary>θ as lme4 defines it (on the original columns) from the engine's θ̃: λ = S λ̃ term by term.</summary>
    public double[] ReportedTheta(ReadOnlySpan<double> theta)
    {
        var result = theta.ToArray();
        foreach (var t in _terms)
        {
            for (int j = 0, k = t.ThetaOffset; j < t.Q; j++)
            {
                for (int i = j; i < t.Q; i++, k++) result[k] = t.Scale[i] * theta[k];
            }
        }
        return result;
    }

    /// <summary>Whether the criterion is REML (else the ML deviance).</summary>
    public bool Reml { get; }

    /// <summary>Number of covariance parameters θ.</summary>
    public int ThetaLength { get; }

    /// <summary>θ's lower bounds: 0 for the diagonal of each λ, −∞ below it.</summary>
    public double[] Lower { get; }

    /// <summary>
    /// Identity λ for every term: lme4's start for models with a vector term (on rescaled columns the identity on
    /// those, a better-scaled start than lme4's). Fits start from <see cref="StartFor"/>, which is lme4's start for
    /// models of random intercepts too.
    /// </summary>
    public double[] Start { get; }

    /// <summary>The random-effects terms in lme4's (and θ's) order.</summary>
    public IReadOnlyList<TermLayout> Terms => _terms;

    /// <summary>Observations.</summary>
    public int N => _n;

    /// <summary>Fixed-effect columns.</summary>
    public int P => _p;

    /// <summary>[X y]: n×(p+1), column-major, y less the offset.</summary>
    internal double[] Xy { get; }

    /// <summary>The penalised residual sum of squares at the last evaluation.</summary>
    public double PenalizedRss { get; private set; }

    /// <summary>log|L_Z|² at the last evaluation.</summary>
    public double LogDetLz2 { get; private set; }

    /// <summary>log|L_X|² at the last evaluation.</summary>
    public double LogDetLx2 { get; private set; }

    /// <summary>Whether the last evaluation's factorisations succeeded.</summary>
    public bool LastFactorizationOk { get; private set; }

    /// <summary>The ML deviance from the last evaluation's pieces.</summary>
    public double MlDeviance => LogDetLz2 + (_n * (1 + Math.Log(2 * Math.PI * PenalizedRss / _n)));

    /// <summary>The REML criterion from the last evaluation's pieces.</summary>
    public double RemlCriterion
    {
        get
        {
            int nmp = _n - _p;
            return LogDetLz2 + LogDetLx2 + (nmp * (1 + Math.Log(2 * Math.PI * PenalizedRss / nmp)));
        }
    }

    /// <summary>
    /// The profiled criterion at θ (REML or ML deviance). A factorisation that fails — only possible when X is
    /// numerically rank deficient — gives a large finite value rather than an exception, so an optimiser steps
    /// back.
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> theta)
    {
        if (theta.Length != ThetaLength) throw new ArgumentException($"θ has {theta.Length} elements; this model has {ThetaLength}", nameof(theta));
        foreach (var t in _terms) t.SetLambda(theta);
        LastFactorizationOk = Factor();
        if (!LastFactorizationOk) return FailedValue;
        double value = Reml ? RemlCriterion : MlDeviance;
        return double.IsFinite(value) ? value : FailedValue;
    }

    /// <summary>
    /// Replaces the response: only the parts of A that involve y (y'y, X'y, Z'y) are recomputed; everything that
    /// depends on X and Z alone is kept. A refit then starts wherever the caller likes (usually the old θ̂).
    /// </summary>
    public void SetResponse(ReadOnlySpan<double> response)
    {
        if (response.Length != _n) throw new ArgumentException($"the response needs {_n} values, one per observation used", nameof(response));
        var y = Xy.AsSpan(_p * _n, _n);
        response.CopyTo(y);
        if (_offset is not null) for (int i = 0; i < _n; i++) y[i] -= _offset[i];
        for (int c = 0; c < _pp1; c++) _a33[(c * _pp1) + _p] = Kernels.Dot(y, Xy.AsSpan(c * _n, _n), DenseCholesky.Best);
        var lead = _a31t.AsSpan(_p * _m1, _m1);
        lead.Clear();
        CrossWithY(_lead, lead, 0, y);
        if (_m2 > 0)
        {
            var rest = _a32t.AsSpan(_p * _m2, _m2);
            rest.Clear();
            for (int t = 1; t < _terms.Length; t++) CrossWithY(_terms[t], rest, _terms[t].Offset, y);
        }
    }

    private void CrossWithY(TermLayout term, Span<double> target, int rowOffset, ReadOnlySpan<double> y)
    {
        int q = term.Q;
        var codes = term.Codes;
        for (int k = 0; k < q; k++)
        {
            var zk = term.Z.AsSpan(k * _n, _n);
            for (int i = 0; i < _n; i++) target[rowOffset + (codes[i] * q) + k] += zk[i] * y[i];
        }
    }

    /// <summary>
    /// Draws a response from the model at (θ̃, β, σ): y = Xβ + Σ_t Z̃_t σ Λ̃_t u_t + σ ε (+ the offset), u and ε
    /// standard normal from <paramref name="normal"/>, the random effects drawn level by level, term by term, then ε.
    /// </summary>
    public void Simulate(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta, double sigma, Func<double> normal, Span<double> y)
    {
        ArgumentNullException.ThrowIfNull(normal);
        if (y.Length != _n) throw new ArgumentException($"the response needs {_n} values", nameof(y));
        y.Clear();
        for (int j = 0; j < _p; j++) Kernels.Axpy(beta[j], Xy.AsSpan(j * _n, _n), y, DenseCholesky.Best);
        var u = new double[_terms.Max(t => t.Q)];
        foreach (var term in _terms)
        {
            term.SetLambda(theta);
            int q = term.Q;
            var lam = term.Lambda;
            var b = new double[term.Size];
            for (int level = 0; level < term.Levels; level++)
            {
                for (int k = 0; k < q; k++) u[k] = normal();
                for (int i = 0; i < q; i++)
                {
                    double s = 0;
                    for (int c = 0; c <= i; c++) s += lam[(c * q) + i] * u[c];
                    b[(level * q) + i] = sigma * s;
                }
            }
            var codes = term.Codes;
            for (int k = 0; k < q; k++)
            {
                var zk = term.Z.AsSpan(k * _n, _n);
                for (int i = 0; i < _n; i++) y[i] += zk[i] * b[(codes[i] * q) + k];
            }
        }
        for (int i = 0; i < _n; i++) y[i] += sigma * normal();
        if (_offset is not null) for (int i = 0; i < _n; i++) y[i] += _offset[i];
    }

    /// <summary>
    /// Minimises the profiled criterion over θ from <paramref name="start"/> (θ's lower bounds, no upper ones) and
    /// leaves the factorisation at the optimum, so that β, σ and the rest can be read off it.
    /// </summary>
    public OptimizationResult Minimize(ReadOnlySpan<double> start, BobyqaOptions options)
    {
        var upper = new double[ThetaLength];
        Array.Fill(upper, double.PositiveInfinity);
        var opt = Bobyqa.Minimize(Evaluate, start, Lower, upper, options);
        Evaluate(opt.X);
        return opt;
    }

    /// <summary>σ̂² at the last evaluation: the penalised RSS over n − p (REML) or n (ML).</summary>
    public double ResidualVariance => PenalizedRss / (Reml ? _n - _p : _n);

    /// <summary>What a failed evaluation returns: finite, and far above any deviance.</summary>
    public const double FailedValue = 1e300;

    private bool Factor()
    {
        int q1 = _lead.Q, qq = q1 * q1;
        var lam1 = _lead.Lambda;
        double logDet = 0;

        // L11: one q1×q1 block per level, chol(λ' A λ + I).
        if (q1 == 1)
        {
            double l2 = lam1[0] * lam1[0];
            for (int g = 0; g < _m1; g++)
            {
                double v = Math.FusedMultiplyAdd(l2, _a11[g], 1);
                _l11[g] = Math.Sqrt(v);
                logDet += Math.Log(v);
            }
        }
        else
        {
            var tmp = _scratch.AsSpan(0, qq);
            for (int g = 0; g < _lead.Levels; g++)
            {
                var block = _l11.AsSpan(g * qq, qq);
                SmallDense.CongruenceLower(lam1, _a11.AsSpan(g * qq, qq), block, tmp, q1);
                for (int i = 0; i < q1; i++) block[(i * q1) + i] += 1;
                if (!SmallDense.Cholesky(block, q1)) return false;
                for (int i = 0; i < q1; i++) logDet += 2 * Math.Log(block[(i * q1) + i]);
            }
        }

        // L31 (stored transposed, m1 × (p+1)): rows of A31 times λ1, then solved against L11 level by level.
        _a31t.AsSpan().CopyTo(_l31t);
        for (int r = 0; r < _pp1; r++)
        {
            var col = _l31t.AsSpan(r * _m1, _m1);
            if (q1 == 1)
            {
                double s = lam1[0];
                for (int g = 0; g < _m1; g++) col[g] = col[g] * s / _l11[g];
            }
            else
            {
                for (int g = 0; g < _lead.Levels; g++)
                {
                    var v = col.Slice(g * q1, q1);
                    SmallDense.MultiplyLowerTransposed(lam1, v, q1);
                    SmallDense.SolveLower(_l11.AsSpan(g * qq, qq), v, q1);
                }
            }
        }

        if (_m2 > 0)
        {
            if (!FactorRest(ref logDet)) return false;
        }

        // L33 = A33 − L31 L31' − L32 L32', then its Cholesky factor.
        for (int c = 0; c < _pp1; c++)
        {
            var l31c = _l31t.AsSpan(c * _m1, _m1);
            var l32c = _l32t.AsSpan(c * _m2, _m2);
            for (int r = c; r < _pp1; r++)
            {
                double s = _a33[(c * _pp1) + r] - Kernels.Dot(_l31t.AsSpan(r * _m1, _m1), l31c, DenseCholesky.Best);
                if (_m2 > 0) s -= Kernels.Dot(_l32t.AsSpan(r * _m2, _m2), l32c, DenseCholesky.Best);
                _l33[(c * _pp1) + r] = s;
            }
        }
        LogDetLz2 = logDet;
        if (!SmallDense.Cholesky(_l33, _pp1, allowZeroLast: true)) return false;
        double ldx = 0;
        for (int j = 0; j < _p; j++) ldx += 2 * Math.Log(_l33[(j * _pp1) + j]);
        LogDetLx2 = ldx;
        double r2 = _l33[(_p * _pp1) + _p];
        PenalizedRss = r2 * r2;
        return true;
    }

    private bool FactorRest(ref double logDet)
    {
        int q1 = _lead.Q, qq = q1 * q1;
        var lam1 = _lead.Lambda;

        // L21: each block λ_k' B λ1, then each of its rows solved against L11 of its level.
        if (_allScalar)
        {
            // One number per block (block e's value at index e): a21 · λ_k λ1 / L11.
            double l1 = lam1[0];
            for (int g = 0; g < _lead.Levels; g++)
            {
                double d = l1 / _l11[g];
                for (int e = _blockPtr[g]; e < _blockPtr[g + 1]; e++) _l21[e] = _a21[e] * _terms[_blockTerm[e]].Lambda[0] * d;
            }
        }
        else for (int g = 0; g < _lead.Levels; g++)
        {
            var l11 = _l11.AsSpan(g * qq, qq);
            for (int e = _blockPtr[g]; e < _blockPtr[g + 1]; e++)
            {
                var term = _terms[_blockTerm[e]];
                int qk = term.Q;
                var block = _l21.AsSpan(_blockValue[e], qk * q1);
                _a21.AsSpan(_blockValue[e], qk * q1).CopyTo(block);
                if (qk == 1 && q1 == 1)
                {
                    block[0] = block[0] * term.Lambda[0] * lam1[0] / l11[0];
                    continue;
                }
                var row = _scratch.AsSpan(0, q1);
                for (int c = 0; c < q1; c++) SmallDense.MultiplyLowerTransposed(term.Lambda, block.Slice(c * qk, qk), qk);
                for (int a = 0; a < qk; a++)
                {
                    for (int c = 0; c < q1; c++) row[c] = block[(c * qk) + a];
                    SmallDense.MultiplyLowerTransposed(lam1, row, q1);
                    SmallDense.SolveLower(l11, row, q1);
                    for (int c = 0; c < q1; c++) block[(c * qk) + a] = row[c];
                }
            }
        }

        // L22 = Λ2' A22 Λ2 + I − L21 L21' (lower triangle), then factored.
        if (_envelope is { } env)
        {
            ScaleRestEnvelope(env);
            foreach (int d in env.Pattern.Diagonal) _l22[d] += 1;
            SubtractLeadOuterEnvelope(env);
            if (!EnvelopeCholesky.Factor(env.Pattern, _l22)) return false;
            logDet += EnvelopeCholesky.LogDeterminant(env.Pattern, _l22);
        }
        else if (!FactorRestDense(ref logDet)) return false;
        SolveRestColumns();
        return true;
    }

    /// <summary>L22 = Λ2' A22 Λ2 + I − L21 L21' in the dense square (lower triangle), factored; log|L22|² added to <paramref name="logDet"/>.</summary>
    private bool FactorRestDense(ref double logDet)
    {
        int q1 = _lead.Q;
        ScaleRestSquare();
        for (int i = 0; i < _m2; i++) _l22[(i * _m2) + i] += 1;
        if (_allScalar)
        {
            // Scalar terms only: each block is one number and L21 L21' one outer product per level, applied a
            // column at a time so that the rows touched in each column lie close together.
            for (int g = 0; g < _lead.Levels; g++)
            {
                int e0 = _blockPtr[g], e1 = _blockPtr[g + 1];
                for (int f = e0; f < e1; f++)
                {
                    double vf = _l21[f];
                    int col = _blockRow[f] * _m2;
                    for (int e = f; e < e1; e++) _l22[col + _blockRow[e]] -= _l21[e] * vf;
                }
            }
        }
        else for (int g = 0; g < _lead.Levels; g++)
        {
            int e0 = _blockPtr[g], e1 = _blockPtr[g + 1];
            for (int e = e0; e < e1; e++)
            {
                int qe = _terms[_blockTerm[e]].Q, re = _blockRow[e];
                var be = _l21.AsSpan(_blockValue[e], qe * q1);
                for (int f = e0; f <= e; f++)
                {
                    int qf = _terms[_blockTerm[f]].Q, rf = _blockRow[f];
                    var bf = _l21.AsSpan(_blockValue[f], qf * q1);
                    for (int b = 0; b < qf; b++)
                    {
                        for (int a = 0; a < qe; a++)
                        {
                            double s = 0;
                            for (int c = 0; c < q1; c++) s += be[(c * qe) + a] * bf[(c * qf) + b];
                            _l22[((rf + b) * _m2) + re + a] -= s;
                        }
                    }
                }
            }
        }
        if (!DenseCholesky.Factor(_l22, _m2, _m2)) return false;
        for (int i = 0; i < _m2; i++) logDet += 2 * Math.Log(_l22[(i * _m2) + i]);
        return true;
    }

    /// <summary>
    /// L32 (transposed, m2 × (p+1)) = L22⁻¹ (Λ2' A32' − L21 L31'). The p+1 right-hand sides are laid out by rows
    /// in L22's order (the envelope's, or the natural one), <see cref="SolveStride"/> values a row, zero-padded to
    /// whole vectors: L21 L31' is then one vector multiply–add across all of them per block row of L21 and column
    /// of the lead, and each step of the solve likewise.
    /// </summary>
    private void SolveRestColumns()
    {
        int q1 = _lead.Q, stride = SolveStride(_pp1);
        _a32t.AsSpan().CopyTo(_l32t);
        for (int r = 0; r < _pp1; r++) ScaleRestVector(_l32t.AsSpan(r * _m2, _m2));
        var rows = _restRows.AsSpan(0, _m2 * stride);
        var position = _envelope?.Position;
        var width = DenseCholesky.Best;
        for (int r = 0, o = 0; r < _pp1; r++, o += _m2)
        {
            for (int i = 0; i < _m2; i++) rows[((position is null ? i : position[i]) * stride) + r] = _l32t[o + i];
        }
        var lead = _leadRows;
        if (_allScalar)
        {
            // One number per block: row blockRow[e] −= L21[e] · (row g of L31).
            var rowOf = _blockRowInRows;
            for (int g = 0; g < _lead.Levels; g++)
            {
                int e0 = _blockPtr[g], e1 = _blockPtr[g + 1];
                if (e0 == e1) continue;
                for (int r = 0; r < _pp1; r++) lead[r] = _l31t[(r * _m1) + g];
                for (int e = e0; e < e1; e++) Kernels.SubtractScaledWhole(_l21[e], lead.AsSpan(0, stride), rows.Slice(rowOf[e] * stride, stride), width);
            }
        }
        else for (int g = 0; g < _lead.Levels; g++)
        {
            int e0 = _blockPtr[g], e1 = _blockPtr[g + 1];
            if (e0 == e1) continue;
            for (int c = 0; c < q1; c++)
            {
                for (int r = 0; r < _pp1; r++) lead[(c * stride) + r] = _l31t[(r * _m1) + (g * q1) + c];
            }
            for (int e = e0; e < e1; e++)
            {
                int qe = _terms[_blockTerm[e]].Q, re = _blockRow[e], ve = _blockValue[e];
                for (int a = 0; a < qe; a++)
                {
                    var target = rows.Slice((position is null ? re + a : position[re + a]) * stride, stride);
                    for (int c = 0; c < q1; c++)
                    {
                        double v = _l21[ve + (c * qe) + a];
                        if (v != 0) Kernels.SubtractScaledWhole(v, lead.AsSpan(c * stride, stride), target, width);
                    }
                }
            }
        }
        if (_envelope is { } env) EnvelopeCholesky.SolveLowerRows(env.Pattern, _l22, rows, stride);
        else DenseCholesky.SolveLowerRows(_l22, _m2, rows, stride);
        for (int r = 0, o = 0; r < _pp1; r++, o += _m2)
        {
            for (int i = 0; i < _m2; i++) _l32t[o + i] = rows[((position is null ? i : position[i]) * stride) + r];
        }
    }

    /// <summary>The row length of <see cref="SolveRestColumns"/>'s layout: the p+1 columns rounded up to whole 8-wide vectors.</summary>
    private static int SolveStride(int columns) => (columns + 7) & ~7;

    /// <summary>L22 ← Λ2' A22 Λ2 over the lower triangle (the whole square when a rest term is a vector term).</summary>
    private void ScaleRestSquare()
    {
        if (_restAllScalar)
        {
            for (int i = 0; i < _m2; i++) _restScale[i] = _terms[_restTermOfRow[i]].Lambda[0];
            for (int j = 0; j < _m2; j++)
            {
                double sj = _restScale[j];
                var src = _a22.AsSpan((j * _m2) + j, _m2 - j);
                var dst = _l22.AsSpan((j * _m2) + j, _m2 - j);
                var s = _restScale.AsSpan(j);
                for (int i = 0; i < src.Length; i++) dst[i] = src[i] * s[i] * sj;
            }
            return;
        }
        _a22.AsSpan().CopyTo(_l22);
        for (int j = 0; j < _m2; j++) ScaleRestVector(_l22.AsSpan(j * _m2, _m2)); // Λ2' · columns
        var row = _scratch;
        for (int t = 1; t < _terms.Length; t++)
        {
            var term = _terms[t];
            int q = term.Q;
            for (int level = 0; level < term.Levels; level++)
            {
                int c0 = term.Offset + (level * q);
                for (int i = 0; i < _m2; i++)
                {
                    for (int b = 0; b < q; b++) row[b] = _l22[((c0 + b) * _m2) + i];
                    SmallDense.MultiplyLowerTransposed(term.Lambda, row.AsSpan(0, q), q);
                    for (int b = 0; b < q; b++) _l22[((c0 + b) * _m2) + i] = row[b];
                }
            }
        }
    }

    /// <summary>v ← Λ2' v for a vector over the rest terms' columns.</summary>
    private void ScaleRestVector(Span<double> v)
    {
        for (int t = 1; t < _terms.Length; t++)
        {
            var term = _terms[t];
            int q = term.Q;
            var seg = v.Slice(term.Offset, term.Size);
            if (q == 1)
            {
                double s = term.Lambda[0];
                for (int i = 0; i < seg.Length; i++) seg[i] *= s;
            }
            else
            {
                for (int level = 0; level < term.Levels; level++) SmallDense.MultiplyLowerTransposed(term.Lambda, seg.Slice(level * q, q), q);
            }
        }
    }

    private static void SolveLowerTransposedDense(double[] l, int n, Span<double> x)
    {
        for (int j = n - 1; j >= 0; j--)
        {
            double s = x[j];
            if (j + 1 < n) s -= Kernels.Dot(l.AsSpan((j * n) + j + 1, n - j - 1), x.Slice(j + 1), DenseCholesky.Best);
            x[j] = s / l[(j * n) + j];
        }
    }

    /// <summary>
    /// β̂ and (L_X L_X')⁻¹ (vcov(β̂) / σ², p×p column-major) from the last evaluation's factorisation.
    /// </summary>
    public void FixedEffects(Span<double> beta, Span<double> unscaledCovariance)
    {
        if (beta.Length != _p || unscaledCovariance.Length != _p * _p) throw new ArgumentException("β needs p and the covariance p² elements");

        // β from L_X' β = the X part of L's last row.
        for (int j = 0; j < _p; j++) beta[j] = _l33[(j * _pp1) + _p];
        SmallDense.SolveLowerTransposed(_l33, beta, _p, _pp1);

        // (L_X L_X')⁻¹ = L_X⁻ᵀ L_X⁻¹, from the columns of L_X⁻¹ (kept in the output's upper part, then multiplied out).
        var lxInv = unscaledCovariance;
        lxInv.Clear();
        Span<double> e = _p <= 64 ? stackalloc double[_p] : new double[_p];
        for (int j = 0; j < _p; j++)
        {
            e.Clear();
            e[j] = 1;
            SmallDense.SolveLower(_l33, e, _p, _pp1);
            for (int i = j; i < _p; i++) lxInv[(j * _p) + i] = e[i]; // column j of L_X⁻¹ (lower triangular)
        }
        // C[i,j] = Σ_{k ≥ i} L⁻¹[k,i] L⁻¹[k,j] for j ≤ i, written to column i's rows 0..i: those rows of L⁻¹ are
        // zero or no longer read (later rows only read rows above their own index), so one array suffices.
        for (int i = 0; i < _p; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = i; k < _p; k++) s += lxInv[(i * _p) + k] * lxInv[(j * _p) + k];
                e[j] = s;
            }
            for (int j = 0; j <= i; j++) lxInv[(i * _p) + j] = e[j];
        }
        for (int i = 0; i < _p; i++)
        {
            for (int j = i + 1; j < _p; j++) lxInv[(i * _p) + j] = lxInv[(j * _p) + i];
        }
    }

    /// <summary>
    /// The quantities read off the factorisation at θ (which is evaluated again first): β, its covariance,
    /// σ, the spherical and the actual conditional modes, and the conditional variances of the random effects.
    /// </summary>
    public Solution Solve(ReadOnlySpan<double> theta) => Solve(theta, null);

    /// <summary>
    /// <see cref="Solve(ReadOnlySpan{double})"/> with the scale σ² given (a GLMM's is 1) rather than estimated from
    /// the penalised residual sum of squares.
    /// </summary>
    public Solution Solve(ReadOnlySpan<double> theta, double? sigmaSquared)
    {
        double value = Evaluate(theta);
        if (!LastFactorizationOk) throw new ModelException("the model's cross-product matrix could not be factored at the estimates (the fixed effects are numerically rank deficient)");
        double sigma2 = sigmaSquared ?? ResidualVariance;

        var beta = new double[_p];
        var vcov = new DenseMatrix(_p, _p);
        FixedEffects(beta, vcov.Data);
        for (int i = 0; i < vcov.Data.Length; i++) vcov.Data[i] *= sigma2;
        var u1 = new double[_m1];
        var u2 = new double[_m2];
        SphericalModes(beta, u1, u2);

        // Conditional covariance blocks of u: (L_Z L_Z')⁻¹, one q×q block per level of each term.
        var condCov = ConditionalCovariances();

        // Per term, in lme4's order: b = Λ u and σ² λ C λ' for each level's block C.
        var modes = new double[_terms.Length][];
        var condVar = new double[_terms.Length][];
        for (int t = 0; t < _terms.Length; t++)
        {
            var term = _terms[t];
            int q = term.Q;
            var u = t == 0 ? u1.AsSpan() : u2.AsSpan(term.Offset, term.Size);
            var b = new double[term.Size];
            var cv = new double[term.Levels * q * q];
            var tmp = new double[q * q];
            for (int level = 0; level < term.Levels; level++)
            {
                for (int i = 0; i < q; i++)
                {
                    double s = 0;
                    for (int k = 0; k <= i; k++) s += term.Lambda[(k * q) + i] * u[(level * q) + k];
                    b[(level * q) + i] = s;
                }
                var c = condCov[t].AsSpan(level * q * q, q * q);
                // λ C λ'
                for (int i = 0; i < q; i++)
                {
                    for (int j = 0; j < q; j++)
                    {
                        double s = 0;
                        for (int k = 0; k <= i; k++) s += term.Lambda[(k * q) + i] * c[(j * q) + k];
                        tmp[(j * q) + i] = s;
                    }
                }
                for (int i = 0; i < q; i++)
                {
                    for (int j = 0; j < q; j++)
                    {
                        double s = 0;
                        for (int k = 0; k <= j; k++) s += tmp[(k * q) + i] * term.Lambda[(k * q) + j];
                        cv[(level * q * q) + (j * q) + i] = sigma2 * s;
                    }
                }
            }
            for (int level = 0; level < term.Levels; level++)
            {
                for (int i = 0; i < q; i++)
                {
                    b[(level * q) + i] *= term.Scale[i];
                    for (int j = 0; j < q; j++) cv[(level * q * q) + (j * q) + i] *= term.Scale[i] * term.Scale[j];
                }
            }
            modes[t] = b;
            condVar[t] = cv;
        }

        // Fitted values: X β + Σ Z b, then the offset.
        var fitted = new double[_n];
        for (int j = 0; j < _p; j++) Kernels.Axpy(beta[j], Xy.AsSpan(j * _n, _n), fitted, DenseCholesky.Best);
        for (int t = 0; t < _terms.Length; t++)
        {
            var term = _terms[t];
            int q = term.Q;
            var codes = term.Codes;
            var b = modes[t];
            for (int i = 0; i < _n; i++)
            {
                int baseIndex = codes[i] * q;
                double s = 0;
                for (int k = 0; k < q; k++) s += term.Z[(k * _n) + i] * b[baseIndex + k] / term.Scale[k]; // Z̃ b̃ = Z b
                fitted[i] += s;
            }
        }
        var residuals = new double[_n];
        var y = Xy.AsSpan(_p * _n, _n);
        for (int i = 0; i < _n; i++) residuals[i] = y[i] - fitted[i];
        if (_offset is not null) for (int i = 0; i < _n; i++) fitted[i] += _offset[i];

        return new Solution(value, beta, vcov, Math.Sqrt(sigma2), modes, condVar, fitted, residuals, MlDeviance, RemlCriterion, PenalizedRss);
    }

    /// <summary>
    /// The spherical conditional modes from the last factorisation, given β: L_Z' u = c − L_XZ' β by back
    /// substitution through L22 then L11 (<paramref name="u1"/> the leading term's, <paramref name="u2"/> the rest's).
    /// </summary>
    public void SphericalModes(ReadOnlySpan<double> beta, Span<double> u1, Span<double> u2)
    {
        int q1 = _lead.Q, qq = q1 * q1;
        for (int j = 0; j < _m1; j++)
        {
            double s = _l31t[(_p * _m1) + j];
            for (int r = 0; r < _p; r++) s -= _l31t[(r * _m1) + j] * beta[r];
            u1[j] = s;
        }
        for (int j = 0; j < _m2; j++)
        {
            double s = _l32t[(_p * _m2) + j];
            for (int r = 0; r < _p; r++) s -= _l32t[(r * _m2) + j] * beta[r];
            u2[j] = s;
        }
        if (_m2 > 0)
        {
            if (_envelope is { } env) SolveRestTransposedEnvelope(env, u2);
            else SolveLowerTransposedDense(_l22, _m2, u2);
            for (int g = 0; g < _lead.Levels; g++)
            {
                for (int e = _blockPtr[g]; e < _blockPtr[g + 1]; e++)
                {
                    int qe = _terms[_blockTerm[e]].Q, re = _blockRow[e];
                    var be = _l21.AsSpan(_blockValue[e], qe * q1);
                    for (int c = 0; c < q1; c++)
                    {
                        double s = 0;
                        for (int a = 0; a < qe; a++) s += be[(c * qe) + a] * u2[re + a];
                        u1[(g * q1) + c] -= s;
                    }
                }
            }
        }
        for (int g = 0; g < _lead.Levels; g++) SmallDense.SolveLowerTransposed(_l11.AsSpan(g * qq, qq), u1.Slice(g * q1, q1), q1, q1);
    }

    /// <summary>Diagonal blocks of (L_Z L_Z')⁻¹ per term and level, each q×q column-major.</summary>
    private double[][] ConditionalCovariances()
    {
        int q1 = _lead.Q, qq = q1 * q1;
        var result = new double[_terms.Length][];
        var lead = new double[_lead.Levels * qq];
        var env = _envelope;
        double[]? z = env is null ? null : new double[env.Pattern.Count];
        if (env is not null) EnvelopeCholesky.SelectedInverse(env.Pattern, _l22, z, new double[_m2], new double[_m2]);
        var linv = env is null ? new double[_m2 * _m2] : [];
        if (_m2 > 0 && env is null)
        {
            // L22⁻¹, column by column (lower triangular).
            for (int j = 0; j < _m2; j++)
            {
                var col = linv.AsSpan(j * _m2, _m2);
                col[j] = 1;
                var tail = col.Slice(j);
                for (int k = j; k < _m2; k++)
                {
                    double xk = tail[k - j] / _l22[(k * _m2) + k];
                    tail[k - j] = xk;
                    if (xk != 0 && k + 1 < _m2) Kernels.Axpy(-xk, _l22.AsSpan((k * _m2) + k + 1, _m2 - k - 1), col.Slice(k + 1), DenseCholesky.Best);
                }
            }
        }
        var w = env is null ? new double[_m2 * q1] : [];
        var wl = env is null ? new double[_m2 * q1] : [];
        var share = new double[qq];
        var linvL11 = new double[qq];
        for (int g = 0; g < _lead.Levels; g++)
        {
            var l11 = _l11.AsSpan(g * qq, qq);
            // L11⁻¹ (lower), column by column.
            Array.Clear(linvL11);
            for (int j = 0; j < q1; j++)
            {
                linvL11[(j * q1) + j] = 1;
                SmallDense.SolveLower(l11, linvL11.AsSpan(j * q1, q1), q1);
            }
            var block = lead.AsSpan(g * qq, qq);
            for (int i = 0; i < q1; i++)
            {
                for (int j = 0; j < q1; j++)
                {
                    double s = 0;
                    for (int k = Math.Max(i, j); k < q1; k++) s += linvL11[(i * q1) + k] * linvL11[(j * q1) + k];
                    block[(j * q1) + i] = s;
                }
            }
            if (_m2 == 0 || _blockPtr[g] == _blockPtr[g + 1]) continue;
            if (env is not null)
            {
                // L11⁻ᵀ M L11⁻¹ with M = L21_g' (L22 L22')⁻¹ L21_g from the selected inverse.
                LeadShareEnvelope(env, z!, g, share);
                for (int i = 0; i < q1; i++)
                {
                    for (int j = 0; j < q1; j++)
                    {
                        double s = 0;
                        for (int c = i; c < q1; c++) // (L11⁻¹)[c, i], zero above the diagonal
                        {
                            for (int d = j; d < q1; d++) s += linvL11[(i * q1) + c] * share[(d * q1) + c] * linvL11[(j * q1) + d];
                        }
                        block[(j * q1) + i] += s;
                    }
                }
                continue;
            }
            // W = L22⁻¹ L21_g L11_g⁻¹ (m2 × q1); add W'W.
            Array.Clear(w);
            for (int e = _blockPtr[g]; e < _blockPtr[g + 1]; e++)
            {
                int qe = _terms[_blockTerm[e]].Q, re = _blockRow[e];
                var be = _l21.AsSpan(_blockValue[e], qe * q1);
                for (int c = 0; c < q1; c++)
                {
                    var wc = w.AsSpan(c * _m2, _m2);
                    for (int a = 0; a < qe; a++)
                    {
                        double v = be[(c * qe) + a];
                        if (v != 0) Kernels.Axpy(v, linv.AsSpan((re + a) * _m2, _m2), wc, DenseCholesky.Best);
                    }
                }
            }
            // W ← W L11⁻¹ (column c of the product: Σ_k W[:,k] L11⁻¹[k,c]).
            Array.Clear(wl);
            for (int c = 0; c < q1; c++)
            {
                for (int k = c; k < q1; k++)
                {
                    double v = linvL11[(c * q1) + k];
                    if (v != 0) Kernels.Axpy(v, w.AsSpan(k * _m2, _m2), wl.AsSpan(c * _m2, _m2), DenseCholesky.Best);
                }
            }
            for (int i = 0; i < q1; i++)
            {
                for (int j = 0; j < q1; j++) block[(j * q1) + i] += Kernels.Dot(wl.AsSpan(i * _m2, _m2), wl.AsSpan(j * _m2, _m2), DenseCholesky.Best);
            }
        }
        result[0] = lead;
        for (int t = 1; t < _terms.Length; t++)
        {
            var term = _terms[t];
            int q = term.Q;
            var blocks = new double[term.Levels * q * q];
            for (int level = 0; level < term.Levels; level++)
            {
                int r0 = term.Offset + (level * q);
                for (int i = 0; i < q; i++)
                {
                    for (int j = 0; j < q; j++)
                    {
                        if (env is not null)
                        {
                            blocks[(level * q * q) + (j * q) + i] = RestInverseEnvelope(env, z!, r0, i, j);
                            continue;
                        }
                        // (L22⁻ᵀ L22⁻¹)[r0+i, r0+j] = Σ_k L22⁻¹[k, r0+i] L22⁻¹[k, r0+j]
                        int from = r0 + Math.Max(i, j);
                        blocks[(level * q * q) + (j * q) + i] = Kernels.Dot(
                            linv.AsSpan(((r0 + i) * _m2) + from, _m2 - from),
                            linv.AsSpan(((r0 + j) * _m2) + from, _m2 - from), DenseCholesky.Best);
                    }
                }
            }
            result[t] = blocks;
        }
        return result;
    }

    /// <summary>A11 = Σ_i w_i z_i z_i' per level of the leading term (w empty: unit weights).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void FillLeadDiagonal(ReadOnlySpan<double> w)
    {
        int q = _lead.Q;
        var a = _a11;
        Array.Clear(a);
        var codes = _lead.Codes;
        var z = _lead.Z;
        bool weighted = !w.IsEmpty;
        if (q == 1)
        {
            for (int i = 0; i < _n; i++) a[codes[i]] += weighted ? w[i] * z[i] * z[i] : z[i] * z[i];
            return;
        }
        for (int i = 0; i < _n; i++)
        {
            int off = codes[i] * q * q;
            double wi = weighted ? w[i] : 1;
            for (int c = 0; c < q; c++)
            {
                double zc = wi * z[(c * _n) + i];
                for (int r = 0; r < q; r++) a[off + (c * q) + r] += z[(r * _n) + i] * zc;
            }
        }
    }

    /// <summary>
    /// Adds Z_term' [X y] to <paramref name="result"/> (rows × (p+1), column-major, the term's columns starting at
    /// rowOffset); with <paramref name="sqrtW"/> the rows of Z are scaled by it ([X y] is already weighted).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void CrossWithXy(TermLayout term, double[] result, int rows, int rowOffset, ReadOnlySpan<double> sqrtW)
    {
        int q = term.Q;
        var codes = term.Codes;
        var z = term.Z;
        bool weighted = !sqrtW.IsEmpty;
        for (int r = 0; r < _pp1; r++)
        {
            var xr = Xy.AsSpan(r * _n, _n);
            var dst = result.AsSpan(r * rows, rows);
            for (int k = 0; k < q; k++)
            {
                var zk = z.AsSpan(k * _n, _n);
                if (weighted)
                {
                    for (int i = 0; i < _n; i++) dst[rowOffset + (codes[i] * q) + k] += zk[i] * sqrtW[i] * xr[i];
                }
                else
                {
                    for (int i = 0; i < _n; i++) dst[rowOffset + (codes[i] * q) + k] += zk[i] * xr[i];
                }
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void FillRestCrossProducts(ReadOnlySpan<double> w)
    {
        // A22 over all pairs of rest terms (observation by observation: n·(Σq)² work): both triangles of the dense
        // square, or on the envelope each pair once, in the row that comes later in the envelope's order.
        var env = _envelope;
        Array.Clear(_a22);
        bool weighted = !w.IsEmpty;
        Span<int> rows = _terms.Length <= 64 ? stackalloc int[_terms.Length] : new int[_terms.Length];
        for (int i = 0; i < _n; i++)
        {
            double wi = weighted ? w[i] : 1;
            for (int t = 1; t < _terms.Length; t++) rows[t] = _terms[t].Offset + (_terms[t].Codes[i] * _terms[t].Q);
            for (int t = 1; t < _terms.Length; t++)
            {
                var tt = _terms[t];
                for (int s = 1; s < _terms.Length; s++)
                {
                    var ts = _terms[s];
                    for (int b = 0; b < ts.Q; b++)
                    {
                        double zb = wi * ts.Z[(b * _n) + i];
                        if (zb == 0) continue;
                        if (env is not null)
                        {
                            int pc = env.Position[rows[s] + b];
                            for (int a = 0; a < tt.Q; a++)
                            {
                                int pr = env.Position[rows[t] + a];
                                if (pr >= pc) _a22[env.Pattern.Index(pr, pc)] += tt.Z[(a * _n) + i] * zb;
                            }
                            continue;
                        }
                        int col = (rows[s] + b) * _m2;
                        for (int a = 0; a < tt.Q; a++) _a22[col + rows[t] + a] += tt.Z[(a * _n) + i] * zb;
                    }
                }
            }
        }
    }

    private (int[] Ptr, int[] Row, int[] Term, int[] Value, double[] Values) BuildLeadRestBlocks()
    {
        int levels = _lead.Levels;
        var ptr = new int[levels + 1];
        if (_m2 == 0) return (ptr, [], [], [], []);
        int restTerms = _terms.Length - 1;
        var keys = new long[(long)_n * restTerms];
        var leadCodes = _lead.Codes;
        for (int i = 0; i < _n; i++)
        {
            for (int t = 1; t < _terms.Length; t++)
            {
                int row = _terms[t].Offset + (_terms[t].Codes[i] * _terms[t].Q);
                keys[(i * restTerms) + t - 1] = ((long)leadCodes[i] * _m2) + row;
            }
        }
        Array.Sort(keys);
        int count = 0;
        for (int k = 0; k < keys.Length; k++) if (k == 0 || keys[k] != keys[k - 1]) keys[count++] = keys[k];
        var blockRow = new int[count];
        var blockTerm = new int[count];
        var blockValue = new int[count];
        int valueCount = 0;
        for (int e = 0; e < count; e++)
        {
            int g = (int)(keys[e] / _m2);
            int row = (int)(keys[e] % _m2);
            ptr[g + 1]++;
            blockRow[e] = row;
            blockTerm[e] = _restTermOfRow[row];
            blockValue[e] = valueCount;
            valueCount += _terms[blockTerm[e]].Q * _lead.Q;
        }
        for (int g = 0; g < levels; g++) ptr[g + 1] += ptr[g];
        return (ptr, blockRow, blockTerm, blockValue, new double[valueCount]);
    }

    /// <summary>Where observation i's contribution of rest term t goes in A21's values.</summary>
    private int BlockOfObservation(int i, int t)
    {
        int restTerms = _terms.Length - 1;
        if (_blockOfObservation.Length > 0) return _blockOfObservation[(i * restTerms) + t - 1];
        int g = _lead.Codes[i];
        int row = _terms[t].Offset + (_terms[t].Codes[i] * _terms[t].Q);
        return _blockValue[Array.BinarySearch(_blockRow, _blockPtr[g], _blockPtr[g + 1] - _blockPtr[g], row)];
    }

    /// <summary>A21's blocks: Σ_i w_i z_rest,i z_lead,i' over the observations of each pair of levels (w empty: unit weights).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void FillLeadRestValues(ReadOnlySpan<double> w)
    {
        if (_m2 == 0) return;
        var values = _a21;
        Array.Clear(values);
        int q1 = _lead.Q;
        bool weighted = !w.IsEmpty;
        for (int i = 0; i < _n; i++)
        {
            double wi = weighted ? w[i] : 1;
            for (int t = 1; t < _terms.Length; t++)
            {
                var term = _terms[t];
                int at = BlockOfObservation(i, t);
                int qk = term.Q;
                for (int c = 0; c < q1; c++)
                {
                    double zc = wi * _lead.Z[(c * _n) + i];
                    for (int a = 0; a < qk; a++) values[at + (c * qk) + a] += term.Z[(a * _n) + i] * zc;
                }
            }
        }
    }

    /// <summary>One random-effects term as the factorisation sees it.</summary>
    internal sealed class TermLayout
    {
        public TermLayout(RandomTerm term, int formulaIndex, int thetaOffset, int offset)
        {
            Term = term;
            FormulaIndex = formulaIndex;
            Q = term.EffectsPerLevel;
            Levels = term.Grouping.LevelCount;
            Size = Q * Levels;
            ThetaOffset = thetaOffset;
            ThetaCount = Q * (Q + 1) / 2;
            Offset = offset;
            Codes = term.Grouping.Codes.ToArray();
            Lambda = new double[Q * Q];
            // Columns of extreme scale (a predictor in micro- or mega-units) are rescaled to unit root mean
            // square inside the engine, so that θ is of order one for the optimiser; see ReportedTheta.
            Scale = new double[Q];
            int n = term.Columns.Rows;
            var z = term.Columns.Data;
            bool any = false;
            for (int j = 0; j < Q; j++)
            {
                double ss = 0;
                for (int i = 0; i < n; i++) ss += z[(j * n) + i] * z[(j * n) + i];
                double rms = n == 0 ? 1 : Math.Sqrt(ss / n);
                Scale[j] = rms > 0 && (rms < 1e-3 || rms > 1e3) ? 1 / rms : 1;
                any |= Scale[j] != 1;
            }
            if (any)
            {
                z = (double[])z.Clone();
                for (int j = 0; j < Q; j++) for (int i = 0; i < n; i++) z[(j * n) + i] *= Scale[j];
            }
            Z = z;
        }

        /// <summary>
        /// The factor s_j applied to column j inside the engine (1 unless the column's scale is extreme). With
        /// Z̃ = Z S the engine's λ̃ relates to lme4's λ by λ = S λ̃, and the modes by b = S b̃.
        /// </summary>
        public double[] Scale { get; }

        /// <summary>The design's term.</summary>
        public RandomTerm Term { get; }

        /// <summary>Its position in the formula.</summary>
        public int FormulaIndex { get; }

        /// <summary>Random effects per level.</summary>
        public int Q { get; }

        /// <summary>Levels of the grouping factor.</summary>
        public int Levels { get; }

        /// <summary>Q × Levels.</summary>
        public int Size { get; }

        /// <summary>Where the term's parameters start in θ.</summary>
        public int ThetaOffset { get; }

        /// <summary>Q(Q+1)/2.</summary>
        public int ThetaCount { get; }

        /// <summary>For terms after the first, the first column of the term within the rest block.</summary>
        public int Offset { get; }

        /// <summary>Level code per observation.</summary>
        public int[] Codes { get; }

        /// <summary>The term's n×Q columns, column-major.</summary>
        public double[] Z { get; }

        /// <summary>λ: Q×Q lower triangular, column-major, set from θ.</summary>
        public double[] Lambda { get; }

        /// <summary>Fills λ from θ's lower triangle, column by column (lme4's order).</summary>
        public void SetLambda(ReadOnlySpan<double> theta)
        {
            for (int j = 0, k = ThetaOffset; j < Q; j++)
            {
                for (int i = j; i < Q; i++, k++) Lambda[(j * Q) + i] = theta[k];
            }
        }
    }

    /// <summary>What the factorisation gives at the estimates.</summary>
    internal sealed record Solution(
        double Criterion,
        double[] Beta,
        DenseMatrix BetaCovariance,
        double Sigma,
        double[][] Modes,
        double[][] ConditionalVariances,
        double[] Fitted,
        double[] Residuals,
        double MlDeviance,
        double RemlCriterion,
        double PenalizedRss);
}
