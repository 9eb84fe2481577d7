namespace FastMlm.Formulas;

/// <summary>
/// Parses a formula into a syntax tree by precedence climbing, with R's precedence, lowest first:
/// <c>~</c>; <c>| ||</c>; binary <c>+ -</c>; <c>* /</c>; <c>%in%</c>; <c>:</c>; unary <c>- +</c>; <c>^</c> (right-associative).
/// </summary>
internal sealed class FormulaParser
{
    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _next;

    private FormulaParser(string text)
    {
        _text = text;
        _tokens = FormulaLexer.Tokenize(text);
    }

    /// <summary>Parses the whole text as one expression.</summary>
    public static FormulaNode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text)) throw new FormulaException("empty formula", text, 0);
        var parser = new FormulaParser(text);
        var node = parser.Expression(0);
        var end = parser.Peek;
        if (end.Kind != TokenKind.End)
        {
            throw end.Kind == TokenKind.RightParen
                ? FormulaLexer.Error(text, end.Position, "unexpected ')'")
                : FormulaLexer.Error(text, end.Position, $"unexpected '{end.Text}'");
        }
        return node;
    }

    private Token Peek => _tokens[_next];

    private Token Take() => _tokens[_next++];

    private static int BinaryPrecedence(string op) => op switch
    {
        "~" => 1,
        "|" or "||" => 2,
        "+" or "-" => 3,
        "*" or "/" => 4,
        "%in%" => 5,
        ":" => 6,
        "^" => 8,
        _ => -1,
    };

    private const int UnaryPrecedence = 7;

    private FormulaNode Expression(int minPrecedence)
    {
        var left = Prefix();
        while (Peek.Kind == TokenKind.Operator)
        {
            var op = Peek;
            int prec = BinaryPrecedence(op.Text);
            if (prec < minPrecedence || prec < 0) break;
            Take();
            if (Peek.Kind is TokenKind.End or TokenKind.RightParen or TokenKind.Comma)
            {
                if (op.Text is "|" or "||") throw FormulaLexer.Error(_text, op.Position, $"random-effects term needs a grouping factor after '{op.Text}'");
                throw FormulaLexer.Error(_text, op.Position, $"'{op.Text}' needs something on its right");
            }
            // '^' is right-associative; the others associate to the left.
            var right = Expression(op.Text == "^" ? prec : prec + 1);
            left = new BinaryNode(op.Text, left, right, op.Position);
        }
        return left;
    }

    private FormulaNode Prefix()
    {
        var t = Take();
        switch (t.Kind)
        {
            case TokenKind.Number:
                return new NumberLiteral(t.Number, t.Position);
            case TokenKind.Identifier:
                return Peek.Kind == TokenKind.LeftParen ? Call(t) : new Identifier(t.Text, t.Position);
            case TokenKind.LeftParen:
            {
                if (Peek.Kind == TokenKind.RightParen) throw FormulaLexer.Error(_text, Peek.Position, "empty parentheses '()'");
                var inner = Expression(0);
                Expect(TokenKind.RightParen, t, "unclosed '(' opened", "')'");
                return new ParenNode(inner, t.Position);
            }
            case TokenKind.Operator when t.Text is "-" or "+":
            {
                if (Peek.Kind is TokenKind.End or TokenKind.RightParen) throw FormulaLexer.Error(_text, t.Position, $"'{t.Text}' needs something on its right");
                return new UnaryNode(t.Text, Expression(UnaryPrecedence), t.Position);
            }
            case TokenKind.Operator when t.Text == "~":
                // A one-sided formula (~ x); the caller reports the missing response.
                return new BinaryNode("~", new Identifier("", t.Position), Expression(2), t.Position);
            case TokenKind.End:
                throw FormulaLexer.Error(_text, t.Position, "formula ends too early");
            case TokenKind.RightParen:
                throw FormulaLexer.Error(_text, t.Position, "unexpected ')'");
            default:
                throw FormulaLexer.Error(_text, t.Position, $"unexpected '{t.Text}'");
        }
    }

    private CallNode Call(Token name)
    {
        var open = Take(); // '('
        var args = new List<FormulaNode>();
        if (Peek.Kind != TokenKind.RightParen)
        {
            while (true)
            {
                args.Add(Expression(0));
                if (Peek.Kind != TokenKind.Comma) break;
                Take();
            }
        }
        Expect(TokenKind.RightParen, open, $"unclosed '(' of {name.Text}() opened", "',' or ')'");
        return new CallNode(name.Text, args, name.Position);
    }

    /// <summary>Takes the closing token; at the end of the text the error points at the opener, elsewhere at what was found instead.</summary>
    private void Expect(TokenKind kind, Token opener, string unclosed, string expected)
    {
        if (Peek.Kind == kind)
        {
            Take();
            return;
        }
        if (Peek.Kind == TokenKind.End) throw FormulaLexer.Error(_text, opener.Position, unclosed);
        throw FormulaLexer.Error(_text, Peek.Position, $"unexpected '{Peek.Text}' where {expected} was expected");
    }
}
