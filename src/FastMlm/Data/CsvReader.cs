using System.Globalization;

namespace FastMlm.Data;

/// <summary>
/// Reads CSV files (RFC 4180: a header row, quoted fields with doubled quotes, separators and newlines
/// inside quotes, LF or CRLF, UTF-8 with or without a byte-order mark). The separator is given or detected
/// from the header (<c>,</c> <c>;</c> or tab). A column is numeric when every non-missing value parses as a
/// number in the invariant culture (as R's <c>read.csv</c>, quoted numbers too), otherwise categorical with
/// levels in ordinal order. Numbers are parsed from the UTF-8 bytes, with no string per cell; columns are
/// parsed in parallel.
/// </summary>
/// <remarks>
/// An empty header name becomes <c>X</c> (then <c>X.1</c>, ...), as in R; a repeated header name is an error.
/// Blank lines are skipped. Every malformed input is a <see cref="DataException"/> naming the file and line.
/// </remarks>
public static class CsvReader
{
    /// <summary>Reads a CSV file.</summary>
    public static DataFrame ReadFile(string path, DataReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new DataException($"data file '{path}' not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new DataException($"data file '{path}' not found");
        }
        catch (IOException e)
        {
            throw new DataException($"cannot read '{path}': {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataException($"cannot read '{path}': {e.Message}", e);
        }
        return Read(bytes, bytes.Length, options, path);
    }

    /// <summary>Reads CSV from a stream (read to its end).</summary>
    public static DataFrame Read(Stream stream, DataReadOptions? options = null, string source = "")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Read(memory.GetBuffer(), (int)memory.Length, options, source);
    }

    /// <summary>Reads CSV from text.</summary>
    public static DataFrame Parse(string text, DataReadOptions? options = null, string source = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return Read(bytes, bytes.Length, options, source);
    }

    private static DataFrame Read(byte[] buffer, int length, DataReadOptions? options, string source)
    {
        options ??= DataReadOptions.Default;
        var tokenizer = new CsvTokenizer(buffer, length, options.Separator, source);
        var header = UniqueNames(tokenizer.ReadHeader(), source);

        int[] selected = options.SelectColumns(header, source);

        int rows = tokenizer.ReadRows(header.Length, selected, out var starts, out var ends);
        var columns = new Column[selected.Length];
        Parallel.For(0, selected.Length, k =>
        {
            columns[k] = CsvColumnParser.Parse(header[selected[k]], buffer, starts[k].AsSpan(0, rows), ends[k].AsSpan(0, rows), options.Missing, tokenizer);
        });
        return new DataFrame(columns, source);
    }

    /// <summary>
    /// Names empty header fields as R does (<c>X</c>, <c>X.1</c>, ...: the first of these not already a column
    /// name) and rejects repeated names.
    /// </summary>
    private static string[] UniqueNames(string[] header, string source)
    {
        var taken = new HashSet<string>(header, StringComparer.Ordinal);
        int blanks = 0;
        for (int i = 0; i < header.Length; i++)
        {
            if (header[i].Length != 0) continue;
            string name;
            do
            {
                name = blanks++ == 0 ? "X" : string.Create(CultureInfo.InvariantCulture, $"X.{blanks - 1}");
            }
            while (!taken.Add(name));
            header[i] = name;
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++)
        {
            if (!seen.TryAdd(header[i], i))
            {
                throw new DataException(string.Create(CultureInfo.InvariantCulture,
                    $"column name '{header[i]}' appears twice in the header of '{source}' (columns {seen[header[i]] + 1} and {i + 1})"));
            }
        }
        return header;
    }
}
