using System.Globalization;
using ParquetSharp;

namespace FastMlm.Data;

/// <summary>
/// Writes a data frame so that <see cref="CsvReader"/> and <see cref="ParquetReader"/> read back the same frame: CSV
/// with numbers in their shortest round-trip form and missing values as <c>NA</c>, or Parquet with numbers as doubles
/// (optional only when some are missing) and categories as strings, in row groups of about a million rows.
/// </summary>
internal static class DataFrameWriter
{
    private const int RowGroup = 1 << 20;

    /// <summary>RFC 4180 CSV, comma-separated, a header line; text quoted when it holds a comma, quote or line break.</summary>
    public static void WriteCsv(DataFrame frame, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(writer);
        var columns = frame.Columns;
        for (int c = 0; c < columns.Count; c++)
        {
            if (c > 0) writer.Write(',');
            writer.Write(Quote(columns[c].Name));
        }
        writer.Write('\n');
        var quoted = columns.Select(c => c is CategoricalColumn k ? k.Levels.Select(Quote).ToArray() : []).ToArray();
        Span<char> number = stackalloc char[32];
        for (int r = 0; r < frame.RowCount; r++)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0) writer.Write(',');
                switch (columns[c])
                {
                    case NumericColumn n:
                        double v = n[r];
                        if (double.IsNaN(v)) writer.Write("NA");
                        else if (v.TryFormat(number, out int length, "R", CultureInfo.InvariantCulture)) writer.Write(number[..length]);
                        else writer.Write(v.ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case CategoricalColumn k:
                        int code = k.Codes[r];
                        writer.Write(code < 0 ? "NA" : quoted[c][code]);
                        break;
                    default:
                        writer.Write(columns[c].FormatValue(r));
                        break;
                }
            }
            writer.Write('\n');
        }
    }

    /// <summary>A Parquet file: numeric columns as doubles, categorical columns as strings (null where missing).</summary>
    public static void WriteParquet(DataFrame frame, string path)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(path);
        var schema = frame.Columns.Select(c => c switch
        {
            NumericColumn n when n.MissingCount > 0 => (ParquetSharp.Column)new Column<double?>(c.Name),
            NumericColumn => new Column<double>(c.Name),
            _ => new Column<string>(c.Name),
        }).ToArray();
        using var writer = new ParquetFileWriter(path, schema);
        int groups = Math.Max(1, (frame.RowCount + RowGroup - 1) / RowGroup); // an empty frame still has its schema in one group
        for (int g = 0; g < groups; g++)
        {
            int start = g * RowGroup;
            int count = Math.Min(RowGroup, frame.RowCount - start);
            using var group = writer.AppendRowGroup();
            foreach (var column in frame.Columns)
            {
                using var next = group.NextColumn();
                switch (column)
                {
                    case NumericColumn n when n.MissingCount > 0:
                    {
                        var values = new double?[count];
                        for (int i = 0; i < count; i++) values[i] = double.IsNaN(n[start + i]) ? null : n[start + i];
                        using var w = next.LogicalWriter<double?>();
                        w.WriteBatch(values);
                        break;
                    }
                    case NumericColumn n:
                    {
                        using var w = next.LogicalWriter<double>();
                        w.WriteBatch(n.Values.Slice(start, count));
                        break;
                    }
                    default:
                    {
                        var values = new string?[count];
                        for (int i = 0; i < count; i++) values[i] = column.IsMissing(start + i) ? null : column.FormatValue(start + i);
                        using var w = next.LogicalWriter<string?>();
                        w.WriteBatch(values);
                        break;
                    }
                }
            }
        }
        writer.Close();
    }

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
