using System.Text;

namespace FastMlm.Data;

/// <summary>
/// Builds a categorical column from values met one at a time: each distinct value is made a string once
/// (looked up from a span of chars or of UTF-8 bytes), and at the end the levels are sorted ordinally and
/// the provisional codes renumbered. Shared by the CSV and Parquet readers.
/// </summary>
internal sealed class LevelTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private char[] _chars = new char[256];

    public LevelTable() => _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The provisional code of <paramref name="value"/>, adding it when new.</summary>
    public int Intern(ReadOnlySpan<char> value)
    {
        if (_lookup.TryGetValue(value, out int id)) return id;
        id = _ids.Count;
        _lookup[value] = id;
        return id;
    }

    /// <summary>The provisional code of a UTF-8 value, adding it when new.</summary>
    public int InternUtf8(ReadOnlySpan<byte> value)
    {
        int max = Encoding.UTF8.GetMaxCharCount(value.Length);
        if (max > _chars.Length) _chars = new char[max];
        return Intern(_chars.AsSpan(0, Encoding.UTF8.GetChars(value, _chars)));
    }

    /// <summary>Sorts the levels ordinally, renumbers <paramref name="codes"/> in place (-1 stays missing) and makes the column.</summary>
    public CategoricalColumn Build(string name, int[] codes)
    {
        var levels = _ids.Keys.ToArray();
        Array.Sort(levels, StringComparer.Ordinal);
        var remap = new int[levels.Length];
        for (int i = 0; i < levels.Length; i++) remap[_ids[levels[i]]] = i;
        for (int r = 0; r < codes.Length; r++)
        {
            if (codes[r] >= 0) codes[r] = remap[codes[r]];
        }
        return new CategoricalColumn(name, codes, levels);
    }
}
