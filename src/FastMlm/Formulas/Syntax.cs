namespace FastMlm.Formulas;

/// <summary>
/// A node of a parsed formula or of an expression inside one (<c>log(y)</c>, <c>I(age^2)</c>).
/// <see cref="Position"/> is the zero-based offset of the node in the formula text, for error messages.
/// <see cref="ToString"/> gives R's deparsed form, which is how lme4 names model columns; as in R, two
/// expressions are the same variable when their deparsed forms are equal.
/// </summary>
public abstract record FormulaNode(int Position)
{
    /// <summary>R's deparsed text of the node (for example <c>I(age^2)</c>, <c>log(y)</c>, <c>size - incidence</c>).</summary>
    public override string ToString() => Deparser.Deparse(this);
}

/// <summary>A variable: a column name (a backquoted name keeps its text without the backquotes).</summary>
public sealed record Identifier(string Name, int Position) : FormulaNode(Position)
{
    /// <inheritdoc />
    public override string ToString() => Deparser.Deparse(this);
}

/// <summary>A numeric literal such as <c>1</c>, <c>0</c>, <c>2.5</c> or <c>1e6</c>.</summary>
public sealed record NumberLiteral(double Value, int Position) : FormulaNode(Position)
{
    /// <inheritdoc />
    public override string ToString() => Deparser.Deparse(this);
}

/// <summary>A function call: <c>log(x)</c>, <c>factor(g)</c>, <c>I(x^2)</c>, <c>cbind(a, b)</c>, <c>offset(t)</c>, <c>scale(x)</c>.</summary>
public sealed record CallNode(string Function, IReadOnlyList<FormulaNode> Arguments, int Position) : FormulaNode(Position)
{
    /// <inheritdoc />
    public override string ToString() => Deparser.Deparse(this);

}

/// <summary>
/// A binary operator: <c>~ + - * / ^ : | ||</c> and <c>%in%</c>.
/// </summary>
public sealed record BinaryNode(string Operator, FormulaNode Left, FormulaNode Right, int Position) : FormulaNode(Position)
{
    /// <inheritdoc />
    public override string ToString() => Deparser.Deparse(this);
}

/// <summary>A unary <c>-</c> or <c>+</c>.</summary>
public sealed record UnaryNode(string Operator, FormulaNode Operand, int Position) : FormulaNode(Position)
{
    /// <inheritdoc />
    public override string ToString() => Deparser.Deparse(this);
}

/// <summary>An expression in parentheses, kept so that deparsing writes them back.</summary>
public sealed record ParenNode(FormulaNode Inner, int Position) : FormulaNode(Position)
{
    /// <inheritdoc />
    public override string ToString() => Deparser.Deparse(this);
}
