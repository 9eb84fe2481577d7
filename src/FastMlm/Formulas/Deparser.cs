using FastMlm.Data;

namespace FastMlm.Formulas;

/// <summary>Writes a formula node back as R's <c>deparse</c> does.</summary>
internal static class Deparser
{
    public static string Deparse(FormulaNode node) => node switch
    {
        Identifier id => id.Name,
        NumberLiteral n => RNumberFormat.Format(n.Value),
        CallNode c => c.Function + "(" + string.Join(", ", c.Arguments.Select(Deparse)) + ")",
        ParenNode p => "(" + Deparse(p.Inner) + ")",
        UnaryNode u => u.Operator + Deparse(u.Operand),
        BinaryNode b when b.Operator is "^" or ":" or "/" => Deparse(b.Left) + b.Operator + Deparse(b.Right),
        BinaryNode b => Deparse(b.Left) + " " + b.Operator + " " + Deparse(b.Right),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };
}
