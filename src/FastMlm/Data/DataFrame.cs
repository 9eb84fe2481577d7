namespace FastMlm.Data;

/// <summary>
/// A table of named, typed columns of equal length: what every reader produces and every model reads.
/// Column names are unique and case-sensitive, as in R.
/// </summary>
public sealed class DataFrame
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, Column> _byName;

    /// <summary>Creates a data frame; every column must have the same length and a distinct name.</summary>
    /// <param name="columns">The columns, in order.</param>
    /// <param name="source">Where the data came from (a file path or a built-in name), for messages.</param>
    public DataFrame(IEnumerable<Column> columns, string source = "")
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.ToArray();
        Source = source;
        _byName = new Dictionary<string, Column>(_columns.Length, StringComparer.Ordinal);
        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
        foreach (var c in _columns)
        {
            if (c.Length != RowCount)
            {
                throw new DataException($"column '{c.Name}' has {c.Length} rows, but '{_columns[0].Name}' has {RowCount}");
            }
            if (!_byName.TryAdd(c.Name, c))
            {
                throw new DataException($"column name '{c.Name}' appears more than once");
            }
        }
    }

    /// <summary>Where the data came from (a file path or a built-in data set's name).</summary>
    public string Source { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<Column> Columns => _columns;

    /// <summary>The column names, in order.</summary>
    public IEnumerable<string> ColumnNames => _columns.Select(c => c.Name);

    /// <summary>Whether a column of that exact name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks a column up by its exact name.</summary>
    public bool TryGetColumn(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Column? column)
        => _byName.TryGetValue(name, out column);

    /// <summary>
    /// The column of that exact name; a <see cref="DataException"/> naming the column, and the nearest
    /// existing name, when there is none.
    /// </summary>
    public Column this[string name]
    {
        get
        {
            if (_byName.TryGetValue(name, out var c)) return c;
            throw new DataException(UnknownColumnMessage(name));
        }
    }

    /// <summary>The one-line message for a column that does not exist, with the nearest name as a suggestion.</summary>
    public string UnknownColumnMessage(string name) => UnknownColumnMessage(name, ColumnNames, Source);

    /// <summary>
    /// The one-line message for a column <paramref name="name"/> that is not among <paramref name="available"/>
    /// in <paramref name="source"/>, with the nearest name as a suggestion. Readers that load only some
    /// columns use it to report a requested column the file lacks.
    /// </summary>
    public static string UnknownColumnMessage(string name, IEnumerable<string> available, string source)
    {
        var nearest = NameSuggestions.Nearest(name, available);
        var where = string.IsNullOrEmpty(source) ? "the data" : $"'{source}'";
        return nearest is null
            ? $"unknown column '{name}': {where} has no such column"
            : $"unknown column '{name}' in {where}; did you mean '{nearest}'?";
    }

    /// <summary>The rows <paramref name="rows"/> (zero-based, in the order given) as a new data frame; factors keep their levels.</summary>
    public DataFrame SelectRows(IReadOnlyList<int> rows, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = new Column[_columns.Length];
        for (int c = 0; c < _columns.Length; c++)
        {
            columns[c] = _columns[c] switch
            {
                NumericColumn num => new NumericColumn(num.Name, rows.Select(r => num[r]).ToArray()),
                CategoricalColumn cat => new CategoricalColumn(cat.Name, rows.Select(r => cat.Codes[r]).ToArray(), cat.Levels.ToArray()),
                var other => throw new InvalidOperationException($"column type {other.GetType().Name} cannot be subset"),
            };
        }
        return new DataFrame(columns, source ?? Source);
    }
}
