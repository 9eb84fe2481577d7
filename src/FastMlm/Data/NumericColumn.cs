namespace FastMlm.Data;

/// <summary>A numeric column. Missing values are stored as <see cref="double.NaN"/>.</summary>
public sealed class NumericColumn : Column
{
    private readonly double[] _values;

    /// <summary>Creates a numeric column over <paramref name="values"/> (taken, not copied); NaN marks a missing value.</summary>
    public NumericColumn(string name, double[] values) : base(name)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
    }

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <summary>The values; NaN where missing.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value in <paramref name="row"/> (NaN when missing).</summary>
    public double this[int row] => _values[row];

    /// <inheritdoc />
    public override bool IsMissing(int row) => double.IsNaN(_values[row]);

    /// <inheritdoc />
    public override string FormatValue(int row) => RNumberFormat.Format(_values[row]);
}
