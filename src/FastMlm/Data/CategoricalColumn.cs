namespace FastMlm.Data;

/// <summary>
/// A categorical column (an R factor): an integer code per row into <see cref="Levels"/>, -1 where missing.
/// Levels read from a file are in ordinal (culture-free) sort order, so the first level is the reference
/// level of treatment contrasts, as in R with the C locale.
/// </summary>
public sealed class CategoricalColumn : Column
{
    private readonly int[] _codes;
    private readonly string[] _levels;

    /// <summary>
    /// Creates a categorical column over <paramref name="codes"/> (taken, not copied) with the given levels.
    /// Every code must be -1 (missing) or a valid index into <paramref name="levels"/>.
    /// </summary>
    public CategoricalColumn(string name, int[] codes, string[] levels) : base(name)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(levels);
        _codes = codes;
        _levels = levels;
    }

    /// <inheritdoc />
    public override int Length => _codes.Length;

    /// <summary>Level index of each row; -1 where missing.</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>The level labels, in level order.</summary>
    public IReadOnlyList<string> Levels => _levels;

    /// <summary>Number of levels.</summary>
    public int LevelCount => _levels.Length;

    /// <inheritdoc />
    public override bool IsMissing(int row) => _codes[row] < 0;

    /// <inheritdoc />
    public override string FormatValue(int row) => _codes[row] < 0 ? "NA" : _levels[_codes[row]];

    /// <summary>
    /// Builds a categorical column from text values (null = missing), levels in ordinal sort order.
    /// </summary>
    public static CategoricalColumn FromStrings(string name, IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var table = new LevelTable();
        var codes = new int[values.Count];
        for (int i = 0; i < codes.Length; i++) codes[i] = values[i] is { } v ? table.Intern(v) : -1;
        return table.Build(name, codes);
    }
}
