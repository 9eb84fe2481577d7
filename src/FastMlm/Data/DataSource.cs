namespace FastMlm.Data;

/// <summary>
/// Loads a data set from a file (CSV or Parquet, by extension) or, when no file of that name exists,
/// from the built-in data sets: <c>--data sleepstudy</c> works anywhere.
/// </summary>
public static class DataSource
{
    /// <summary>Loads <paramref name="fileOrName"/>: a CSV/TSV file, a Parquet file (<c>.parquet</c>, <c>.pq</c>), or a built-in data set's name.</summary>
    public static DataFrame Load(string fileOrName, DataReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileOrName);
        if (File.Exists(fileOrName))
        {
            return IsParquet(fileOrName)
                ? ParquetReader.ReadFile(fileOrName, options)
                : CsvReader.ReadFile(fileOrName, options);
        }
        if (Directory.Exists(fileOrName))
        {
            throw new DataException($"'{fileOrName}' is a directory, not a data file");
        }
        if (BuiltInData.Contains(fileOrName))
        {
            return BuiltInData.Load(fileOrName, options);
        }
        throw new DataException(BuiltInData.UnknownMessage(fileOrName));
    }

    /// <summary>Whether the path names a Parquet file by its extension.</summary>
    public static bool IsParquet(string path) =>
        path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pq", StringComparison.OrdinalIgnoreCase);
}
