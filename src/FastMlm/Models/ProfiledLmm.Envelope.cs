using System.Runtime.CompilerServices;
using FastMlm.LinearAlgebra;

namespace FastMlm.Models;

/// <summary>How the block of the random-effects terms after the largest (L22) is stored and factored.</summary>
internal enum RestStorage
{
    /// <summary>The envelope when it is much smaller than the square, else dense.</summary>
    Auto,

    /// <summary>A dense square, factored by the blocked <see cref="DenseCholesky"/>.</summary>
    Dense,

    /// <summary>The envelope of a level ordering, factored by <see cref="EnvelopeCholesky"/>.</summary>
    Envelope,
}

/// <summary>
/// The rest block in envelope storage. Its graph is on the levels of the terms after the largest: two levels are
/// adjacent when a level of the largest term meets both (the fill that eliminating the largest term leaves; two
/// levels met in one observation are met by that observation's level of the largest term, so A22's own pattern is
/// inside it). Levels are ordered once, whole (a level's q columns stay together and in order, so the q×q blocks of
/// Λ still apply): naturally or by reverse Cuthill–McKee, whichever gives the smaller envelope. A22 and L22 are then
/// stored on that envelope in the permuted order, and vectors over the rest columns are permuted into it and back
/// around each solve.
/// </summary>
internal sealed partial class ProfiledLmm
{
    /// <summary>The most values the rest block's storage may hold (a dense 20,000 × 20,000 square).</summary>
    private const long MaxRestEntries = 400_000_000;

    /// <summary>Auto takes the envelope when it holds fewer than this share of the dense lower triangle ...</summary>
    private const double EnvelopeEntryShare = 0.75;

    /// <summary>
    /// ... and its factorisation needs fewer than this share of the dense one's multiply–adds. The tiled envelope
    /// kernel runs at about the dense kernel's rate (13 and 14 GFlop/s of multiply–adds on teaching_crossed's 1,100
    /// columns), but the envelope's other passes (Λ scaling, the solves by dot products) cost more per value.
    /// </summary>
    private const double EnvelopeFlopShare = 0.5;

    private static readonly AsyncLocal<RestStorage> s_storageOverride = new();

    /// <summary>The storage the ordinary constructors ask for (Auto unless a test or benchmark forces one, on this flow of execution).</summary>
    internal static RestStorage RequestedRestStorage
    {
        get => s_storageOverride.Value;
        set => s_storageOverride.Value = value;
    }

    /// <summary>The storage chosen for the rest block.</summary>
    internal RestStorage Storage => _envelope is null ? RestStorage.Dense : RestStorage.Envelope;

    /// <summary>Values the rest block's storage holds (A22's; L22 holds as many).</summary>
    internal long RestEntries => _a22.Length;

    private RestEnvelope? ChooseRestStorage(RestStorage requested)
    {
        long dense = (long)_m2 * _m2;
        if (_m2 == 0 || requested == RestStorage.Dense)
        {
            if (dense > MaxRestEntries) throw TooLarge("a dense", dense);
            return null;
        }
        var envelope = RestEnvelope.Build(this);
        long entries = envelope?.Pattern.Count ?? long.MaxValue;
        bool take = requested == RestStorage.Envelope || dense > MaxRestEntries;
        if (!take && envelope is not null)
        {
            double triangle = dense / 2.0;
            double denseFlops = (double)_m2 * _m2 * _m2 / 6;
            take = entries < EnvelopeEntryShare * triangle && envelope.Pattern.FactorFlops() < EnvelopeFlopShare * denseFlops;
        }
        if (!take) return null;
        if (entries > MaxRestEntries) throw TooLarge("an envelope", entries);
        return envelope;
    }

