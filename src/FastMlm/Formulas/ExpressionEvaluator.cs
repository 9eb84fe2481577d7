using System.Globalization;
using FastMlm.Data;

namespace FastMlm.Formulas;

/// <summary>
/// Evaluates a variable of a formula against the data, row by row: a column, arithmetic (<c>+ - * / ^</c>),
/// <c>log exp sqrt abs log2 log10</c>, <c>scale()</c>, <c>factor()</c>, <c>I()</c> and the centering functions
/// <c>cgm()</c>, <c>cwc()</c> and <c>gm()</c>. A missing input gives a missing result; a finite input that gives a
/// non-finite result (<c>log(0)</c>) is an error naming the row.
/// </summary>
public static partial class ExpressionEvaluator
{
    private static readonly Dictionary<string, Func<double, double>> s_math = new(StringComparer.Ordinal)
    {
        ["log"] = Math.Log,
        ["exp"] = Math.Exp,
        ["sqrt"] = Math.Sqrt,
        ["abs"] = Math.Abs,
        ["log2"] = Math.Log2,
        ["log10"] = Math.Log10,
    };

    private static readonly string[] s_known = ["log", "exp", "sqrt", "abs", "log2", "log10", "scale", "factor", "I", "offset", "cbind", "cgm", "cwc", "gm"];

    /// <summary>What an evaluation needs besides the node: the data, the label of the whole variable (for messages) and the rows the centering means are taken over.</summary>
    private readonly record struct Scope(DataFrame Data, string Label, bool[]? Used, ScaleParameters? Scales = null);

    /// <summary>
    /// Evaluates <paramref name="node"/> over every row of <paramref name="data"/>: a <see cref="NumericColumn"/>, or a
    /// <see cref="CategoricalColumn"/> for a categorical column or <c>factor()</c>; the result is named by the deparsed node.
    /// The means of <c>cgm()</c>, <c>cwc()</c> and <c>gm()</c> are taken over every row where their arguments are present;
    /// a model frame takes them over the rows the model uses instead.
    /// </summary>
    public static Column Evaluate(FormulaNode node, DataFrame data) => Evaluate(node, data, null);

    /// <summary>
    /// Evaluates <paramref name="node"/> as <see cref="Evaluate(FormulaNode, DataFrame)"/> does, with the means of
    /// <c>cgm()</c>, <c>cwc()</c> and <c>gm()</c> taken over the rows marked in <paramref name="used"/> (one flag per data
    /// row), and those functions missing in the other rows; null: over every row where their arguments are present.
    /// </summary>
    internal static Column Evaluate(FormulaNode node, DataFrame data, bool[]? used) => Evaluate(node, data, null, used);

    /// <summary>
    /// Evaluates <paramref name="node"/> as <see cref="Evaluate(FormulaNode, DataFrame, bool[])"/> does; each
    /// <c>scale()</c> takes its centre and scale from <paramref name="scales"/> when that holds them (new data
    /// evaluated as the data a model was fitted to), else computes them and records them there.
    /// </summary>
    internal static Column Evaluate(FormulaNode node, DataFrame data, ScaleParameters? scales, bool[]? used = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(data);
        if (used is not null && used.Length != data.RowCount) throw new ArgumentException("one flag per data row is needed", nameof(used));
        var label = node.ToString();
        var result = Eval(node, new Scope(data, label, used, scales));
        return result.Name == label ? result : Rename(result, label);
    }

