namespace FastMlm.Formulas;

/// <summary>
/// One term of a model part: the product of its variables (<c>x</c>, <c>recipe:factor(temperature)</c>).
/// Variables are in R's order (order of first appearance in the formula), so <see cref="Label"/> is
/// R's term label.
/// </summary>
/// <param name="Variables">The variables of the term, each an expression evaluated against the data.</param>
public sealed record ModelTerm(IReadOnlyList<FormulaNode> Variables)
{
    /// <summary>R's term label: the deparsed variables joined by <c>:</c>.</summary>
    public string Label => string.Join(":", Variables.Select(v => v.ToString()));

    /// <summary>The interaction order (number of variables).</summary>
    public int Order => Variables.Count;

    /// <inheritdoc />
    public override string ToString() => Label;

    /// <inheritdoc />
    public bool Equals(ModelTerm? other) => other is not null && Label == other.Label;

    /// <inheritdoc />
    public override int GetHashCode() => Label.GetHashCode(StringComparison.Ordinal);
}

/// <summary>
/// A model part after expansion of <c>* / ^ - :</c>, as R's <c>terms()</c> gives it: whether it has an
/// intercept, and its terms ordered by interaction order, then by first appearance.
/// </summary>
/// <param name="HasIntercept">False after <c>0</c>, <c>-1</c> or <c>+0</c>.</param>
/// <param name="Terms">The terms, R's order.</param>
public sealed record TermList(bool HasIntercept, IReadOnlyList<ModelTerm> Terms);

/// <summary>
/// One random-effects term <c>(lhs | g)</c>: a model part evaluated per row (its columns are the
/// random-effect columns) and a grouping factor (one variable, or several for <c>a:b</c>).
/// <c>||</c> and <c>a/b</c> are expanded before this point, so each instance is one lme4 term.
/// </summary>
/// <param name="Effects">The left-hand side, expanded like a fixed part (<c>1 + x</c>, <c>0 + f</c>).</param>
/// <param name="Grouping">The grouping variables; <c>a:b</c> gives two.</param>
/// <param name="GroupName">
/// lme4's name of the grouping factor, as lme4 deparses it: <c>g</c>, <c>recipe:replicate</c>, <c>b:a</c> for the inner
/// term of <c>a/b</c>, <c>c:(b:a)</c> for the innermost term of <c>a/b/c</c>.
/// </param>
/// <param name="Position">Offset of the term in the formula text, for error messages.</param>
public sealed record RandomEffectsTerm(TermList Effects, IReadOnlyList<FormulaNode> Grouping, string GroupName, int Position)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var lhs = new List<string>();
        if (!Effects.HasIntercept) lhs.Add("0");
        else if (Effects.Terms.Count == 0) lhs.Add("1");
        lhs.AddRange(Effects.Terms.Select(t => t.Label));
        if (Effects.HasIntercept && Effects.Terms.Count > 0) lhs.Insert(0, "1");
        return $"({string.Join(" + ", lhs)} | {GroupName})";
    }
}
