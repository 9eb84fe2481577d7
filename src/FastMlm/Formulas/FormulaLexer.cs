using System.Globalization;

namespace FastMlm.Formulas;

/// <summary>The kinds of token in a formula.</summary>
internal enum TokenKind
{
    Identifier,
    Number,
    Operator,
    LeftParen,
    RightParen,
    Comma,
    End,
}

/// <summary>One token: its kind, its text (an operator's symbol, a name without backquotes), its position and, for numbers, its value.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position, double Number = 0);

/// <summary>Splits a formula into tokens: R names (letters, digits, '.', '_', or backquoted), numbers, and the formula operators.</summary>
internal static class FormulaLexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int start = i;
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i = ScanNumber(text, i);
                var span = text.AsSpan(start, i - start);
                if (span[^1] == 'L') span = span[..^1]; // R's integer suffix: 2L is the number 2
                if (!double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw Error(text, start, $"malformed number '{span}'");
                }
                tokens.Add(new Token(TokenKind.Number, span.ToString(), start, value));
                continue;
            }
            if (char.IsLetter(c) || c == '.')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' or '_')) i++;
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start));
                continue;
            }
            switch (c)
            {
                case '`':
                {
                    int close = text.IndexOf('`', i + 1);
                    if (close < 0) throw Error(text, start, "unclosed backquote '`'");
                    if (close == i + 1) throw Error(text, start, "empty backquoted name ``");
                    tokens.Add(new Token(TokenKind.Identifier, text[(i + 1)..close], start));
                    i = close + 1;
                    continue;
                }
                case '(':
                    tokens.Add(new Token(TokenKind.LeftParen, "(", start));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.RightParen, ")", start));
                    i++;
                    continue;
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ",", start));
                    i++;
                    continue;
                case '|':
                    bool dbl = i + 1 < text.Length && text[i + 1] == '|';
                    tokens.Add(new Token(TokenKind.Operator, dbl ? "||" : "|", start));
                    i += dbl ? 2 : 1;
                    continue;
                case '%':
                {
                    int close = text.IndexOf('%', i + 1);
                    if (close < 0) throw Error(text, start, "unclosed operator '%'");
                    var op = text[i..(close + 1)];
                    if (op != "%in%") throw Error(text, start, $"unsupported operator '{op}' (formulas use + - * / ^ : %in% | ||)");
                    tokens.Add(new Token(TokenKind.Operator, op, start));
                    i = close + 1;
                    continue;
                }
                case '*' when i + 1 < text.Length && text[i + 1] == '*':
                    tokens.Add(new Token(TokenKind.Operator, "^", start)); // R reads ** as ^
                    i += 2;
                    continue;
                case '~' or '+' or '-' or '*' or '/' or '^' or ':':
                    tokens.Add(new Token(TokenKind.Operator, c.ToString(), start));
                    i++;
                    continue;
                default:
                    throw Error(text, start, $"unexpected character '{c}'");
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }

    private static int ScanNumber(string text, int i)
    {
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            int j = i + 1;
            if (j < text.Length && text[j] is '+' or '-') j++;
            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                i = j;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            }
        }
        if (i < text.Length && text[i] == 'L') i++; // R's integer suffix: 2L
        return i;
    }

    /// <summary>A formula error at a zero-based position, reported 1-based as people count columns.</summary>
    public static FormulaException Error(string text, int position, string what) =>
        new($"{what} at position {(position + 1).ToString(CultureInfo.InvariantCulture)} in formula '{text}'", text, position);
}
