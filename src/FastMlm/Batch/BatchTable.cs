using FastMlm.Data;
using ParquetSharp;

namespace FastMlm.Batch;

/// <summary>The batch output table in Parquet: <c>id</c> (string), <c>converged</c> (bool), one double column per value (null for NA), <c>messages</c> and <c>error</c> (strings).</summary>
internal static class BatchTable
{
    /// <summary>Writes the rows of a journal (read as a data frame) to a Parquet file, in row groups of 65,536 rows.</summary>
    public static void WriteParquet(string path, DataFrame journal, IReadOnlyList<string> columns)
    {
        var schema = new List<ParquetSharp.Column> { new Column<string>("id"), new Column<bool?>("converged") };
        schema.AddRange(columns.Select(c => (ParquetSharp.Column)new Column<double?>(c)));
        schema.Add(new Column<string>("messages"));
        schema.Add(new Column<string>("error"));
        using var writer = new ParquetFileWriter(path, schema.ToArray());
        int n = journal.RowCount;
        const int GroupRows = 65_536;
        for (int start = 0; start < n || (n == 0 && start == 0); start += GroupRows)
        {
            int count = Math.Min(GroupRows, n - start);
            using var group = writer.AppendRowGroup();
            using (var w = group.NextColumn().LogicalWriter<string?>()) w.WriteBatch(Texts(journal["id"], start, count));
            using (var w = group.NextColumn().LogicalWriter<bool?>())
            {
                w.WriteBatch(Texts(journal["converged"], start, count).Select(t => t is null ? (bool?)null : t == "TRUE").ToArray());
            }
            foreach (var c in columns)
            {
                var col = journal[c];
                var values = new double?[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = col is NumericColumn num && !num.IsMissing(start + i) ? num[start + i] : null;
                }
                using var w = group.NextColumn().LogicalWriter<double?>();
                w.WriteBatch(values);
            }
            using (var w = group.NextColumn().LogicalWriter<string?>()) w.WriteBatch(Texts(journal["messages"], start, count));
            using (var w = group.NextColumn().LogicalWriter<string?>()) w.WriteBatch(Texts(journal["error"], start, count));
            if (n == 0) break;
        }
        writer.Close();
    }

    private static string?[] Texts(Data.Column column, int start, int count)
    {
        var result = new string?[count];
        for (int i = 0; i < count; i++) result[i] = column.IsMissing(start + i) ? null : column.FormatValue(start + i);
        return result;
    }
}
