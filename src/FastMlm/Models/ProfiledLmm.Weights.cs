using System.Runtime.CompilerServices;
using FastMlm.LinearAlgebra;

namespace FastMlm.Models;

/// <summary>
/// Row weights for the evaluator: the penalised weighted least-squares problem that each iteration of PIRLS
/// solves for a generalized linear mixed model (Bates et al. 2015, section 5 of the lme4 paper's PIRLS) has the
/// blocks of a linear mixed model with every row of [Z X y] multiplied by √w_i. The blocks are refilled in place,
/// so an iteration allocates nothing.
/// </summary>
internal sealed partial class ProfiledLmm
{
    private double[]? _weights;

    /// <summary>
    /// Replaces the rows of [Z X y] by √w_i times the unweighted rows, with <paramref name="response"/> as y (taken
    /// as given: no offset is subtracted), and refills every block of A. <see cref="Evaluate"/> then factors
    /// Λ'Z'WZΛ + I and the rest; <see cref="SphericalModes"/> and <see cref="FixedEffects"/> solve the weighted problem.
    /// </summary>
    public void SetWeightedResponse(ReadOnlySpan<double> sqrtWeights, ReadOnlySpan<double> response)
    {
        if (sqrtWeights.Length != _n || response.Length != _n) throw new ArgumentException($"weights and response need {_n} values each");
        if (_p == 0 && _m2 == 0 && _lead.Q == 1)
        {
            SetWeightedOneScalarTerm(sqrtWeights, response);
            return;
        }
        if (_p == 0 && _allScalar && _terms.Length == 2)
        {
            SetWeightedTwoScalarTerms(sqrtWeights, response);
            return;
        }
        if (_allScalar)
        {
            SetWeightedScalarTerms(sqrtWeights, response);
            return;
        }
        _weights ??= new double[_n];
        for (int i = 0; i < _n; i++) _weights[i] = sqrtWeights[i] * sqrtWeights[i];
        if (_m2 > 0 && _blockOfObservation.Length == 0) BuildBlockMap();

        for (int j = 0; j < _p; j++)
        {
            var src = _x.AsSpan(j * _n, _n);
            var dst = Xy.AsSpan(j * _n, _n);
            for (int i = 0; i < _n; i++) dst[i] = src[i] * sqrtWeights[i];
        }
        var y = Xy.AsSpan(_p * _n, _n);
        for (int i = 0; i < _n; i++) y[i] = response[i] * sqrtWeights[i];
        for (int c = 0; c < _pp1; c++)
        {
            var colC = Xy.AsSpan(c * _n, _n);
            for (int r = c; r < _pp1; r++) _a33[(c * _pp1) + r] = Kernels.Dot(Xy.AsSpan(r * _n, _n), colC, DenseCholesky.Best);
        }

        FillLeadDiagonal(_weights);
        Array.Clear(_a31t);
        CrossWithXy(_lead, _a31t, _m1, 0, sqrtWeights);
        if (_m2 > 0)
        {
            Array.Clear(_a32t);
            for (int t = 1; t < _terms.Length; t++) CrossWithXy(_terms[t], _a32t, _m2, _terms[t].Offset, sqrtWeights);
            FillRestCrossProducts(_weights);
            FillLeadRestValues(_weights);
        }
    }

    /// <summary>
    /// The commonest case, one scalar term and no X (a random intercept, given β), in one pass: A11 = Σ w z² and
    /// A31 = Σ w z r per level, A33 = Σ w r².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SetWeightedOneScalarTerm(ReadOnlySpan<double> sqrtWeights, ReadOnlySpan<double> response)
    {
        var a11 = _a11.AsSpan();
        var a31 = _a31t.AsSpan(0, _m1);
        a11.Clear();
        a31.Clear();
        var codes = _lead.Codes;
        var z = _lead.Z.AsSpan(0, _n);
        var y = Xy.AsSpan(0, _n);
        double yy = 0;
        for (int i = 0; i < _n; i++)
        {
            double s = sqrtWeights[i], zs = z[i] * s, ys = response[i] * s;
            int c = codes[i];
            y[i] = ys;
            a11[c] += zs * zs;
            a31[c] += zs * ys;
            yy += ys * ys;
        }
        _a33[0] = yy;
    }

