namespace FastMlm.LinearAlgebra;

/// <summary>
/// A dense matrix stored column by column (column-major, as BLAS and LAPACK expect): column <c>j</c> is
/// the contiguous span <c>Data[j*Rows .. (j+1)*Rows)</c>, so the kernels that build cross-products
/// stream whole columns.
/// </summary>
public sealed class DenseMatrix
{
    /// <summary>Creates a zero matrix of the given shape.</summary>
    public DenseMatrix(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        Data = new double[checked(rows * columns)];
    }

    /// <summary>Wraps column-major <paramref name="data"/> (taken, not copied).</summary>
    public DenseMatrix(int rows, int columns, double[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)rows * columns) throw new ArgumentException("data length does not match the shape", nameof(data));
        Rows = rows;
        Columns = columns;
        Data = data;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>The elements, column-major.</summary>
    public double[] Data { get; }

    /// <summary>Element (i, j).</summary>
    public double this[int i, int j]
    {
        get => Data[(j * Rows) + i];
        set => Data[(j * Rows) + i] = value;
    }

    /// <summary>Column <paramref name="j"/> as a span.</summary>
    public Span<double> Column(int j) => Data.AsSpan(j * Rows, Rows);

    /// <summary>A new matrix made of the listed columns, in that order.</summary>
    public DenseMatrix SelectColumns(IReadOnlyList<int> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var m = new DenseMatrix(Rows, columns.Count);
        for (int k = 0; k < columns.Count; k++) Column(columns[k]).CopyTo(m.Column(k));
        return m;
    }
}
