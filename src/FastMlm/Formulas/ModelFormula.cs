namespace FastMlm.Formulas;

/// <summary>
/// A mixed-model formula in lme4's language, parsed and expanded: the response, the fixed part as R's
/// <c>terms()</c> gives it, the offsets, and the random-effects terms (with <c>||</c> and <c>a/b</c> expanded
/// as lme4 expands them).
/// </summary>
public sealed class ModelFormula
{
    private ModelFormula(string text, FormulaNode response, TermList fixedPart, FormulaNode[] offsets, RandomEffectsTerm[] random, string[] variables)
    {
        Text = text;
        Response = response;
        Fixed = fixedPart;
        Offsets = offsets;
        Random = random;
        VariableNames = variables;
    }

    /// <summary>The formula as written.</summary>
    public string Text { get; }

    /// <summary>The response expression (a <c>cbind(...)</c> call for successes and failures).</summary>
    public FormulaNode Response { get; }

    /// <summary>The fixed part: intercept and terms in R's order.</summary>
    public TermList Fixed { get; }

    /// <summary>The arguments of the <c>offset()</c> terms of the fixed part.</summary>
    public IReadOnlyList<FormulaNode> Offsets { get; }

    /// <summary>The random-effects terms, in lme4's order of expansion.</summary>
    public IReadOnlyList<RandomEffectsTerm> Random { get; }

    /// <summary>Every data column the formula refers to, in order of first appearance: what must be read, and where missing values matter.</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Parses and expands a formula.</summary>
    /// <exception cref="FormulaException">The formula is malformed; the message gives the position.</exception>
    public static ModelFormula Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = FormulaParser.Parse(text);
        if (root is not BinaryNode { Operator: "~" } tilde)
        {
            throw FormulaLexer.Error(text, text.TrimEnd().Length, "missing '~' (a formula reads 'response ~ terms')");
        }
        if (tilde.Left is Identifier { Name: "" })
        {
            throw FormulaLexer.Error(text, tilde.Position, "missing response before '~'");
        }
        CheckNoTilde(text, tilde.Left);
        CheckNoTilde(text, tilde.Right);

        var bars = new List<(BinaryNode Bar, int Position)>();
        var fixedNode = SplitBars(tilde.Right, bars);

        // As in R's terms(), the response is the first variable, then the fixed part's in order of appearance.
        var order = new Dictionary<string, int>(StringComparer.Ordinal) { [tilde.Left.ToString()] = 0 };
        var offsets = new List<FormulaNode>();
        var fixedPart = new TermExpander(text, order).Expand(fixedNode, offsets);
        var random = new List<RandomEffectsTerm>();
        foreach (var (bar, position) in bars) random.AddRange(RandomTerms(text, bar, position));