    /// <summary>Two scalar terms and no X (crossed or nested random intercepts, given β) in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SetWeightedTwoScalarTerms(ReadOnlySpan<double> sqrtWeights, ReadOnlySpan<double> response)
    {
        if (_blockOfObservation.Length == 0) BuildBlockMap();
        Array.Clear(_a11);
        Array.Clear(_a21);
        Array.Clear(_a22);
        Array.Clear(_a31t);
        Array.Clear(_a32t);
        var second = _terms[1];
        int off = second.Offset, n = _n;
        var c0s = _lead.Codes.AsSpan(0, n);
        var c1s = second.Codes.AsSpan(0, n);
        var z0s = _lead.Z.AsSpan(0, n);
        var z1s = second.Z.AsSpan(0, n);
        var map = _blockOfObservation.AsSpan(0, n);
        var diagonal = _restDiagonal; // one rest term: A22 is diagonal, in either storage
        var y = Xy.AsSpan(0, n);
        double yy = 0;
        for (int i = 0; i < n; i++)
        {
            double s = sqrtWeights[i], ys = response[i] * s, z0 = z0s[i] * s, z1 = z1s[i] * s;
            int c0 = c0s[i], r = off + c1s[i];
            y[i] = ys;
            yy += ys * ys;
            _a11[c0] += z0 * z0;
            _a31t[c0] += z0 * ys;
            _a32t[r] += z1 * ys;
            _a21[map[i]] += z1 * z0;
            _a22[diagonal[r]] += z1 * z1;
        }
        _a33[0] = yy;
    }

    /// <summary>
    /// Scalar terms only (random intercepts, crossed or nested, or single slopes) in one pass over the observations:
    /// each fills its levels' entries of A11, A21, A22 (both triangles), A31 and A32, and its weighted row of [X y];
    /// A33 then from the weighted columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SetWeightedScalarTerms(ReadOnlySpan<double> sqrtWeights, ReadOnlySpan<double> response)
    {
        if (_m2 > 0 && _blockOfObservation.Length == 0) BuildBlockMap();
        Array.Clear(_a11);
        Array.Clear(_a31t);
        if (_m2 > 0)
        {
            Array.Clear(_a21);
            Array.Clear(_a22);
            Array.Clear(_a32t);
        }
        int rest = _terms.Length - 1, pp1 = _pp1, n = _n, m1 = _m1, m2 = _m2;
        Span<int> row = rest <= 32 ? stackalloc int[rest] : new int[rest];
        Span<double> zs = rest <= 32 ? stackalloc double[rest] : new double[rest];
        Span<double> xs = pp1 <= 64 ? stackalloc double[pp1] : new double[pp1];
        var leadCodes = _lead.Codes;
        var leadZ = _lead.Z;
        var envelope = _envelope;
        var xy = Xy;
        var x = _x;
        for (int i = 0; i < n; i++)
        {
            double s = sqrtWeights[i], z0 = leadZ[i] * s;
            for (int j = 0; j < _p; j++) xy[(j * n) + i] = xs[j] = x[(j * n) + i] * s;
            xy[(_p * n) + i] = xs[_p] = response[i] * s;
            int c0 = leadCodes[i];
            _a11[c0] += z0 * z0;
            for (int j = 0; j < pp1; j++) _a31t[(j * m1) + c0] += z0 * xs[j];
            if (rest == 0) continue;
            for (int t = 0; t < rest; t++)
            {
                var term = _terms[t + 1];
                int r = term.Offset + term.Codes[i];
                double zt = term.Z[i] * s;
                row[t] = r;
                zs[t] = zt;
                for (int j = 0; j < pp1; j++) _a32t[(j * m2) + r] += zt * xs[j];
                _a21[_blockOfObservation[(i * rest) + t]] += zt * z0;
            }
            if (envelope is not null)
            {
                AddRestPairsEnvelope(envelope, row, zs);
                continue;
            }
            for (int t = 0; t < rest; t++)
            {
                int col = row[t] * m2;
                double zt = zs[t];
                for (int v = 0; v < rest; v++) _a22[col + row[v]] += zs[v] * zt;
            }
        }
        for (int c = 0; c < pp1; c++)
        {
            var colC = xy.AsSpan(c * n, n);
            for (int r = c; r < pp1; r++) _a33[(c * pp1) + r] = Kernels.Dot(xy.AsSpan(r * n, n), colC, DenseCholesky.Best);
        }
    }

