using System.Buffers;
using System.Globalization;
using System.Text;

namespace FastMlm.Data;

/// <summary>
/// The first pass of the CSV reader: finds every field of an RFC 4180 file in a UTF-8 buffer without
/// copying it. Each field of a selected column is kept as its byte range (inside the quotes for a quoted
/// field; a range whose end is stored complemented holds doubled quotes to undo).
/// </summary>
internal sealed class CsvTokenizer
{
    private readonly byte[] _buffer;
    private readonly int _length;
    private readonly byte _separator;
    private readonly string _source;
    private readonly SearchValues<byte> _stops;
    private int _position;

    public CsvTokenizer(byte[] buffer, int length, char? separator, string source)
    {
        _buffer = buffer;
        _length = length;
        _source = source;
        _position = buffer.AsSpan(0, length).StartsWith("\uFEFF"u8) ? 3 : 0;
        SkipBlankLines(); // the header is the first non-blank line, and the separator is detected on it
        _separator = (byte)(separator ?? DetectSeparator());
        _stops = SearchValues.Create([_separator, (byte)'\n', (byte)'\r']);
    }

    /// <summary>The separator in use (given, or detected from the header line).</summary>
    public char Separator => (char)_separator;

    /// <summary>Reads the header row: the column names.</summary>
    public string[] ReadHeader()
    {
        SkipBlankLines();
        if (_position >= _length) throw new DataException($"'{_source}' is empty: no header row");
        var names = new List<string>();
        var fields = new List<(int Start, int End)>();
        ReadRow(fields, expected: -1);
        foreach (var (start, end) in fields) names.Add(Text(start, end).Trim());
        return names.ToArray();
    }

    /// <summary>
    /// Reads every data row; for the selected columns (by index) records each field's range in
    /// <paramref name="starts"/>/<paramref name="ends"/>, column by column. Returns the number of rows.
    /// </summary>
    public int ReadRows(int columnCount, int[] selected, out int[][] starts, out int[][] ends)
    {
        int capacity = Math.Max(16, _length / Math.Max(1, columnCount * 6));
        starts = new int[selected.Length][];
        ends = new int[selected.Length][];
        for (int k = 0; k < selected.Length; k++)
        {
            starts[k] = new int[capacity];
            ends[k] = new int[capacity];
        }
        var slot = new int[columnCount];
        Array.Fill(slot, -1);
        for (int k = 0; k < selected.Length; k++) slot[selected[k]] = k;

        var fields = new List<(int Start, int End)>(columnCount);
        int rows = 0;
        while (true)
        {
            SkipBlankLines();
            if (_position >= _length) break;
            fields.Clear();
            ReadRow(fields, columnCount);
            if (rows == capacity)
            {
                capacity = checked(capacity * 2);
                for (int k = 0; k < selected.Length; k++)
                {
                    Array.Resize(ref starts[k], capacity);
                    Array.Resize(ref ends[k], capacity);
                }
            }
            for (int c = 0; c < columnCount; c++)
            {
                int k = slot[c];
                if (k < 0) continue;
                starts[k][rows] = fields[c].Start;
                ends[k][rows] = fields[c].End;
            }
            rows++;
        }
        return rows;
    }

    /// <summary>The text of a recorded field (doubled quotes undone).</summary>
    public string Text(int start, int end)
    {
        if (end >= 0) return Encoding.UTF8.GetString(_buffer, start, end - start);
        return Encoding.UTF8.GetString(_buffer, start, ~end - start).Replace("\"\"", "\"", StringComparison.Ordinal);
    }

    /// <summary>The 1-based line of a byte offset, for messages.</summary>
    public int LineOf(int offset) => _buffer.AsSpan(0, Math.Min(offset, _length)).Count((byte)'\n') + 1;

    private void ReadRow(List<(int Start, int End)> fields, int expected)
    {
        int rowStart = _position;
        var span = _buffer.AsSpan(0, _length);
        while (true)
        {
            int start, end;
            if (_position < _length && span[_position] == (byte)'"')
            {
                int open = _position;
                start = _position + 1;
                int p = start;
                bool escaped = false;
                while (true)
                {
                    int q = p < _length ? span[p..].IndexOf((byte)'"') : -1;
                    if (q < 0) throw new DataException($"unterminated quoted field starting on line {LineOf(open)} of '{_source}'");
                    p += q;
                    if (p + 1 < _length && span[p + 1] == (byte)'"')
                    {
                        escaped = true;
                        p += 2;
                        continue;
                    }
                    break;
                }
                end = escaped ? ~p : p;
                _position = p + 1;
                if (_position < _length && span[_position] != _separator && span[_position] is not ((byte)'\n' or (byte)'\r'))
                {
                    throw new DataException($"unexpected text after a closing quote on line {LineOf(_position)} of '{_source}'");
                }
            }
            else
            {
                start = _position;
                int q = span[_position.._length].IndexOfAny(_stops);
                _position = q < 0 ? _length : _position + q;
                end = _position;
            }
            fields.Add((start, end));

            if (_position < _length && span[_position] == _separator)
            {
                _position++;
                continue;
            }
            // End of the row: a newline (LF or CRLF) or the end of the buffer.
            if (_position < _length && span[_position] == (byte)'\r') _position++;
            if (_position < _length && span[_position] == (byte)'\n') _position++;
            break;
        }
        if (expected >= 0 && fields.Count != expected)
        {
            throw new DataException(string.Create(CultureInfo.InvariantCulture,
                $"line {LineOf(rowStart)} of '{_source}' has {fields.Count} field{(fields.Count == 1 ? "" : "s")}; the header has {expected}"));
        }
    }

    private void SkipBlankLines()
    {
        while (_position < _length && _buffer[_position] is (byte)'\n' or (byte)'\r') _position++;
    }

    /// <summary>The most frequent of ',', ';' and tab outside quotes on the header line; ',' when none occurs.</summary>
    private char DetectSeparator()
    {
        int comma = 0, semicolon = 0, tab = 0;
        bool quoted = false;
        for (int i = _position; i < _length; i++)
        {
            byte b = _buffer[i];
            if (b == (byte)'"') quoted = !quoted;
            else if (!quoted && b == (byte)'\n') break;
            else if (!quoted && b == (byte)',') comma++;
            else if (!quoted && b == (byte)';') semicolon++;
            else if (!quoted && b == (byte)'\t') tab++;
        }
        if (tab > comma && tab >= semicolon) return '\t';
        if (semicolon > comma) return ';';
        return ',';
    }
}
