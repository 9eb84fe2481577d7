using System.Globalization;
using FastMlm.Data;
using FastMlm.Formulas;

namespace FastMlm.Design;

/// <summary>
/// The variables of a formula evaluated against the data, restricted to the rows the model uses: a row with
/// a missing value in any variable the formula uses is dropped (and counted), and categorical variables
/// keep only the levels still present, as lme4's model frame does.
/// </summary>
public sealed class ModelFrame
{
    private readonly Dictionary<string, Column> _variables;

    private ModelFrame(ModelFormula formula, DataFrame data, int[] rows, Dictionary<string, Column> variables, string? droppedNote,
        ScaleParameters scales)
    {
        Formula = formula;
        Data = data;
        Rows = rows;
        _variables = variables;
        DroppedNote = droppedNote;
        Scales = scales;
    }

    /// <summary>The formula.</summary>
    public ModelFormula Formula { get; }

    /// <summary>The data the frame was built from.</summary>
    public DataFrame Data { get; }

    /// <summary>
    /// Indices (zero-based) of the data rows the model uses, in data order: row <c>i</c> of every variable, of X and
    /// of the response is data row <c>Rows[i]</c>, so rows dropped for missing values are the indices not listed.
    /// </summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>Number of rows used.</summary>
    public int RowCount => Rows.Count;

    /// <summary>Number of data rows dropped for missing values.</summary>
    public int DroppedCount => Data.RowCount - Rows.Count;

    /// <summary>One line saying how many rows were dropped and for which variables; null when none were.</summary>
    public string? DroppedNote { get; }

    /// <summary>The centre and scale of each <c>scale()</c> call, as evaluated on <see cref="Data"/>.</summary>
    internal ScaleParameters Scales { get; }

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
    public static ModelFrame Build(DataFrame data, ModelFormula formula) => Build(data, formula, []);

    /// <summary>
    /// As <see cref="Build(DataFrame, ModelFormula)"/>, with further variables outside the formula (a weights column)
    /// evaluated and kept, and rows missing them dropped too.
    /// </summary>
    public static ModelFrame Build(DataFrame data, ModelFormula formula, IReadOnlyList<FormulaNode> extraVariables)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(extraVariables);

        // Variables that call cgm(), cwc() or gm() depend on the rows used, so they are evaluated once those are
        // known; until then only where they are missing counts, which is where a column they read is missing.
        var scales = new ScaleParameters();
        var full = new Dictionary<string, Column>(StringComparer.Ordinal);
        var deferred = new Dictionary<string, FormulaNode>(StringComparer.Ordinal);
        foreach (var node in VariablesOf(formula, response: true, random: true).Concat(extraVariables))
        {
            var label = node.ToString();
            if (full.ContainsKey(label)) continue;
            if (ExpressionEvaluator.UsesModelRows(node))
            {
                deferred[label] = node;
                var rowsMissing = ExpressionEvaluator.MissingRows(node, data);
                full[label] = new NumericColumn(label, rowsMissing.Select(m => m ? double.NaN : 0.0).ToArray()); // stands in until the rows are known
            }
            else
            {
                full[label] = ExpressionEvaluator.Evaluate(node, data, scales);
            }
        }