        var names = new List<string>();
        CollectIdentifiers(tilde.Left, names);
        CollectIdentifiers(tilde.Right, names);
        return new ModelFormula(text, tilde.Left, fixedPart, offsets.ToArray(), random.ToArray(), names.Distinct(StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// Takes the random-effects terms out of the top-level sum, looking inside parentheses as lme4's
    /// <c>findbars</c> does; returns what is left (null when nothing).
    /// </summary>
    private static FormulaNode? SplitBars(FormulaNode node, List<(BinaryNode, int)> bars)
    {
        switch (node)
        {
            case BinaryNode { Operator: "+" } plus:
            {
                var l = SplitBars(plus.Left, bars);
                var r = SplitBars(plus.Right, bars);
                return l is null ? r : r is null ? l : plus with { Left = l, Right = r };
            }
            case ParenNode { Inner: BinaryNode { Operator: "|" or "||" } bar } paren:
                bars.Add((bar, paren.Position));
                return null;
            case ParenNode { Inner: BinaryNode { Operator: "+" } } paren:
            {
                var inner = SplitBars(paren.Inner, bars);
                return inner is null ? null : ReferenceEquals(inner, paren.Inner) ? paren : paren with { Inner = inner };
            }
            case BinaryNode { Operator: "|" or "||" } bar:
                bars.Add((bar, bar.Position));
                return null;
            default:
                return node;
        }
    }

    /// <summary>
    /// The lme4 terms of one bar. The left side is expanded on its own, as lme4's <c>model.matrix(~ lhs)</c>
    /// does, so its variables rank by their order in the left side alone. <c>||</c> is split before
    /// <c>a/b</c> is expanded (lme4's <c>expandDoubleVerts</c> runs first): <c>(x || a/b)</c> gives
    /// <c>(1 | b:a)</c>, <c>(1 | a)</c>, <c>(0 + x | b:a)</c>, <c>(0 + x | a)</c>.
    /// </summary>
    private static IEnumerable<RandomEffectsTerm> RandomTerms(string text, BinaryNode bar, int position)
    {
        var effects = new TermExpander(text, new Dictionary<string, int>(StringComparer.Ordinal)).Expand(bar.Left);
        var groupings = Groupings(text, bar.Right);
        var parts = new List<TermList>();
        if (bar.Operator == "|")
        {
            parts.Add(effects);
        }
        else
        {
            if (effects.HasIntercept) parts.Add(new TermList(true, []));
            foreach (var t in effects.Terms) parts.Add(new TermList(false, [t]));
        }
        foreach (var part in parts)
        {
            foreach (var g in groupings) yield return new RandomEffectsTerm(part, g.Factors, g.Name, position);
        }
    }

    /// <summary>A grouping factor: its variables and lme4's name for it; <paramref name="Atom"/> when the name needs no parentheses inside an interaction.</summary>
    private readonly record struct Grouping(FormulaNode[] Factors, string Name, bool Atom);

    /// <summary>
    /// The grouping factors of a bar's right side: <c>g</c>; <c>a:b</c> (one factor, the interaction);
    /// <c>a/b</c>, which lme4 expands to <c>b:a</c> then <c>a</c> (innermost first), and <c>a/b/c</c> to
    /// <c>c:(b:a)</c>, <c>b:a</c>, <c>a</c>, named as lme4 deparses them.
    /// </summary>
    private static List<Grouping> Groupings(string text, FormulaNode node)
    {
        switch (node)
        {
            case ParenNode p:
            {
                var inner = Groupings(text, p.Inner);
                return inner.Count == 1 ? [new Grouping(inner[0].Factors, node.ToString(), true)] : inner;
            }
            case BinaryNode { Operator: "/" } slash:
            {
                var outer = Groupings(text, slash.Left);
                var inner = Groupings(text, slash.Right);
                if (inner.Count != 1) throw FormulaLexer.Error(text, slash.Right.Position, $"nesting '{slash}' needs a single factor after '/'");
                string outerName = outer[0].Atom ? outer[0].Name : "(" + outer[0].Name + ")";
                var result = new List<Grouping> { new([.. inner[0].Factors, .. outer[0].Factors], inner[0].Name + ":" + outerName, false) };
                result.AddRange(outer);
                return result;
            }
            case BinaryNode { Operator: ":" } colon:
            {
                var l = Groupings(text, colon.Left);
                var r = Groupings(text, colon.Right);
                if (l.Count != 1 || r.Count != 1) throw FormulaLexer.Error(text, colon.Position, $"unsupported grouping '{colon}'");
                return [new Grouping([.. l[0].Factors, .. r[0].Factors], colon.ToString(), false)];
            }
            case Identifier or CallNode:
                return [new Grouping([node], node.ToString(), true)];
            default:
                throw FormulaLexer.Error(text, node.Position, $"'{node}' cannot be a grouping factor: write a column (g), an interaction (a:b) or a nesting (a/b)");
        }
    }

    private static void CheckNoTilde(string text, FormulaNode node)
    {
        switch (node)
        {
            case BinaryNode b when b.Operator == "~":
                throw FormulaLexer.Error(text, b.Position, "a formula has one '~'");
            case BinaryNode b:
                CheckNoTilde(text, b.Left);
                CheckNoTilde(text, b.Right);
                break;
            case UnaryNode u:
                CheckNoTilde(text, u.Operand);
                break;
            case ParenNode p:
                CheckNoTilde(text, p.Inner);
                break;
            case CallNode c:
                foreach (var a in c.Arguments) CheckNoTilde(text, a);
                break;
        }
    }

    /// <summary>Adds the column names an expression reads (every identifier, in order, repeats included).</summary>
    internal static void CollectIdentifiers(FormulaNode node, List<string> names) => CollectIdentifiers(node, names, null);

    /// <summary>
    /// Adds the column names read inside calls of <paramref name="function"/> (every identifier of their arguments), or,
    /// when it is null, all the names the expression reads.
    /// </summary>
    internal static void CollectIdentifiers(FormulaNode node, List<string> names, string? function)
    {
        switch (node)
        {
            case Identifier id when id.Name.Length > 0 && function is null:
                names.Add(id.Name);
                break;
            case BinaryNode b:
                CollectIdentifiers(b.Left, names, function);
                CollectIdentifiers(b.Right, names, function);
                break;
            case UnaryNode u:
                CollectIdentifiers(u.Operand, names, function);
                break;
            case ParenNode p:
                CollectIdentifiers(p.Inner, names, function);
                break;
            case CallNode c:
                string? inner = c.Function == function ? null : function;
                foreach (var a in c.Arguments) CollectIdentifiers(a, names, inner);
                break;
        }
    }
}