    private ModelException TooLarge(string storage, long entries) => new(string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"the random effects after the largest term have {_m2} columns together; {storage} factor of them would hold {entries} values, more than {MaxRestEntries}"));

    /// <summary>L22 ← Λ2' A22 Λ2 on the envelope (the rows of a level and the columns of another: one q×q block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScaleRestEnvelope(RestEnvelope env)
    {
        var pattern = env.Pattern;
        var first = pattern.First;
        var diag = pattern.Diagonal;
        if (_restAllScalar)
        {
            var s = _restScale;
            for (int k = 0; k < _m2; k++) s[k] = _terms[env.TermAt[k]].Lambda[0];
            for (int i = 0; i < _m2; i++)
            {
                int fi = first[i], at = diag[i] - i + fi, len = i - fi + 1;
                double si = s[i];
                var src = _a22.AsSpan(at, len);
                var dst = _l22.AsSpan(at, len);
                var sc = s.AsSpan(fi, len);
                for (int k = 0; k < src.Length; k++) dst[k] = src[k] * sc[k] * si;
            }
            return;
        }
        int qMax = env.QMax;
        var block = env.BlockScratch.AsSpan(0, qMax * qMax);
        var row = env.BlockScratch.AsSpan(qMax * qMax, qMax);
        for (int u = 0; u < env.UnitStart.Length; u++)
        {
            var tu = _terms[env.UnitTerm[u]];
            int r0 = env.UnitStart[u], qu = tu.Q;
            for (int v = env.UnitFirst[u]; v <= u; v++)
            {
                var tv = _terms[env.UnitTerm[v]];
                int c0 = env.UnitStart[v], qv = tv.Q;
                // Block (u, v) ← λu' B λv: λu' on each column of B, then λv' on each row. A diagonal block is read
                // whole from its symmetric entries and written below its diagonal only; a column before a row's
                // first (left by the tiling of the envelope, in a block with no entries) is neither read nor written.
                for (int b = 0; b < qv; b++)
                {
                    var col = block.Slice(b * qu, qu);
                    for (int a = 0; a < qu; a++)
                    {
                        int r = r0 + a, c = c0 + b;
                        col[a] = r >= c ? (c >= first[r] ? _a22[pattern.Index(r, c)] : 0) : _a22[pattern.Index(c, r)];
                    }
                    SmallDense.MultiplyLowerTransposed(tu.Lambda, col, qu);
                }
                for (int a = 0; a < qu; a++)
                {
                    for (int b = 0; b < qv; b++) row[b] = block[(b * qu) + a];
                    SmallDense.MultiplyLowerTransposed(tv.Lambda, row[..qv], qv);
                    int r = r0 + a, top = v < u ? qv : a + 1;
                    for (int b = Math.Max(0, first[r] - c0); b < top; b++) _l22[pattern.Index(r, c0 + b)] = row[b];
                }
            }
        }
    }

    /// <summary>L22 −= L21 L21' level by level of the leading term: each level's blocks in envelope order, so that every product lands in the later block's rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SubtractLeadOuterEnvelope(RestEnvelope env)
    {
        var diag = env.Pattern.Diagonal;
        var order = env.BlockOrder;
        var pos = env.BlockPosition;
        var l = _l22;
        if (_allScalar)
        {
            var values = env.LevelValues;
            for (int g = 0; g < _lead.Levels; g++)
            {
                int k0 = _blockPtr[g], k1 = _blockPtr[g + 1];
                for (int k = k0; k < k1; k++) values[k - k0] = _l21[order[k]];
                for (int a = k0; a < k1; a++)
                {
                    int pa = pos[a], rowBase = diag[pa] - pa;
                    double va = values[a - k0];
                    if (va == 0) continue;
                    for (int b = k0; b <= a; b++) l[rowBase + pos[b]] -= va * values[b - k0];
                }
            }
            return;
        }
        int q1 = _lead.Q;
        for (int g = 0; g < _lead.Levels; g++)
        {
            int k0 = _blockPtr[g], k1 = _blockPtr[g + 1];
            for (int a = k0; a < k1; a++)
            {
                int e = order[a], pe = pos[a], qe = _terms[_blockTerm[e]].Q;
                var be = _l21.AsSpan(_blockValue[e], qe * q1);
                for (int b = k0; b <= a; b++)
                {
                    int f = order[b], pf = pos[b], qf = _terms[_blockTerm[f]].Q;
                    var bf = _l21.AsSpan(_blockValue[f], qf * q1);
                    for (int x = 0; x < qe; x++)
                    {
                        int rowBase = diag[pe + x] - (pe + x) + pf;
                        int top = a == b ? x + 1 : qf;
                        for (int y = 0; y < top; y++)
                        {
                            double s = 0;
                            for (int c = 0; c < q1; c++) s += be[(c * qe) + x] * bf[(c * qf) + y];
                            l[rowBase + y] -= s;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Solves L22' x = b in place (natural order) through the envelope's order.</summary>
    private void SolveRestTransposedEnvelope(RestEnvelope env, Span<double> x)
    {
        var work = env.Work;
        var position = env.Position;
        for (int i = 0; i < _m2; i++) work[position[i]] = x[i];
        EnvelopeCholesky.SolveLowerTransposed(env.Pattern, _l22, work.AsSpan(0, _m2));
        for (int i = 0; i < _m2; i++) x[i] = work[position[i]];
    }

    /// <summary>
    /// The lead level's share of its conditional covariance, M = Σ_e Σ_f L21_e' Z[re, rf] L21_f over the level's
    /// blocks, with Z = (L22 L22')⁻¹ on the envelope (every pair of a level's blocks lies in it); written to
    /// <paramref name="m"/> (q1×q1, column-major).
    /// </summary>
    private void LeadShareEnvelope(RestEnvelope env, double[] z, int g, Span<double> m)
    {
        int q1 = _lead.Q;
        var pattern = env.Pattern;
        m.Clear();
        for (int a = _blockPtr[g]; a < _blockPtr[g + 1]; a++)
        {
            int e = env.BlockOrder[a], pe = env.BlockPosition[a], qe = _terms[_blockTerm[e]].Q;
            var be = _l21.AsSpan(_blockValue[e], qe * q1);
            for (int b = _blockPtr[g]; b < _blockPtr[g + 1]; b++)
            {
                int f = env.BlockOrder[b], pf = env.BlockPosition[b], qf = _terms[_blockTerm[f]].Q;
                var bf = _l21.AsSpan(_blockValue[f], qf * q1);
                for (int x = 0; x < qe; x++)
                {
                    for (int y = 0; y < qf; y++)
                    {
                        double zxy = z[pattern.SymmetricIndex(pe + x, pf + y)];
                        if (zxy == 0) continue;
                        for (int d = 0; d < q1; d++)
                        {
                            double v = zxy * bf[(d * qf) + y];
                            for (int c = 0; c < q1; c++) m[(d * q1) + c] += be[(c * qe) + x] * v;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Block (r0+i, r0+j) of (L22 L22')⁻¹ for a rest level starting at natural column r0.</summary>
    private static double RestInverseEnvelope(RestEnvelope env, double[] z, int r0, int i, int j) =>
        z[env.Pattern.SymmetricIndex(env.Position[r0 + i], env.Position[r0 + j])];
}
