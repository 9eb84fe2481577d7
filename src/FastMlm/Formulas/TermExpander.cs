namespace FastMlm.Formulas;

/// <summary>
/// Expands a model part as R's <c>terms.formula</c> does: <c>a*b</c> = <c>a + b + a:b</c>; <c>(a + b)^2</c> = main
/// effects and two-way interactions; <c>a/b</c> = <c>a + a:b</c>; <c>%in%</c> like <c>:</c>; <c>-</c> removes terms;
/// <c>0</c>, <c>-1</c> drop the intercept and <c>1</c> restores it. Duplicate terms are dropped; the result is
/// ordered by interaction order, then by first appearance, and inside each term the variables follow their
/// first appearance in the formula.
/// </summary>
internal sealed class TermExpander
{
    private readonly string _text;
    private readonly Dictionary<string, int> _variableOrder;

    /// <param name="text">The formula text, for error messages.</param>
    /// <param name="variableOrder">The rank of each variable (by deparsed text) in order of first appearance in the formula.</param>
    public TermExpander(string text, Dictionary<string, int> variableOrder)
    {
        _text = text;
        _variableOrder = variableOrder;
    }

    /// <summary>A term while expanding: its variables keyed by deparsed text, in formula order.</summary>
    private sealed class RawTerm(SortedDictionary<int, FormulaNode> variables)
    {
        public SortedDictionary<int, FormulaNode> Variables { get; } = variables;

        public string Key => string.Join(",", Variables.Keys);

        public RawTerm Union(RawTerm other)
        {
            var merged = new SortedDictionary<int, FormulaNode>(Variables);
            foreach (var (k, v) in other.Variables) merged.TryAdd(k, v);
            return new RawTerm(merged);
        }
    }

    /// <summary>The terms of an expression and what it says about the intercept (null: nothing).</summary>
    private sealed record Expansion(List<RawTerm> Terms, bool? Intercept);

    /// <summary>Expands <paramref name="node"/> into a term list; <paramref name="offsets"/> collects <c>offset()</c> arguments.</summary>
    public TermList Expand(FormulaNode? node, List<FormulaNode>? offsets = null)
    {
        if (node is null) return new TermList(true, []);
        var e = ExpandNode(node, offsets, topLevel: true);
        var ordered = e.Terms
            .Select((t, i) => (Term: t, Index: i))
            .OrderBy(x => x.Term.Variables.Count)
            .ThenBy(x => x.Index)
            .Select(x => new ModelTerm(x.Term.Variables.Values.ToArray()))
            .ToArray();
        return new TermList(e.Intercept ?? true, ordered);
    }

    private Expansion ExpandNode(FormulaNode node, List<FormulaNode>? offsets, bool topLevel)
    {
        switch (node)
        {
            case ParenNode p:
                return ExpandNode(p.Inner, offsets, topLevel);
            case NumberLiteral n when n.Value == 1:
                return new Expansion([], true);
            case NumberLiteral n when n.Value == 0:
                return new Expansion([], false);
            case NumberLiteral n:
                throw FormulaLexer.Error(_text, n.Position, $"the number {n} cannot be a term (only 0 and 1 can: they drop and keep the intercept)");
            case CallNode { Function: "offset" } call:
                if (!topLevel || offsets is null) throw FormulaLexer.Error(_text, call.Position, "offset() must be a term of its own in the fixed part");
                if (call.Arguments.Count != 1) throw FormulaLexer.Error(_text, call.Position, "offset() takes one argument");
                offsets.Add(call.Arguments[0]);
                return new Expansion([], null);
            case Identifier { Name: "." } dot:
                throw FormulaLexer.Error(_text, dot.Position, "'.' (all other columns) is not supported: name the columns");
            case Identifier or CallNode:
                return new Expansion([Single(node)], null);
            case UnaryNode { Operator: "+" } u:
                return ExpandNode(u.Operand, offsets, topLevel);
            case UnaryNode { Operator: "-" } u:
            {
                var removed = ExpandNode(u.Operand, null, false);
                return new Expansion([], removed.Intercept is { } i ? !i : null);
            }
            case BinaryNode b:
                return ExpandBinary(b, offsets, topLevel);
            default:
                throw FormulaLexer.Error(_text, node.Position, $"unexpected '{node}' in a model part");
        }
    }

