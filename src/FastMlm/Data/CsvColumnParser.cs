using System.Globalization;

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
        var table = new LevelTable();
        var codes = new int[starts.Length];
        for (int r = 0; r < starts.Length; r++)
        {
            int end = ends[r];
            if (end < 0)
            {
                // Doubled quotes inside: undo them (rare, so a string is fine).
                var text = tokenizer.Text(starts[r], end);
                codes[r] = missing.IsMissingToken(text) ? -1 : table.Intern(text);
                continue;
            }
            var field = buffer.AsSpan(starts[r], end - starts[r]);
            codes[r] = missing.IsMissingUtf8(field) ? -1 : table.InternUtf8(field);
        }
        return table.Build(name, codes);
    }
}
