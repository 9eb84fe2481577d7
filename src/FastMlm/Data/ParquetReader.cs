namespace FastMlm.Data;

/// <summary>Reads Parquet files.</summary>
public static class ParquetReader
{
    /// <summary>Reads a Parquet file.</summary>
    public static DataFrame ReadFile(string path, DataReadOptions? options = null) =>
        throw new DataException($"cannot read '{path}': Parquet input is not available in this build");
}
