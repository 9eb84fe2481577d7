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

        // Variables are ranked by first appearance: the response's first, then the fixed part's.
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in ResponseVariables(tilde.Left)) order.TryAdd(v.ToString(), order.Count);
        var expander = new TermExpander(text, order);
        var offsets = new List<FormulaNode>();
        var fixedPart = expander.Expand(fixedNode, offsets);
        var random = new List<RandomEffectsTerm>();
        foreach (var (bar, position) in bars) random.AddRange(RandomTerms(text, expander, bar, position));

        var names = new List<string>();
        CollectIdentifiers(tilde.Left, names);
        CollectIdentifiers(tilde.Right, names);
        return new ModelFormula(text, tilde.Left, fixedPart, offsets.ToArray(), random.ToArray(), names.Distinct(StringComparer.Ordinal).ToArray());
    }

    private static IEnumerable<FormulaNode> ResponseVariables(FormulaNode response) =>
        response is CallNode { Function: "cbind" } c ? c.Arguments : [response];

    /// <summary>Takes the random-effects terms out of the top-level sum; returns what is left (null when nothing).</summary>
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
            case BinaryNode { Operator: "|" or "||" } bar:
                bars.Add((bar, bar.Position));
                return null;
            default:
                return node;
        }
    }

    private static IEnumerable<RandomEffectsTerm> RandomTerms(string text, TermExpander expander, BinaryNode bar, int position)
    {
        var effects = expander.Expand(bar.Left);
        var groupings = Groupings(text, bar.Right);
        foreach (var grouping in groupings)
        {
            string name = string.Join(":", grouping.Select(g => g.ToString()));
            if (bar.Operator == "|")
            {
                yield return new RandomEffectsTerm(effects, grouping, name, position);
                continue;
            }
            // (a + b || g): the intercept and each term on its own, uncorrelated.
            if (effects.HasIntercept) yield return new RandomEffectsTerm(new TermList(true, []), grouping, name, position);
            foreach (var t in effects.Terms) yield return new RandomEffectsTerm(new TermList(false, [t]), grouping, name, position);
        }
    }

    /// <summary>
    /// The grouping factors of a bar's right side: <c>g</c>; <c>a:b</c> (one factor, the interaction);
    /// <c>a/b</c>, which lme4 expands to <c>b:a</c> then <c>a</c> (innermost first).
    /// </summary>
    private static List<FormulaNode[]> Groupings(string text, FormulaNode node)
    {
        switch (node)
        {
            case ParenNode p:
                return Groupings(text, p.Inner);
            case BinaryNode { Operator: "/" } slash:
            {
                var outer = Groupings(text, slash.Left);
                var inner = Groupings(text, slash.Right);
                if (inner.Count != 1) throw FormulaLexer.Error(text, slash.Right.Position, $"nesting '{slash}' needs a single factor after '/'");
                var result = new List<FormulaNode[]> { inner[0].Concat(outer[0]).ToArray() };
                result.AddRange(outer);
                return result;
            }
            case BinaryNode { Operator: ":" } colon:
            {
                var l = Groupings(text, colon.Left);
                var r = Groupings(text, colon.Right);
                if (l.Count != 1 || r.Count != 1) throw FormulaLexer.Error(text, colon.Position, $"unsupported grouping '{colon}'");
                return [[.. l[0], .. r[0]]];
            }
            case Identifier or CallNode:
                return [[node]];
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

    private static void CollectIdentifiers(FormulaNode node, List<string> names)
    {
        switch (node)
        {
            case Identifier id when id.Name.Length > 0:
                names.Add(id.Name);
                break;
            case BinaryNode b:
                CollectIdentifiers(b.Left, names);
                CollectIdentifiers(b.Right, names);
                break;
            case UnaryNode u:
                CollectIdentifiers(u.Operand, names);
                break;
            case ParenNode p:
                CollectIdentifiers(p.Inner, names);
                break;
            case CallNode c:
                foreach (var a in c.Arguments) CollectIdentifiers(a, names);
                break;
        }
    }
}
