using FastMlm.Data;

namespace FastMlm.Formulas;

/// <summary>
/// The centering functions of multilevel models: <c>cgm(x)</c>, grand-mean centering (<c>x</c> minus its mean);
/// <c>cwc(x, g)</c>, centering within cluster (<c>x</c> minus its mean in the row's level of <c>g</c>); <c>gm(x, g)</c>,
/// that group mean itself, a level-2 covariate. <c>g</c> is a column, numeric or categorical, or an interaction of
/// columns (<c>a:b</c>); its levels are the levels a random-effects term <c>(1 | g)</c> would have. The means are over
/// the rows the model uses, which only the model frame knows: it finds the rows first (<see cref="MissingRows"/>) and
/// evaluates these functions afterwards.
/// </summary>
public static partial class ExpressionEvaluator
{
    /// <summary>Whether <paramref name="function"/> is <c>cgm</c>, <c>cwc</c> or <c>gm</c>.</summary>
    internal static bool IsCentering(string function) => function is "cgm" or "cwc" or "gm";

    /// <summary>Whether <paramref name="node"/> calls a centering function, so that its values depend on which rows the model uses.</summary>
    internal static bool UsesModelRows(FormulaNode node) => node switch
    {
        CallNode c => IsCentering(c.Function) || c.Arguments.Any(UsesModelRows),
        BinaryNode b => UsesModelRows(b.Left) || UsesModelRows(b.Right),
        UnaryNode u => UsesModelRows(u.Operand),
        ParenNode p => UsesModelRows(p.Inner),
        _ => false,
    };