    private static Column Eval(FormulaNode node, Scope scope)
    {
        var data = scope.Data;
        var label = scope.Label;
        switch (node)
        {
            case Identifier id:
                return Lookup(id, data);
            case ParenNode p:
                return Eval(p.Inner, scope);
            case NumberLiteral n:
            {
                var values = new double[data.RowCount];
                Array.Fill(values, n.Value);
                return new NumericColumn(n.ToString(), values);
            }
            case UnaryNode u:
            {
                var x = Numeric(u.Operand, scope);
                if (u.Operator == "+") return x;
                return Map(x, v => -v, u.ToString(), label);
            }
            case BinaryNode b when b.Operator is "+" or "-" or "*" or "/" or "^":
            {
                var x = Numeric(b.Left, scope);
                var y = Numeric(b.Right, scope);
                return Zip(x, y, b.Operator, b.ToString(), label);
            }
            case BinaryNode b:
                throw new FormulaException($"operator '{b.Operator}' cannot be evaluated inside '{label}' (position {b.Position + 1})", "", b.Position);
            case CallNode c:
                return Call(c, scope);
            default:
                throw new ArgumentOutOfRangeException(nameof(node), node.GetType().Name);
        }
    }

    private static Column Lookup(Identifier id, DataFrame data)
    {
        if (data.TryGetColumn(id.Name, out var column)) return column;
        throw new FormulaException($"{data.UnknownColumnMessage(id.Name)} (position {id.Position + 1} of the formula)", "", id.Position);
    }

    private static Column Call(CallNode c, Scope scope)
    {
        var label = scope.Label;
        if (IsCentering(c.Function)) return Centering(c, scope);
        if (c.Function is "cbind" or "offset")
        {
            throw new FormulaException($"{c.Function}() cannot be used inside '{label}' (position {c.Position + 1}): cbind() is only allowed as the response, offset() as a term", "", c.Position);
        }
        bool known = s_math.ContainsKey(c.Function) || c.Function is "scale" or "factor" or "I";
        if (!known)
        {
            var near = NameSuggestions.Nearest(c.Function, s_known);
            throw new FormulaException($"unknown function '{c.Function}' at position {c.Position + 1}" + (near is null ? "" : $"; did you mean '{near}'?"), "", c.Position);
        }
        if (c.Arguments.Count != 1)
        {
            throw new FormulaException($"{c.Function}() takes one argument, not {c.Arguments.Count} (position {c.Position + 1})", "", c.Position);
        }
        var arg = c.Arguments[0];
        switch (c.Function)
        {
            case "I":
                return Eval(arg, scope);
            case "factor":
                return Eval(arg, scope) switch
                {
                    CategoricalColumn cat => cat,
                    NumericColumn num => NumericAsFactor(num, c.ToString()),
                    _ => throw new InvalidOperationException(),
                };
            case "scale":
                return Scale(Numeric(arg, scope), c.ToString(), scope.Scales);
            default:
                return Map(Numeric(arg, scope), s_math[c.Function], c.ToString(), label);
        }
    }

    private static NumericColumn Numeric(FormulaNode node, Scope scope)
    {
        var column = Eval(node, scope);
        if (column is NumericColumn num) return num;
        throw new FormulaException($"column '{column.Name}' is categorical; '{scope.Label}' needs a number there (position {node.Position + 1})", "", node.Position);
    }

    private static NumericColumn Map(NumericColumn x, Func<double, double> f, string name, string label)
    {
        var src = x.Values;
        var values = new double[src.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = src[i];
            double r = f(v);
            if (!double.IsFinite(r) && double.IsFinite(v)) throw NotFinite(name, label, i, v);
            values[i] = double.IsNaN(v) ? double.NaN : r;
        }
        return new NumericColumn(name, values);
    }

    /// <summary>
    /// <c>x op y</c> elementwise: <c>+ - * /</c> a vector at a time, then one pass over the results that are not
    /// finite (missing stays missing; finite inputs giving a non-finite result are an error); <c>^</c> one by one.
    /// </summary>
    private static NumericColumn Zip(NumericColumn x, NumericColumn y, string op, string name, string label)
    {
        var a = x.Values;
        var b = y.Values;
        var values = new double[a.Length];
        if (ElementwiseArithmetic.Supports(op))
        {
            ElementwiseArithmetic.Apply(op, a, b, values); // NaN in, NaN out
        }
        else
        {
            // Math.Pow(NaN, 0) and Math.Pow(1, NaN) are 1; a missing input must still give a missing result.
            for (int i = 0; i < values.Length; i++) values[i] = double.IsNaN(a[i]) || double.IsNaN(b[i]) ? double.NaN : Math.Pow(a[i], b[i]);
        }
        for (int i = 0; i < values.Length; i++)
        {
            double r = values[i];
            if (double.IsFinite(r)) continue;
            double p = a[i], q = b[i];
            if (double.IsFinite(p) && double.IsFinite(q))
            {
                throw new DataException(string.Create(CultureInfo.InvariantCulture,
                    $"'{name}' in '{label}' is not finite in data row {i + 1} ({RNumberFormat.Format(p)} and {RNumberFormat.Format(q)} give {RNumberFormat.Format(r)})"));
            }
        }
        return new NumericColumn(name, values);
    }

