namespace FastMlm.LinearAlgebra;

/// <summary>
/// The envelope (skyline, profile) of a symmetric matrix's lower triangle: row i holds columns
/// <c>First[i]</c>..i, stored contiguously row after row, so that entry (i, j) of the envelope lies at
/// <c>Diagonal[i] − i + j</c>. A Cholesky factor has no entry outside its matrix's envelope (fill stays inside it),
/// so one pattern serves A, L and the entries of (L L')⁻¹ that <see cref="EnvelopeCholesky.SelectedInverse"/> gives.
/// </summary>
internal sealed class EnvelopePattern
{
    /// <summary>The pattern with row i starting at column <paramref name="first"/>[i] (at most i).</summary>
    public EnvelopePattern(int[] first)
    {
        ArgumentNullException.ThrowIfNull(first);
        int n = first.Length;
        First = first;
        Diagonal = new int[n];
        long count = 0;
        for (int i = 0; i < n; i++)
        {
            if (first[i] < 0 || first[i] > i) throw new ArgumentException($"row {i} cannot start at column {first[i]}", nameof(first));
            count += i - first[i] + 1;
            if (count > Array.MaxLength) throw new ArgumentException($"an envelope of more than {Array.MaxLength} entries", nameof(first));
            Diagonal[i] = (int)count - 1;
        }
        Count = (int)count;
        IsTiled = true;
        for (int g = 0; g + Tile <= n && IsTiled; g += Tile)
        {
            for (int r = 0; r < Tile; r++) IsTiled &= first[g + r] == first[g] && first[g] % Tile == 0;
        }

        // Column j's entries lie in rows j..ColumnEnd[j] (not every row between need reach back to j). The
        // suffix minimum of First is non-decreasing, and the last row whose suffix minimum is at most j is the last
        // row that reaches column j.
        ColumnEnd = new int[n];
        var suffixMin = new int[n];
        for (int i = n - 1, m = int.MaxValue; i >= 0; i--) suffixMin[i] = m = Math.Min(m, first[i]);
        for (int j = 0, i = 0; j < n; j++)
        {
            if (i < j) i = j;
            while (i + 1 < n && suffixMin[i + 1] <= j) i++;
            ColumnEnd[j] = i;
        }
    }

    /// <summary>The rows and columns of a tile of <see cref="EnvelopeCholesky"/>'s blocked kernel.</summary>
    public const int Tile = 4;

    /// <summary>
    /// The pattern with each row's first column lowered to the least of its aligned group of <see cref="Tile"/> rows,
    /// then to a multiple of <see cref="Tile"/>: a few more entries (at most ~2 <see cref="Tile"/> a row), and the factor
    /// can then work on <see cref="Tile"/>×<see cref="Tile"/> tiles whose rows share their columns.
    /// </summary>
    public static EnvelopePattern Tiled(ReadOnlySpan<int> first)
    {
        var f = first.ToArray();
        for (int g = 0; g < f.Length; g += Tile)
        {
            int end = Math.Min(f.Length, g + Tile), m = int.MaxValue;
            for (int i = g; i < end; i++) m = Math.Min(m, f[i]);
            m -= m % Tile;
            for (int i = g; i < end; i++) f[i] = m;
        }
        return new EnvelopePattern(f);
    }

    /// <summary>Whether every full aligned group of <see cref="Tile"/> rows shares its first column, a multiple of <see cref="Tile"/>.</summary>
    public bool IsTiled { get; }

    /// <summary>The order of the matrix.</summary>
    public int Order => First.Length;

    /// <summary>The first column stored in each row.</summary>
    public int[] First { get; }

    /// <summary>Where each row's diagonal entry is stored (the row's last entry).</summary>
    public int[] Diagonal { get; }

    /// <summary>The last row with an entry in each column.</summary>
    public int[] ColumnEnd { get; }

    /// <summary>Entries stored: Σ (i − First[i] + 1).</summary>
    public int Count { get; }

    /// <summary>Where entry (i, j) of the lower triangle is stored; it must lie in the envelope (First[i] ≤ j ≤ i).</summary>
    public int Index(int i, int j) => Diagonal[i] - i + j;

    /// <summary>Where entry (i, j) of the symmetric matrix is stored, whichever triangle names it.</summary>
    public int SymmetricIndex(int i, int j) => i >= j ? Diagonal[i] - i + j : Diagonal[j] - j + i;

    /// <summary>Whether (i, j), i ≥ j, lies in the envelope.</summary>
    public bool Contains(int i, int j) => j >= First[i] && j <= i;

    /// <summary>
    /// Multiply–adds of the factorisation: Σ over stored (i, j), j &lt; i, of the dot product's length
    /// j − max(First[i], First[j]), plus each row's diagonal dot; what choosing between storages weighs.
    /// </summary>
    public double FactorFlops()
    {
        double flops = 0;
        for (int i = 0; i < First.Length; i++)
        {
            int fi = First[i];
            for (int j = fi; j < i; j++) flops += j - Math.Max(fi, First[j]);
            flops += i - fi;
        }
        return flops;
    }
}
