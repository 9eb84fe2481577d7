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