        int n = data.RowCount;
        var (rows, counts) = CompleteRows(full, n);
        int dropped = n - rows.Length;
        string? note = null;
        if (dropped > 0)
        {
            var detail = string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Label} {c.Count:N0}")));
            note = string.Create(CultureInfo.InvariantCulture, $"dropped {dropped:N0} of {n:N0} rows with missing values ({detail})");
        }
        if (rows.Length == 0)
        {
            throw new DataException(n == 0
                ? $"{Source(data)} has no data rows"
                : $"no rows left after dropping missing values: every one of the {n.ToString("N0", CultureInfo.InvariantCulture)} rows misses a value ({string.Join(", ", counts.Select(c => c.Label))})");
        }

        if (deferred.Count > 0)
        {
            var isUsed = new bool[n];
            foreach (int r in rows) isUsed[r] = true;
            foreach (var (label, node) in deferred) full[label] = ExpressionEvaluator.Evaluate(node, data, scales, isUsed);
        }
        var variables = new Dictionary<string, Column>(full.Count, StringComparer.Ordinal);
        foreach (var (label, column) in full)
        {
            variables[label] = Subset(column, rows, label, dropUnusedLevels: true);
        }
        return new ModelFrame(formula, data, rows, variables, note, scales);
    }

    /// <summary>
    /// The frame of new data for prediction from a model fitted to <paramref name="fitted"/>: the variables of the
    /// fixed part and the offsets, and with <paramref name="randomEffects"/> those of the random-effects terms and
    /// their grouping factors (the response is not needed), evaluated on <paramref name="newData"/> as on the
    /// fitted data — <c>scale()</c> by the fitted data's centre and scale, and every factor of a model matrix coded
    /// by the fitted frame's levels, so that X and the random-effects columns get the fitted columns and names.
    /// Rows missing any of these values are left out (<see cref="Rows"/> lists the others, and may be empty, which
    /// <see cref="Build(DataFrame, ModelFormula)"/> refuses). Grouping variables keep their own levels: a level the
    /// fitted data lack is a new group (<see cref="GroupingFactor.Match"/>).
    /// </summary>
    /// <exception cref="FastMlmException">
    /// A variable cannot be evaluated, is numeric in one data set and categorical in the other, has a non-finite value,
    /// or a factor of a model matrix has a level the fitted data lack (the message names the variable, the level and the row).
    /// </exception>
    public static ModelFrame BuildForNewData(DataFrame newData, ModelFrame fitted, bool randomEffects)
    {
        ArgumentNullException.ThrowIfNull(newData);
        ArgumentNullException.ThrowIfNull(fitted);
        var formula = fitted.Formula;
        var grouping = new HashSet<string>(StringComparer.Ordinal);
        var coded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in formula.Fixed.Terms) coded.UnionWith(t.Variables.Select(v => v.ToString()));
        if (randomEffects)
        {
            foreach (var re in formula.Random)
            {
                foreach (var t in re.Effects.Terms) coded.UnionWith(t.Variables.Select(v => v.ToString()));
                grouping.UnionWith(re.Grouping.Select(g => g.ToString()));
            }
        }

        var full = new Dictionary<string, Column>(StringComparer.Ordinal);
        foreach (var node in VariablesOf(formula, response: false, random: randomEffects))
        {
            var label = node.ToString();
            if (full.ContainsKey(label)) continue;
            var column = ExpressionEvaluator.Evaluate(node, newData, fitted.Scales);
            var trained = fitted._variables[label];
            if (coded.Contains(label) || !grouping.Contains(label)) column = CodeAs(column, trained, label, newData);
            full[label] = column;
        }

        var (rows, counts) = CompleteRows(full, newData.RowCount);
        string? note = null;
        if (rows.Length < newData.RowCount)
        {
            var detail = string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Label} {c.Count:N0}")));
            note = string.Create(CultureInfo.InvariantCulture,
                $"{newData.RowCount - rows.Length:N0} of {newData.RowCount:N0} rows of {Source(newData)} miss a value the prediction needs ({detail}); their predictions are NA");
        }
        var variables = new Dictionary<string, Column>(full.Count, StringComparer.Ordinal);
        foreach (var (label, column) in full)
        {
            variables[label] = Subset(column, rows, label, dropUnusedLevels: false);
        }
        return new ModelFrame(formula, newData, rows, variables, note, fitted.Scales);
    }

    /// <summary>
    /// A variable of new data coded as the fitted frame codes it: a number stays a number; a factor gets the fitted
    /// levels, matched by label (a number in the new data matches the level R would label it with).
    /// </summary>
    private static Column CodeAs(Column column, Column trained, string label, DataFrame newData)
    {
        if (trained is NumericColumn)
        {
            return column is NumericColumn
                ? column
                : throw new DataException($"'{label}' is numeric in the data the model was fitted to, but categorical in {Source(newData)}");
        }
        var factor = (CategoricalColumn)trained;
        var index = new Dictionary<string, int>(factor.LevelCount, StringComparer.Ordinal);
        for (int l = 0; l < factor.LevelCount; l++) index[factor.Levels[l]] = l;
        var codes = new int[column.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            if (column.IsMissing(i))
            {
                codes[i] = -1;
                continue;
            }
            string value = column.FormatValue(i);
            if (!index.TryGetValue(value, out codes[i]))
            {
                const int Shown = 10;
                var levels = string.Join(", ", factor.Levels.Take(Shown)) + (factor.LevelCount > Shown ? ", ..." : "");
                throw new DataException(string.Create(CultureInfo.InvariantCulture,
                    $"'{label}' has level '{value}' in row {i + 1} of {Source(newData)}, which the data the model was fitted to do not have (its levels: {levels})"));
            }
        }
        return new CategoricalColumn(label, codes, factor.Levels.ToArray());
    }

    /// <summary>The rows where no variable is missing, and how many rows miss each variable that misses any.</summary>
    private static (int[] Rows, List<(string Label, int Count)> Counts) CompleteRows(Dictionary<string, Column> variables, int n)
    {
        var missing = new bool[n];
        var counts = new List<(string Label, int Count)>();
        foreach (var (label, column) in variables)
        {
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                if (column.IsMissing(i))
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
        return (rows.ToArray(), counts);
    }

    /// <summary>
    /// Every variable node of the formula: the response parts (with <paramref name="response"/>), fixed-term
    /// variables, offsets, and (with <paramref name="random"/>) random-term variables and grouping variables.
    /// </summary>
    private static IEnumerable<FormulaNode> VariablesOf(ModelFormula formula, bool response, bool random)
    {
        if (response)
        {
            foreach (var r in ResponseParts(formula.Response)) yield return r;
        }
        foreach (var t in formula.Fixed.Terms)
        {
            foreach (var v in t.Variables) yield return v;
        }
        foreach (var o in formula.Offsets) yield return o;
        if (!random) yield break;
        foreach (var re in formula.Random)
        {
            foreach (var t in re.Effects.Terms)
            {
                foreach (var v in t.Variables) yield return v;
            }
            foreach (var g in re.Grouping) yield return g;
        }
    }

    /// <summary>
    /// The data columns new data must have for a prediction from <paramref name="formula"/>: those of the fixed part
    /// and the offsets, and with <paramref name="randomEffects"/> those of the random-effects terms and grouping factors.
    /// </summary>
    public static IReadOnlyList<string> NewDataColumns(ModelFormula formula, bool randomEffects)
    {
        ArgumentNullException.ThrowIfNull(formula);
        var names = new List<string>();
        foreach (var node in VariablesOf(formula, response: false, random: randomEffects)) ModelFormula.CollectIdentifiers(node, names);
        return names.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The response's variables: the arguments of <c>cbind(...)</c>, or the response expression itself.</summary>
    internal static IReadOnlyList<FormulaNode> ResponseParts(FormulaNode response) =>
        response is CallNode { Function: "cbind" } call ? call.Arguments : [response];

    /// <summary>
    /// A variable restricted to <paramref name="rows"/>; a factor keeps only the levels still present when
    /// <paramref name="dropUnusedLevels"/> (the fitted frame), else all of its levels (new data coded as the fitted frame).
    /// </summary>
    private static Column Subset(Column column, int[] rows, string label, bool dropUnusedLevels)
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
            case CategoricalColumn cat when !dropUnusedLevels:
            {
                var src = cat.Codes;
                var codes = new int[rows.Length];
                for (int k = 0; k < rows.Length; k++) codes[k] = src[rows[k]];
                return new CategoricalColumn(column.Name, codes, cat.Levels.ToArray());
            }
            case CategoricalColumn cat:
            {
                // Keep only the levels still present (lme4 drops unused levels), in their original order.
                var src = cat.Codes;
                var present = new bool[cat.LevelCount];
                foreach (int r in rows) present[src[r]] = true; // rows used have no missing code
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
