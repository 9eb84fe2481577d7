using System.Globalization;
using FastMlm.LinearAlgebra;

namespace FastMlm.Design;

/// <summary>
/// The fixed-effects model matrix X (dense, n × p) with lme4's column names. Columns that are linear
/// combinations of earlier ones are dropped, as lme4 drops them, and named in <see cref="RankNote"/>.
/// </summary>
public sealed class FixedDesign
{
    private FixedDesign(DenseMatrix x, string[] names, string[] dropped)
    {
        X = x;
        ColumnNames = names;
        DroppedColumns = dropped;
    }

    /// <summary>The model matrix, column-major, aliased columns removed.</summary>
    public DenseMatrix X { get; }

    /// <summary>The column names, R's order (<c>(Intercept)</c>, <c>x</c>, <c>fB</c>, <c>x:fB</c>).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The columns dropped because they are linear combinations of earlier columns.</summary>
    public IReadOnlyList<string> DroppedColumns { get; }

    /// <summary>Number of columns (p).</summary>
    public int ColumnCount => X.Columns;

    /// <summary>A one-line note naming the dropped columns; null when X has full column rank.</summary>
    public string? RankNote => DroppedColumns.Count == 0
        ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"fixed-effect model matrix is rank deficient, so dropping {DroppedColumns.Count} column{(DroppedColumns.Count == 1 ? "" : "s")}: {string.Join(", ", DroppedColumns)}");

    /// <summary>Builds X from the fixed part of the frame's formula.</summary>
    public static FixedDesign Build(ModelFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var full = ModelMatrixBuilder.Build(frame, frame.Formula.Fixed);
        var aliased = LimitedPivotQr.AliasedColumns(full.Matrix);
        if (aliased.Length == 0) return new FixedDesign(full.Matrix, full.Names, []);
        var keep = Enumerable.Range(0, full.Names.Length).Except(aliased).ToArray();
        return new FixedDesign(full.Matrix.SelectColumns(keep), keep.Select(j => full.Names[j]).ToArray(), aliased.Select(j => full.Names[j]).ToArray());
    }
}
