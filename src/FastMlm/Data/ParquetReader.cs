using System.Globalization;
using ParquetSharp;

namespace FastMlm.Data;

/// <summary>
/// Reads Parquet files with ParquetSharp (Apache Arrow's C++ reader), which read columns several times
/// faster than Parquet.Net here with far less allocation (perf-data/2026-11-22-parquet-load.md).
/// Only the columns asked for are read, one row group at a time, straight into the column arrays:
/// int32/int64/float/double as numbers (nulls missing), booleans as a factor with levels FALSE and TRUE
/// (R's logical), strings (plain or dictionary-encoded) as a factor with ordinally sorted levels, each
/// distinct value decoded once.
/// </summary>
public static class ParquetReader
{
    private const int BatchSize = 64 * 1024;

    /// <summary>Reads a Parquet file (the columns in <see cref="DataReadOptions.Columns"/>, or all).</summary>
    public static DataFrame ReadFile(string path, DataReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= DataReadOptions.Default;
        if (!File.Exists(path)) throw new DataException($"data file '{path}' not found");
        try
        {
            using var file = new ParquetFileReader(path);
            return Read(file, options, path);
        }
        catch (ParquetException e)
        {
            throw new DataException($"'{path}' is not a readable Parquet file: {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"cannot read '{path}': {FirstLine(e.Message)}", e);
        }
    }

    private static DataFrame Read(ParquetFileReader file, DataReadOptions options, string path)
    {
        var meta = file.FileMetaData;
        var schema = meta.Schema;
        var names = new string[schema.NumColumns];
        for (int i = 0; i < names.Length; i++) names[i] = schema.Column(i).Path.ToDotString();

        int[] selected = options.SelectColumns(names, path);

        long rows = meta.NumRows;
        if (rows > Array.MaxLength) throw new DataException($"'{path}' has {rows} rows, more than one column can hold");
        var builders = selected.Select(i => ColumnBuilder.For(schema.Column(i), names[i], (int)rows, options.Missing, path)).ToArray();
        int offset = 0;
        for (int g = 0; g < meta.NumRowGroups; g++)
        {
            using var rowGroup = file.RowGroup(g);
            int groupRows = checked((int)rowGroup.MetaData.NumRows);
            for (int k = 0; k < selected.Length; k++)
            {
                using var reader = rowGroup.Column(selected[k]);
                builders[k].ReadRowGroup(reader, offset, groupRows);
            }
            offset += groupRows;
        }
        return new DataFrame(builders.Select(b => b.Build()), path);
    }

    /// <summary>The readable part of a native Parquet error: the text inside "(message: '...')" when there is one, on one line.</summary>
    private static string FirstLine(string message)
    {
        const string marker = "(message: '";
        int m = message.IndexOf(marker, StringComparison.Ordinal);
        if (m >= 0)
        {
            int start = m + marker.Length;
            int end = message.IndexOf("')", start, StringComparison.Ordinal);
            message = end > start ? message[start..end] : message[start..];
        }
        if (message.StartsWith("Invalid: ", StringComparison.Ordinal)) message = message["Invalid: ".Length..];
        int nl = message.IndexOfAny(['\r', '\n']);
        return nl < 0 ? message : message[..nl];
    }

    /// <summary>Reads one column's values, row group after row group, into its final array.</summary>
    private abstract class ColumnBuilder
    {
        protected ColumnBuilder(string name, int rows, MissingValueCodes missing)
        {
            Name = name;
            Rows = rows;
            Missing = missing;
        }

        protected string Name { get; }

        protected int Rows { get; }

        protected MissingValueCodes Missing { get; }

        public abstract void ReadRowGroup(ColumnReader reader, int offset, int count);

        public abstract Column Build();

        public static ColumnBuilder For(ColumnDescriptor column, string name, int rows, MissingValueCodes missing, string path)
        {
            if (column.MaxRepetitionLevel > 0) throw Unsupported(name, "a repeated (list) column", path);
            var logical = column.LogicalType;
            return column.PhysicalType switch
            {
                PhysicalType.Double when logical is NoneLogicalType => new NumberBuilder<double>(name, rows, missing, static v => v),
                PhysicalType.Float when logical is NoneLogicalType => new NumberBuilder<float>(name, rows, missing, static v => v),
                PhysicalType.Int32 when logical is NoneLogicalType or IntLogicalType { IsSigned: true } => new NumberBuilder<int>(name, rows, missing, static v => v),
                PhysicalType.Int32 when logical is IntLogicalType => new NumberBuilder<int>(name, rows, missing, static v => (uint)v),
                PhysicalType.Int64 when logical is NoneLogicalType or IntLogicalType { IsSigned: true } => new NumberBuilder<long>(name, rows, missing, static v => v),
                PhysicalType.Int64 when logical is IntLogicalType => new NumberBuilder<long>(name, rows, missing, static v => (ulong)v),
                PhysicalType.Boolean => new BooleanBuilder(name, rows, missing),
                PhysicalType.ByteArray when logical is StringLogicalType or NoneLogicalType or EnumLogicalType => new TextBuilder(name, rows, missing),
                _ => throw Unsupported(name, $"{column.PhysicalType} ({logical})", path),
            };
        }

        private static DataException Unsupported(string name, string type, string path) =>
            new($"column '{name}' of '{path}' has type {type}, which FastMlm does not read (numbers, booleans and strings only)");
    }

    /// <summary>
    /// The read loop every column type shares: batches of definition levels and values from the physical
    /// reader, a null where the level is below the column's maximum, checked against the row group's size.
    /// </summary>
    private abstract class ColumnBuilder<T>(string name, int rows, MissingValueCodes missing)
        : ColumnBuilder(name, rows, missing) where T : unmanaged
    {
        private T[] _batch = [];
        private short[] _levels = [];

        /// <summary>Row <paramref name="row"/> is null.</summary>
        protected abstract void StoreNull(int row);

        /// <summary>Row <paramref name="row"/> holds <paramref name="value"/>.</summary>
        protected abstract void Store(int row, T value);

        public sealed override void ReadRowGroup(ColumnReader reader, int offset, int count)
        {
            var typed = (ColumnReader<T>)reader;
            if (_batch.Length == 0)
            {
                _batch = new T[BatchSize];
                _levels = new short[BatchSize];
            }
            short maxDef = (short)reader.ColumnDescriptor.MaxDefinitionLevel;
            int row = offset, end = offset + count;
            while (typed.HasNext)
            {
                long levels = typed.ReadBatch(BatchSize, _levels, [], _batch, out long valuesRead);
                if (row + levels > end) break;
                int v = 0;
                for (int i = 0; i < levels; i++)
                {
                    if (maxDef > 0 && _levels[i] < maxDef) StoreNull(row++);
                    else Store(row++, _batch[v++]);
                }
                if (v != valuesRead) throw new DataException($"column '{Name}' could not be read consistently (values and levels disagree)");
            }
            if (row != end) throw new DataException(string.Create(CultureInfo.InvariantCulture, $"column '{Name}' has {row - offset} values in a row group of {count} rows"));
        }
    }

    /// <summary>Numeric columns: nulls and user missing codes become NaN.</summary>
    private sealed class NumberBuilder<T>(string name, int rows, MissingValueCodes missing, Func<T, double> convert)
        : ColumnBuilder<T>(name, rows, missing) where T : unmanaged
    {
        private readonly double[] _values = new double[rows];

        protected override void StoreNull(int row) => _values[row] = double.NaN;

        protected override void Store(int row, T value)
        {
            double d = convert(value);
            _values[row] = Missing.IsMissingNumber(d) ? double.NaN : d;
        }

        public override Column Build() => new NumericColumn(Name, _values);
    }

    /// <summary>Boolean columns: a factor with levels FALSE and TRUE, as R reads a logical.</summary>
    private sealed class BooleanBuilder(string name, int rows, MissingValueCodes missing) : ColumnBuilder<bool>(name, rows, missing)
    {
        private readonly int[] _codes = new int[rows];

        protected override void StoreNull(int row) => _codes[row] = -1;

        protected override void Store(int row, bool value) => _codes[row] = value ? 1 : 0;

        public override Column Build() => new CategoricalColumn(Name, _codes, ["FALSE", "TRUE"]);
    }

    /// <summary>String columns: each distinct value decoded once, levels sorted ordinally at the end.</summary>
    private sealed class TextBuilder(string name, int rows, MissingValueCodes missing) : ColumnBuilder<ByteArray>(name, rows, missing)
    {
        private readonly int[] _codes = new int[rows];
        private readonly LevelTable _levels = new();

        protected override void StoreNull(int row) => _codes[row] = -1;

        protected override unsafe void Store(int row, ByteArray value)
        {
            var bytes = new ReadOnlySpan<byte>((void*)value.Pointer, value.Length);
            _codes[row] = Missing.IsMissingUtf8(bytes) ? -1 : _levels.InternUtf8(bytes);
        }

        public override Column Build() => _levels.Build(Name, _codes);
    }
}
