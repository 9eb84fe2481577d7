namespace FastMlm.Data;

/// <summary>How to read a data file: the separator (CSV), the missing-value codes, and which columns to load.</summary>
public sealed record DataReadOptions
{
    /// <summary>The default: separator detected, default missing-value codes, every column.</summary>
    public static DataReadOptions Default { get; } = new();

    /// <summary>The CSV field separator; null to detect it from the header line (<c>,</c> <c>;</c> or tab).</summary>
    public char? Separator { get; init; }

    /// <summary>The values that count as missing.</summary>
    public MissingValueCodes Missing { get; init; } = MissingValueCodes.Default;

    /// <summary>
    /// The columns to load (a model needs only its own); null loads all. A named column the source lacks is a
    /// <see cref="DataException"/> that names it and suggests the nearest existing name.
    /// </summary>
    public IReadOnlyCollection<string>? Columns { get; init; }

    /// <summary>
    /// The indices, in file order, of the columns to load from a source whose columns are <paramref name="names"/>:
    /// all, or those named in <see cref="Columns"/>; a named column the source lacks is a <see cref="DataException"/>
    /// with the nearest existing name.
    /// </summary>
    internal int[] SelectColumns(IReadOnlyList<string> names, string source)
    {
        if (Columns is null) return Enumerable.Range(0, names.Count).ToArray();
        var index = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++) index.TryAdd(names[i], i);
        return Columns.Distinct(StringComparer.Ordinal)
            .Select(name => index.TryGetValue(name, out var i) ? i : throw new DataException(DataFrame.UnknownColumnMessage(name, names, source)))
            .Order()
            .ToArray();
    }
}