    private static DataException NotFinite(string name, string label, int row, double input) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"'{name}'{(name == label ? "" : $" in '{label}'")} is not finite in data row {row + 1} (the input is {RNumberFormat.Format(input)})"));

    /// <summary>
    /// R's <c>scale(x)</c>: centred by the mean and divided by the standard deviation of the non-missing values;
    /// with <paramref name="scales"/> holding this call's centre and scale (those of the data a model was fitted
    /// to), by those instead, as R's <c>predict</c> evaluates <c>scale()</c> in new data.
    /// </summary>
    private static NumericColumn Scale(NumericColumn x, string name, ScaleParameters? scales)
    {
        var src = x.Values;
        if (scales is not null && scales.TryGet(name, out double centre, out double scale))
        {
            var scaled = new double[src.Length];
            for (int i = 0; i < scaled.Length; i++) scaled[i] = (src[i] - centre) / scale;
            return new NumericColumn(name, scaled);
        }
        double sum = 0;
        int n = 0;
        foreach (var v in src)
        {
            if (double.IsNaN(v)) continue;
            sum += v;
            n++;
        }
        double mean = n > 0 ? sum / n : double.NaN;
        double ss = 0;
        foreach (var v in src)
        {
            if (!double.IsNaN(v)) ss += (v - mean) * (v - mean);
        }
        double sd = n > 1 ? Math.Sqrt(ss / (n - 1)) : double.NaN;
        if (!(sd > 0)) throw new DataException($"'{name}' divides by the standard deviation of '{x.Name}', which is zero or undefined");
        scales?.Record(name, mean, sd);
        var values = new double[src.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (src[i] - mean) / sd;
        return new NumericColumn(name, values);
    }

    /// <summary>
    /// <c>factor(x)</c> of a numeric column: levels are the distinct values in numeric order, labelled as R labels
    /// them; as in R, values whose labels coincide (<c>0.1 + 0.2</c> and <c>0.3</c>, both "0.3") share a level.
    /// </summary>
    internal static CategoricalColumn NumericAsFactor(NumericColumn x, string name)
    {
        var all = x.Values.ToArray();
        Array.Sort(all); // NaN sorts first
        var distinct = new List<double>();
        foreach (var v in all)
        {
            if (!double.IsNaN(v) && (distinct.Count == 0 || distinct[^1] != v)) distinct.Add(v);
        }
        var values = distinct.ToArray();
        var labels = new List<string>(values.Length);
        var levelOf = new int[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            var label = RNumberFormat.Format(values[k]);
            if (labels.Count == 0 || labels[^1] != label) labels.Add(label);
            levelOf[k] = labels.Count - 1;
        }
        var src = x.Values;
        var codes = new int[src.Length];
        for (int i = 0; i < codes.Length; i++) codes[i] = double.IsNaN(src[i]) ? -1 : levelOf[Array.BinarySearch(values, src[i])];
        return new CategoricalColumn(name, codes, labels.ToArray());
    }

    private static Column Rename(Column column, string name) => column switch
    {
        NumericColumn num => new NumericColumn(name, num.Values.ToArray()),
        CategoricalColumn cat => new CategoricalColumn(name, cat.Codes.ToArray(), cat.Levels.ToArray()),
        _ => throw new InvalidOperationException(),
    };
}