    /// <summary>Factors at θ for the current blocks (weighted or not); false when a factorisation fails.</summary>
    public bool Factor(ReadOnlySpan<double> theta)
    {
        if (theta.Length != ThetaLength) throw new ArgumentException($"θ has {theta.Length} elements; this model has {ThetaLength}", nameof(theta));
        foreach (var t in _terms) t.SetLambda(theta);
        LastFactorizationOk = Factor();
        return LastFactorizationOk;
    }

    /// <summary>β̂ of the last factorisation alone (L_X' β = the X part of L's last row), without its covariance.</summary>
    public void SolveFixed(Span<double> beta)
    {
        for (int j = 0; j < _p; j++) beta[j] = _l33[(j * _pp1) + _p];
        SmallDense.SolveLowerTransposed(_l33, beta, _p, _pp1);
    }

    /// <summary>Random effects in all (the length of u): the leading term's, then the rest's.</summary>
    public int RandomEffectCount => _m1 + _m2;

    /// <summary>The leading term's columns of u.</summary>
    public int LeadSize => _m1;

    /// <summary>The diagonal of L11 when the leading term is scalar (one value per level), from the last factorisation.</summary>
    public ReadOnlySpan<double> LeadFactorDiagonal => _lead.Q == 1 ? _l11 : throw new InvalidOperationException("the leading term is not scalar");

    /// <summary>
    /// Adds Z̃ Λ̃ u to <paramref name="eta"/> for spherical effects <paramref name="u"/> (lead then rest), with the
    /// λ of the last <see cref="Factor(ReadOnlySpan{double})"/> or <see cref="SetLambdas"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRandomPart(ReadOnlySpan<double> u, Span<double> eta)
    {
        for (int t = 0; t < _terms.Length; t++)
        {
            var term = _terms[t];
            int q = term.Q;
            var seg = t == 0 ? u.Slice(0, _m1) : u.Slice(_m1 + term.Offset, term.Size);
            var codes = term.Codes;
            var z = term.Z;
            var lam = term.Lambda;
            if (q == 1)
            {
                double l = lam[0];
                if (l == 0) continue;
                for (int i = 0; i < _n; i++) eta[i] += z[i] * l * seg[codes[i]];
                continue;
            }
            for (int i = 0; i < _n; i++)
            {
                int at = codes[i] * q;
                double s = 0;
                for (int k = 0; k < q; k++)
                {
                    // (Λ u)_k = Σ_{c ≤ k} λ[k, c] u_c
                    double bk = 0;
                    for (int c = 0; c <= k; c++) bk += lam[(c * q) + k] * seg[at + c];
                    s += z[(k * _n) + i] * bk;
                }
                eta[i] += s;
            }
        }
    }

    /// <summary>Sets every term's λ from θ without factoring.</summary>
    public void SetLambdas(ReadOnlySpan<double> theta)
    {
        foreach (var t in _terms) t.SetLambda(theta);
    }

    /// <summary>An observation's share of A22 on the envelope: z_t z_v for its levels of the rest terms, each pair once.</summary>
    private void AddRestPairsEnvelope(RestEnvelope env, ReadOnlySpan<int> row, ReadOnlySpan<double> zs)
    {
        var position = env.Position;
        var pattern = env.Pattern;
        for (int t = 0; t < row.Length; t++)
        {
            int pt = position[row[t]];
            double zt = zs[t];
            for (int v = 0; v < row.Length; v++)
            {
                int pv = position[row[v]];
                if (pv <= pt) _a22[pattern.Index(pt, pv)] += zs[v] * zt;
            }
        }
    }

    private void BuildBlockMap()
    {
        int restTerms = _terms.Length - 1;
        var map = new int[(long)_n * restTerms];
        for (int i = 0; i < _n; i++)
        {
            for (int t = 1; t < _terms.Length; t++) map[(i * restTerms) + t - 1] = BlockOfObservation(i, t);
        }
        _blockOfObservation = map;
    }
}
