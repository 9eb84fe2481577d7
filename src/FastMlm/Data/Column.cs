namespace FastMlm.Data;

/// <summary>
/// One named column of a <see cref="DataFrame"/>: numeric (<see cref="NumericColumn"/>) or
/// categorical (<see cref="CategoricalColumn"/>). Missing values are part of the column.
/// </summary>
public abstract class Column
{
    private protected Column(string name) => Name = name;

    /// <summary>The column name as it appears in the data (the header).</summary>
    public string Name { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Length { get; }

    /// <summary>Whether the value in <paramref name="row"/> is missing.</summary>
    public abstract bool IsMissing(int row);

    /// <summary>Number of missing values.</summary>
    public int MissingCount
    {
        get
        {
            int n = 0;
            for (int i = 0; i < Length; i++)
            {
                if (IsMissing(i)) n++;
            }
            return n;
        }
    }

    /// <summary>The value in <paramref name="row"/> as text (R's formatting for numbers; "NA" when missing).</summary>
    public abstract string FormatValue(int row);
}
