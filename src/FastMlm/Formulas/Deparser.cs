using System.Text;
using FastMlm.Data;

namespace FastMlm.Formulas;

/// <summary>
/// Writes a formula node back as R's <c>deparse</c> does, because lme4 names model columns by the deparsed
/// variable: <c>I(age^2)</c>, <c>log(y)</c>, <c>I(y * 100)</c>, <c>factor(temperature)</c>.
/// <c>+ - * ~ | || %in%</c> take spaces around them; <c>/ ^ :</c> do not.
/// </summary>
internal static class Deparser
{
    private static readonly HashSet<string> s_reserved = new(StringComparer.Ordinal)
    {
        "if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE", "NULL",
        "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "in",
    };

    public static string Deparse(FormulaNode node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();
    }

    private static void Write(FormulaNode node, StringBuilder sb)
    {
        switch (node)
        {
            case Identifier id:
                sb.Append(IsSyntactic(id.Name) ? id.Name : "`" + id.Name + "`");
                break;
            case NumberLiteral n:
                sb.Append(RNumberFormat.Format(n.Value));
                break;
            case CallNode c:
                sb.Append(IsSyntactic(c.Function) ? c.Function : "`" + c.Function + "`").Append('(');
                for (int i = 0; i < c.Arguments.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(c.Arguments[i], sb);
                }
                sb.Append(')');
                break;
            case ParenNode p:
                sb.Append('(');
                Write(p.Inner, sb);
                sb.Append(')');
                break;
            case UnaryNode u:
                sb.Append(u.Operator);
                Write(u.Operand, sb);
                break;
            case BinaryNode b:
                Write(b.Left, sb);
                sb.Append(b.Operator is "/" or "^" or ":" ? b.Operator : " " + b.Operator + " ");
                Write(b.Right, sb);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(node), node.GetType().Name);
        }
    }

    /// <summary>Whether R would print the name without backquotes.</summary>
    internal static bool IsSyntactic(string name)
    {
        if (name.Length == 0 || s_reserved.Contains(name)) return false;
        char c0 = name[0];
        if (!(char.IsLetter(c0) || c0 == '.')) return false;
        if (c0 == '.' && name.Length > 1 && char.IsAsciiDigit(name[1])) return false;
        foreach (char c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c is '.' or '_')) return false;
        }
        return true;
    }
}