    /// <summary>
    /// The data rows where <paramref name="node"/> is missing, found without evaluating it: those where a column it
    /// reads is missing, since every operation keeps a missing value missing and gives no other (a finite input with
    /// a non-finite result is an error, not a missing value). Checks that the columns exist and that the centering
    /// functions have the right arguments.
    /// </summary>
    internal static bool[] MissingRows(FormulaNode node, DataFrame data)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(data);
        var missing = new bool[data.RowCount];
        MarkMissing(node, data, missing);
        return missing;
    }

    private static void MarkMissing(FormulaNode node, DataFrame data, bool[] missing)
    {
        switch (node)
        {
            case Identifier id:
            {
                var column = Lookup(id, data);
                for (int i = 0; i < missing.Length; i++)
                {
                    if (column.IsMissing(i)) missing[i] = true;
                }
                break;
            }
            case CallNode c:
                if (IsCentering(c.Function)) CheckCenteringArguments(c, data);
                foreach (var a in c.Arguments) MarkMissing(a, data, missing);
                break;
            case BinaryNode b:
                MarkMissing(b.Left, data, missing);
                MarkMissing(b.Right, data, missing);
                break;
            case UnaryNode u:
                MarkMissing(u.Operand, data, missing);
                break;
            case ParenNode p:
                MarkMissing(p.Inner, data, missing);
                break;
        }
    }

    /// <summary>Checks the number of arguments and that the grouping argument names columns of the data; returns those columns' identifiers (none for <c>cgm</c>).</summary>
    private static List<Identifier> CheckCenteringArguments(CallNode c, DataFrame data)
    {
        int expected = c.Function == "cgm" ? 1 : 2;
        if (c.Arguments.Count != expected)
        {
            var takes = expected == 1 ? "one argument, x" : "two arguments, x and the grouping column g";
            throw new FormulaException($"{c.Function}() takes {takes}, not {c.Arguments.Count} (position {c.Position + 1})", "", c.Position);
        }
        var groups = new List<Identifier>();
        if (expected == 2)
        {
            var g = c.Arguments[1];
            CollectGroupColumns(c, g, g, groups);
            foreach (var id in groups)
            {
                if (!data.TryGetColumn(id.Name, out _))
                {
                    throw new FormulaException($"{c.Function}(): {data.UnknownColumnMessage(id.Name)} (position {id.Position + 1} of the formula)", "", id.Position);
                }
            }
        }
        return groups;
    }

    private static void CollectGroupColumns(CallNode c, FormulaNode g, FormulaNode node, List<Identifier> groups)
    {
        switch (node)
        {
            case Identifier { Name.Length: > 0 } id:
                groups.Add(id);
                break;
            case ParenNode p:
                CollectGroupColumns(c, g, p.Inner, groups);
                break;
            case BinaryNode { Operator: ":" } colon:
                CollectGroupColumns(c, g, colon.Left, groups);
                CollectGroupColumns(c, g, colon.Right, groups);
                break;
            default:
                throw new FormulaException(
                    $"{c.Function}() groups by a column (g) or an interaction of columns (a:b), not '{g}' (position {g.Position + 1})", "", g.Position);
        }
    }

    /// <summary><c>cgm(x)</c>, <c>cwc(x, g)</c> or <c>gm(x, g)</c>, missing where <c>x</c> or <c>g</c> is and in the rows not used.</summary>
    private static NumericColumn Centering(CallNode c, Scope scope)
    {
        var groupColumns = CheckCenteringArguments(c, scope.Data);
        var xNode = c.Arguments[0];
        if (Eval(xNode, scope) is not NumericColumn xColumn)
        {
            throw new FormulaException(
                $"{c.Function}() needs a numeric x, and '{xNode}' is categorical (position {xNode.Position + 1})", "", xNode.Position);
        }
        var x = xColumn.Values;
        int n = x.Length;
        var (group, groupCount, labels) = GroupCodes(groupColumns, scope.Data);
        bool centre = c.Function != "gm";
        string call = c.ToString();

        // New data for prediction: the fitted data's group means, by level label; a group they lack has none.
        if (scope.Scales is not null && scope.Scales.TryGetMeans(call, out var fitted))
        {
            var known = new double[groupCount];
            for (int k = 0; k < groupCount; k++) known[k] = fitted.TryGetValue(labels[k], out double m) ? m : double.NaN;
            var predicted = new double[n];
            for (int i = 0; i < n; i++)
            {
                predicted[i] = group[i] < 0 || double.IsNaN(x[i]) ? double.NaN : centre ? x[i] - known[group[i]] : known[group[i]];
            }
            return new NumericColumn(call, predicted);
        }

        // Which rows enter the means: those used (every used row has x and g), or every row where both are present.
        var used = scope.Used;
        var include = new bool[n];
        for (int i = 0; i < n; i++) include[i] = (used is null || used[i]) && !double.IsNaN(x[i]) && group[i] >= 0;

        // The mean of each group in two passes, as R's mean() takes it: the sum over the count, then corrected by the mean residual.
        var count = new int[groupCount];
        var sum = new double[groupCount];
        for (int i = 0; i < n; i++)
        {
            if (!include[i]) continue;
            count[group[i]]++;
            sum[group[i]] += x[i];
        }
        var mean = new double[groupCount];
        for (int k = 0; k < groupCount; k++) mean[k] = count[k] > 0 ? sum[k] / count[k] : double.NaN;
        var residual = new double[groupCount];
        for (int i = 0; i < n; i++)
        {
            if (include[i]) residual[group[i]] += x[i] - mean[group[i]];
        }
        for (int k = 0; k < groupCount; k++)
        {
            if (count[k] > 0) mean[k] += residual[k] / count[k];
        }

        if (scope.Scales is not null)
        {
            var record = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int k = 0; k < groupCount; k++)
            {
                if (count[k] > 0) record[labels[k]] = mean[k];
            }
            scope.Scales.RecordMeans(call, record);
        }
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = !include[i] ? double.NaN : centre ? x[i] - mean[group[i]] : mean[group[i]];
        }
        return new NumericColumn(call, values);
    }

    /// <summary>
    /// A group number per data row (-1 where a grouping column is missing), the number of groups and each group's
    /// label (its levels joined by ':'; "" for <c>cgm</c>): one group for no columns; a column's levels, a numeric
    /// column's as <c>factor()</c> makes them; the combinations that occur for an interaction.
    /// </summary>
    private static (int[] Group, int Count, string[] Labels) GroupCodes(List<Identifier> columns, DataFrame data)
    {
        int n = data.RowCount;
        if (columns.Count == 0) return (new int[n], 1, [""]);
        var factors = columns.Select(id => data.TryGetColumn(id.Name, out var col) ? col : throw new InvalidOperationException(id.Name))
            .Select(col => col as CategoricalColumn ?? NumericAsFactor((NumericColumn)col, col.Name))
            .ToArray();
        if (factors.Length == 1) return (factors[0].Codes.ToArray(), factors[0].LevelCount, factors[0].Levels.ToArray());

        var index = new Dictionary<long, int>();
        var labels = new List<string>();
        var group = new int[n];
        for (int i = 0; i < n; i++)
        {
            long key = 0;
            foreach (var f in factors)
            {
                int code = f.Codes[i];
                if (code < 0)
                {
                    key = -1;
                    break;
                }
                key = checked((key * f.LevelCount) + code);
            }
            if (key < 0)
            {
                group[i] = -1;
                continue;
            }
            if (!index.TryGetValue(key, out int k))
            {
                k = index.Count;
                index[key] = k;
                labels.Add(string.Join(":", factors.Select(f => f.Levels[f.Codes[i]])));
            }
            group[i] = k;
        }
        return (group, index.Count, labels.ToArray());
    }
}
