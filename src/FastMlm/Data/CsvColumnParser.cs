using System.Globalization;
using System.Text;

namespace FastMlm.Data;

/// <summary>
/// The second pass of the CSV reader: turns one column's field ranges into a numeric column when every
/// non-missing field is a number, else into a categorical column with ordinally sorted levels.
/// </summary>
internal static class CsvColumnParser
{
    public static Column Parse(string name, byte[] buffer, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, MissingValueCodes missing, CsvTokenizer tokenizer)
    {
        var values = new double[starts.Length];
        for (int r = 0; r < starts.Length; r++)
        {
            int end = ends[r];
            if (end < 0) return Categorical(name, buffer, starts, ends, missing, tokenizer); // a field with quotes inside is text
            var field = buffer.AsSpan(starts[r], end - starts[r]);
            if (missing.IsMissingUtf8(field) || IsBlank(field))
            {
                values[r] = double.NaN;
                continue;
            }
            if (!TryParseNumber(field, out var v)) return Categorical(name, buffer, starts, ends, missing, tokenizer);
            values[r] = missing.IsMissingNumber(v) ? double.NaN : v;
        }
        return new NumericColumn(name, values);
    }

    private static bool TryParseNumber(ReadOnlySpan<byte> field, out double value)
    {
        if (double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return !double.IsNaN(value);
        var trimmed = field.Trim(" \t"u8);
        if (trimmed.SequenceEqual("Inf"u8) || trimmed.SequenceEqual("+Inf"u8))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (trimmed.SequenceEqual("-Inf"u8))
        {
            value = double.NegativeInfinity;
            return true;
        }
        return false;
    }

    private static bool IsBlank(ReadOnlySpan<byte> field) => field.Trim(" \t"u8).IsEmpty;

    private static CategoricalColumn Categorical(string name, byte[] buffer, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, MissingValueCodes missing, CsvTokenizer tokenizer)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        var codes = new int[starts.Length];
        Span<char> chars = stackalloc char[256];
        for (int r = 0; r < starts.Length; r++)
        {
            int end = ends[r];
            if (end < 0)
            {
                // Doubled quotes inside: undo them (rare, so a string is fine).
                var text = tokenizer.Text(starts[r], end);
                if (missing.IsMissingToken(text))
                {
                    codes[r] = -1;
                    continue;
                }
                if (!ids.TryGetValue(text, out var idText)) ids[text] = idText = ids.Count;
                codes[r] = idText;
                continue;
            }
            var field = buffer.AsSpan(starts[r], end - starts[r]);
            if (missing.IsMissingUtf8(field))
            {
                codes[r] = -1;
                continue;
            }
            int max = Encoding.UTF8.GetMaxCharCount(field.Length);
            var target = max <= chars.Length ? chars : new char[max];
            int n = Encoding.UTF8.GetChars(field, target);
            var key = target[..n];
            if (!lookup.TryGetValue(key, out var id))
            {
                id = ids.Count;
                lookup[key] = id;
            }
            codes[r] = id;
        }
        var levels = ids.Keys.ToArray();
        var provisional = ids.Values.ToArray();
        var order = levels.ToArray();
        Array.Sort(order, StringComparer.Ordinal);
        var remap = new int[levels.Length];
        var rank = new Dictionary<string, int>(order.Length, StringComparer.Ordinal);
        for (int i = 0; i < order.Length; i++) rank[order[i]] = i;
        for (int i = 0; i < levels.Length; i++) remap[provisional[i]] = rank[levels[i]];
        for (int r = 0; r < codes.Length; r++)
        {
            if (codes[r] >= 0) codes[r] = remap[codes[r]];
        }
        return new CategoricalColumn(name, codes, order);
    }
}