    private Expansion ExpandBinary(BinaryNode b, List<FormulaNode>? offsets, bool topLevel)
    {
        switch (b.Operator)
        {
            case "+":
            {
                var l = ExpandNode(b.Left, offsets, topLevel);
                var r = ExpandNode(b.Right, offsets, topLevel);
                return new Expansion(Distinct(l.Terms.Concat(r.Terms)), r.Intercept ?? l.Intercept);
            }
            case "-":
            {
                var l = ExpandNode(b.Left, offsets, topLevel);
                var r = ExpandNode(b.Right, null, false);
                var drop = r.Terms.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
                bool? intercept = r.Intercept is { } ri ? !ri : l.Intercept;
                return new Expansion(l.Terms.Where(t => !drop.Contains(t.Key)).ToList(), intercept);
            }
            case ":" or "%in%":
            {
                var l = Product(b.Left);
                var r = Product(b.Right);
                return new Expansion(Cross(l, r), null);
            }
            case "*":
            {
                var l = Product(b.Left);
                var r = Product(b.Right);
                return new Expansion(Distinct(l.Concat(r).Concat(Cross(l, r))), null);
            }
            case "/":
            {
                var l = Product(b.Left);
                var r = Product(b.Right);
                var all = l.Aggregate(new RawTerm(new SortedDictionary<int, FormulaNode>()), (acc, t) => acc.Union(t));
                return new Expansion(Distinct(l.Concat(Cross([all], r))), null);
            }
            case "^":
            {
                var l = Product(b.Left);
                if (b.Right is not NumberLiteral { Value: >= 1 } power || power.Value != Math.Floor(power.Value))
                {
                    throw FormulaLexer.Error(_text, b.Right.Position, $"the power in '{b}' must be a whole number of at least 1");
                }
                var result = l;
                for (int k = 1; k < (int)power.Value; k++) result = Distinct(result.Concat(Cross(result, l)));
                return new Expansion(result, null);
            }
            case "|" or "||":
                throw FormulaLexer.Error(_text, b.Position, $"a random-effects term '({b})' must stand on its own, added to the rest with '+'");
            case "~":
                throw FormulaLexer.Error(_text, b.Position, "a formula has one '~'");
            default:
                throw FormulaLexer.Error(_text, b.Position, $"operator '{b.Operator}' is not allowed here");
        }
    }

    /// <summary>The terms of an operand of <c>: * / ^</c>, where intercept markers mean nothing.</summary>
    private List<RawTerm> Product(FormulaNode node)
    {
        if (node is CallNode { Function: "offset" } or NumberLiteral)
        {
            throw FormulaLexer.Error(_text, node.Position, $"'{node}' cannot be part of an interaction");
        }
        return ExpandNode(node, null, false).Terms;
    }

    private RawTerm Single(FormulaNode variable)
    {
        var key = variable.ToString();
        if (!_variableOrder.TryGetValue(key, out var rank))
        {
            rank = _variableOrder.Count;
            _variableOrder[key] = rank;
        }
        return new RawTerm(new SortedDictionary<int, FormulaNode> { [rank] = variable });
    }

    private static List<RawTerm> Cross(List<RawTerm> left, List<RawTerm> right)
    {
        var result = new List<RawTerm>(left.Count * right.Count);
        foreach (var l in left)
        {
            foreach (var r in right) result.Add(l.Union(r));
        }
        return Distinct(result);
    }

    private static List<RawTerm> Distinct(IEnumerable<RawTerm> terms)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return terms.Where(t => seen.Add(t.Key)).ToList();
    }
}
