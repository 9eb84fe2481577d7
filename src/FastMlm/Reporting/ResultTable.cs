using System.Globalization;
using System.Text;
using System.Text.Json;
using ParquetSharp;

namespace FastMlm.Reporting;

/// <summary>
/// A rectangular result (predictions, residuals, random effects) with named columns of text, integers or numbers,
/// written as CSV, JSON, Parquet or aligned text. A NaN number is a missing value: <c>NA</c> in CSV and text, null in
/// JSON and Parquet.
/// </summary>
public sealed class ResultTable
{
    private readonly List<(string Name, object Values)> _columns = [];

    /// <summary>Number of rows (that of the first column; every column has it).</summary>
    public int RowCount { get; private set; }

    /// <summary>The column names, in order.</summary>
    public IEnumerable<string> ColumnNames => _columns.Select(c => c.Name);

    /// <summary>Adds a text column.</summary>
    public ResultTable Add(string name, IReadOnlyList<string> values) => AddColumn(name, values, values?.Count);

    /// <summary>Adds an integer column.</summary>
    public ResultTable Add(string name, IReadOnlyList<int> values) => AddColumn(name, values, values?.Count);

    /// <summary>Adds a number column (NaN is missing).</summary>
    public ResultTable Add(string name, IReadOnlyList<double> values) => AddColumn(name, values, values?.Count);

    private ResultTable AddColumn(string name, object? values, int? count)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        if (_columns.Count == 0) RowCount = count!.Value;
        else if (count != RowCount) throw new ArgumentException($"column '{name}' has {count} rows, the table {RowCount}", nameof(values));
        if (_columns.Any(c => c.Name == name)) throw new ArgumentException($"column '{name}' is already in the table", nameof(name));
        _columns.Add((name, values));
        return this;
    }

    /// <summary>
    /// CSV (RFC 4180, comma-separated, a header line): numbers in the invariant culture with the fewest digits that
    /// read back to the same double, missing numbers as <c>NA</c>, text quoted when it holds a comma, quote or line break.
    /// </summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(string.Join(",", _columns.Select(c => CsvText(c.Name))));
        writer.Write('\n');
        var line = new StringBuilder();
        for (int i = 0; i < RowCount; i++)
        {
            line.Clear();
            for (int c = 0; c < _columns.Count; c++)
            {
                if (c > 0) line.Append(',');
                line.Append(_columns[c].Values switch
                {
                    IReadOnlyList<string> text => CsvText(text[i]),
                    IReadOnlyList<int> ints => ints[i].ToString(CultureInfo.InvariantCulture),
                    IReadOnlyList<double> numbers => RoundTrip(numbers[i]),
                    _ => throw new InvalidOperationException(),
                });
            }
            line.Append('\n');
            writer.Write(line);
        }
    }

    /// <summary>The rows as a JSON array of objects, one property per column (missing numbers null).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        for (int i = 0; i < RowCount; i++)
        {
            writer.WriteStartObject();
            foreach (var (name, values) in _columns)
            {
                switch (values)
                {
                    case IReadOnlyList<string> text:
                        writer.WriteString(name, text[i]);
                        break;
                    case IReadOnlyList<int> ints:
                        writer.WriteNumber(name, ints[i]);
                        break;
                    case IReadOnlyList<double> numbers:
                        if (double.IsFinite(numbers[i])) writer.WriteNumber(name, numbers[i]);
                        else writer.WriteNull(name);
                        break;
                }
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>
    /// Plain aligned text for reading (also when redirected): a header line, then one line per row; text left-aligned,
    /// numbers right-aligned with one number of decimals per column, enough for its largest value to show
    /// <paramref name="digits"/> significant digits; missing as <c>NA</c>.
    /// </summary>
    public string ToText(int digits = 6)
    {
        var cells = new List<(string[] Cells, bool Right)>();
        foreach (var (name, values) in _columns)
        {
            string[] column = values switch
            {
                IReadOnlyList<string> text => text.ToArray(),
                IReadOnlyList<int> ints => ints.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray(),
                IReadOnlyList<double> numbers => FormatNumbers(numbers, digits),
                _ => throw new InvalidOperationException(),
            };
            cells.Add(([name, .. column], values is not IReadOnlyList<string>));
        }
        var widths = cells.Select(c => c.Cells.Max(s => s.Length)).ToArray();
        var sb = new StringBuilder();
        var line = new StringBuilder();
        for (int r = 0; r <= RowCount; r++)
        {
            line.Clear();
            for (int c = 0; c < cells.Count; c++)
            {
                if (c > 0) line.Append("  ");
                string cell = cells[c].Cells[r];
                line.Append(cells[c].Right ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            }
            sb.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Writes the table to a Parquet file (one row group): text as UTF-8 strings, integers as int32, numbers as
    /// optional doubles (missing values null).
    /// </summary>
    public void WriteParquet(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var schema = _columns.Select(c => c.Values switch
        {
            IReadOnlyList<string> => (Column)new Column<string>(c.Name),
            IReadOnlyList<int> => new Column<int>(c.Name),
            IReadOnlyList<double> => new Column<double?>(c.Name),
            _ => throw new InvalidOperationException(),
        }).ToArray();
        using var writer = new ParquetFileWriter(path, schema);
        using (var group = writer.AppendRowGroup())
        {
            foreach (var (_, values) in _columns)
            {
                using var column = group.NextColumn();
                switch (values)
                {
                    case IReadOnlyList<string> text:
                    {
                        using var w = column.LogicalWriter<string>();
                        w.WriteBatch(text.ToArray());
                        break;
                    }
                    case IReadOnlyList<int> ints:
                    {
                        using var w = column.LogicalWriter<int>();
                        w.WriteBatch(ints.ToArray());
                        break;
                    }
                    case IReadOnlyList<double> numbers:
                    {
                        using var w = column.LogicalWriter<double?>();
                        w.WriteBatch(numbers.Select(v => double.IsNaN(v) ? (double?)null : v).ToArray());
                        break;
                    }
                }
            }
        }
        writer.Close();
    }

    /// <summary>
    /// A column's numbers with one number of decimals: enough for the largest magnitude to show
    /// <paramref name="digits"/> significant digits (so smaller values show fewer), at most 12; missing as <c>NA</c>.
    /// </summary>
    private static string[] FormatNumbers(IReadOnlyList<double> numbers, int digits)
    {
        double max = 0;
        foreach (double v in numbers)
        {
            if (double.IsFinite(v)) max = Math.Max(max, Math.Abs(v));
        }
        int decimals = max == 0 ? digits - 1 : Math.Clamp(digits - 1 - (int)Math.Floor(Math.Log10(max)), 0, 12);
        string format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        var result = new string[numbers.Count];
        for (int i = 0; i < result.Length; i++)
        {
            double v = numbers[i];
            result[i] = double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture)
                : double.IsNaN(v) ? "NA" : v > 0 ? "Inf" : "-Inf";
            if (result[i].StartsWith('-') && result[i].AsSpan(1).TrimStart("0.").IsEmpty) result[i] = result[i][1..]; // no "-0.000"
        }
        return result;
    }

    private static string RoundTrip(double value) =>
        double.IsNaN(value) ? "NA"
        : double.IsPositiveInfinity(value) ? "Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string CsvText(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
