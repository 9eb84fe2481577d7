using System.Globalization;
using FastMlm.LinearAlgebra;

namespace FastMlm.Design;

/// <summary>
/// The fixed-effects model matrix X (dense, n × p) with lme4's column names. Columns that are linear
/// combinations of earlier ones are dropped, as lme4 drops them, and named in <see cref="RankNote"/>.
/// </summary>
public sealed class FixedDesign
{
    private readonly ModelFrame _frame;
    private readonly int[]? _kept;

    private FixedDesign(ModelFrame frame, int[]? kept, DenseMatrix x, string[] names, string[] terms, string[] dropped)
    {
        _frame = frame;
        _kept = kept;
        X = x;
        ColumnNames = names;
        ColumnTerms = terms;
        DroppedColumns = dropped;
    }

    /// <summary>The model matrix, column-major, aliased columns removed.</summary>
    public DenseMatrix X { get; }

    /// <summary>The column names, R's order (<c>(Intercept)</c>, <c>x</c>, <c>fB</c>, <c>x:fB</c>).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>For each column, the label of the formula term it codes (<c>(Intercept)</c>, <c>x</c>, <c>f</c>, <c>x:f</c>): the columns an F test of a term tests.</summary>
    public IReadOnlyList<string> ColumnTerms { get; }

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
        if (aliased.Length == 0) return new FixedDesign(frame, null, full.Matrix, full.Names, full.Terms, []);
        var keep = Enumerable.Range(0, full.Names.Length).Except(aliased).ToArray();
        return new FixedDesign(frame, keep, full.Matrix.SelectColumns(keep), keep.Select(j => full.Names[j]).ToArray(), keep.Select(j => full.Terms[j]).ToArray(), aliased.Select(j => full.Names[j]).ToArray());
    }

    /// <summary>
    /// X with factors coded by sum-to-zero contrasts instead of treatment contrasts (the same columns kept): the
    /// parametrisation in which type-III hypotheses are "the term's coefficients are zero".
    /// </summary>
    public DenseMatrix SumCodedX()
    {
        var full = ModelMatrixBuilder.Build(_frame, _frame.Formula.Fixed, sumContrasts: true);
        return _kept is null ? full.Matrix : full.Matrix.SelectColumns(_kept);
    }
}
