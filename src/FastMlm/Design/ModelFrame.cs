using System.Globalization;
using FastMlm.Data;
using FastMlm.Formulas;

namespace FastMlm.Design;

/// <summary>
/// The variables of a formula evaluated against the data, restricted to the rows the model uses: a row with
/// a missing value in any variable the formula uses is dropped (and counted), and categorical variables
/// keep only the levels still present, as lme4's model frame does. The centering functions <c>cgm()</c>,
/// <c>cwc()</c> and <c>gm()</c> take their means over the rows used, after that drop (unlike <c>scale()</c>,
/// which as in R uses every row where its argument is present).
/// </summary>
public sealed class ModelFrame
{
    private readonly Dictionary<string, Column> _variables;

    private ModelFrame(ModelFormula formula, DataFrame data, int[] rows, Dictionary<string, Column> variables, string? droppedNote)
    {
        Formula = formula;
        Data = data;
        Rows = rows;
        _variables = variables;
        DroppedNote = droppedNote;
    }

    /// <summary>The formula.</summary>
    public ModelFormula Formula { get; }

    /// <summary>The data the frame was built from.</summary>
    public DataFrame Data { get; }

    /// <summary>Indices (zero-based) of the data rows the model uses, in data order.</summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>Number of rows used.</summary>
    public int RowCount => Rows.Count;

    /// <summary>Number of data rows dropped for missing values.</summary>
    public int DroppedCount => Data.RowCount - Rows.Count;

    /// <summary>One line saying how many rows were dropped and for which variables; null when none were.</summary>
    public string? DroppedNote { get; }

    /// <summary>The variable with deparsed label <paramref name="label"/>, restricted to the rows used.</summary>
    public Column this[string label] => _variables[label];

    /// <summary>The variable for a formula node, restricted to the rows used.</summary>
    public Column Variable(FormulaNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _variables[node.ToString()];
    }

    /// <summary>
    /// Evaluates every variable of <paramref name="formula"/> against <paramref name="data"/> and keeps the
    /// rows where none is missing.
    /// </summary>
    /// <exception cref="FastMlmException">A variable cannot be evaluated, no row is complete, or a used value is not finite.</exception>
    public static ModelFrame Build(DataFrame data, ModelFormula formula)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(formula);

        // Variables that call cgm(), cwc() or gm() depend on the rows used, so they are evaluated once those are
        // known; until then only where they are missing counts, which is where a column they read is missing.
        var full = new Dictionary<string, Column>(StringComparer.Ordinal);
        var deferred = new Dictionary<string, FormulaNode>(StringComparer.Ordinal);
        var missingOf = new List<(string Label, Func<int, bool> IsMissing)>();
        foreach (var node in VariablesOf(formula))
        {
            var label = node.ToString();
            if (full.ContainsKey(label) || deferred.ContainsKey(label)) continue;
            if (ExpressionEvaluator.UsesModelRows(node))
            {
                deferred[label] = node;
                var rowsMissing = ExpressionEvaluator.MissingRows(node, data);
                missingOf.Add((label, i => rowsMissing[i]));
            }
            else
            {
                var column = ExpressionEvaluator.Evaluate(node, data);
                full[label] = column;
                missingOf.Add((label, column.IsMissing));
            }
        }

        int n = data.RowCount;
        var missing = new bool[n];
        var counts = new List<(string Label, int Count)>();
        foreach (var (label, isMissing) in missingOf)
        {
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                if (isMissing(i))
                {
                    missing[i] = true;
                    count++;
                }
            }
            if (count > 0) counts.Add((label, count));
        }

        var rows = new List<int>(n);
        for (int i = 0; i < n; i++)
        {
            if (!missing[i]) rows.Add(i);
        }
        int dropped = n - rows.Count;
        string? note = null;
        if (dropped > 0)
        {
            var detail = string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Label} {c.Count:N0}")));
            note = string.Create(CultureInfo.InvariantCulture, $"dropped {dropped:N0} of {n:N0} rows with missing values ({detail})");
        }
        if (rows.Count == 0)
        {
            throw new DataException(n == 0
                ? $"{Source(data)} has no data rows"
                : $"no rows left after dropping missing values: every one of the {n.ToString("N0", CultureInfo.InvariantCulture)} rows misses a value ({string.Join(", ", counts.Select(c => c.Label))})");
        }

        var used = rows.ToArray();
        if (deferred.Count > 0)
        {
            var isUsed = new bool[n];
            foreach (int r in used) isUsed[r] = true;
            foreach (var (label, node) in deferred) full[label] = ExpressionEvaluator.Evaluate(node, data, isUsed);
        }
        var variables = new Dictionary<string, Column>(full.Count, StringComparer.Ordinal);
        foreach (var (label, column) in full)
        {
            variables[label] = Subset(column, used, label);
        }
        return new ModelFrame(formula, data, used, variables, note);
    }

    /// <summary>Every variable node of the formula: response parts, fixed-term variables, offsets, random-term variables and grouping variables.</summary>
    private static IEnumerable<FormulaNode> VariablesOf(ModelFormula formula)
    {
        foreach (var r in ResponseParts(formula.Response)) yield return r;
        foreach (var t in formula.Fixed.Terms)
        {
            foreach (var v in t.Variables) yield return v;
        }
        foreach (var o in formula.Offsets) yield return o;
        foreach (var re in formula.Random)
        {
            foreach (var t in re.Effects.Terms)
            {
                foreach (var v in t.Variables) yield return v;
            }
            foreach (var g in re.Grouping) yield return g;
        }
    }

    /// <summary>The response's variables: the arguments of <c>cbind(...)</c>, or the response expression itself.</summary>
    internal static IReadOnlyList<FormulaNode> ResponseParts(FormulaNode response) =>
        response is CallNode { Function: "cbind" } call ? call.Arguments : [response];

    private static Column Subset(Column column, int[] rows, string label)
    {
        switch (column)
        {
            case NumericColumn num:
            {
                var src = num.Values;
                var values = new double[rows.Length];
                for (int k = 0; k < rows.Length; k++)
                {
                    double v = src[rows[k]];
                    if (!double.IsFinite(v))
                    {
                        throw new DataException(string.Create(CultureInfo.InvariantCulture,
                            $"'{label}' has a non-finite value ({RNumberFormat.Format(v)}) in data row {rows[k] + 1}"));
                    }
                    values[k] = v;
                }
                return new NumericColumn(column.Name, values);
            }
            case CategoricalColumn cat:
            {
                // Keep only the levels still present (lme4 drops unused levels), in their original order.
                var src = cat.Codes;
                var present = new bool[cat.LevelCount];
                foreach (int r in rows) present[src[r]] = true;
                var remap = new int[cat.LevelCount];
                var levels = new List<string>(cat.LevelCount);
                for (int l = 0; l < cat.LevelCount; l++)
                {
                    remap[l] = present[l] ? levels.Count : -1;
                    if (present[l]) levels.Add(cat.Levels[l]);
                }
                var codes = new int[rows.Length];
                for (int k = 0; k < rows.Length; k++) codes[k] = remap[src[rows[k]]];
                return new CategoricalColumn(column.Name, codes, levels.ToArray());
            }
            default:
                throw new InvalidOperationException($"unexpected column type {column.GetType().Name}");
        }
    }

    private static string Source(DataFrame data) => string.IsNullOrEmpty(data.Source) ? "the data" : $"'{data.Source}'";
}
