using FastMlm.Data;
using FastMlm.Formulas;

namespace FastMlm.Design;

/// <summary>How a categorical variable enters one term: by treatment contrasts (levels 2..L) or by indicators of every level.</summary>
public enum FactorCoding
{
    /// <summary>Treatment contrasts: the first level is the reference and gets no column.</summary>
    Contrasts,

    /// <summary>One indicator column per level.</summary>
    Indicators,
}

/// <summary>
/// R's rule for coding factors in a model matrix (<c>terms.formula</c> and <c>model.matrix</c>): in a term T,
/// a factor F is coded by contrasts when T without F is empty or is contained in a term before T, and
/// by indicators otherwise (so <c>x:f</c> without <c>f</c> gets a column for every level of f); with no
/// intercept, the first factor of the first term that has one is coded by indicators.
/// </summary>
internal static class TermCoding
{
    /// <summary>
    /// For each term, the coding of each of its variables (numeric variables get <see cref="FactorCoding.Contrasts"/>,
    /// which is ignored for them).
    /// </summary>
    public static FactorCoding[][] Compute(TermList terms, Func<FormulaNode, Column> variable)
    {
        var sets = terms.Terms.Select(t => t.Variables.Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal)).ToArray();
        var codes = new FactorCoding[terms.Terms.Count][];
        for (int t = 0; t < codes.Length; t++)
        {
            var vars = terms.Terms[t].Variables;
            codes[t] = new FactorCoding[vars.Count];
            for (int k = 0; k < vars.Count; k++)
            {
                var rest = new HashSet<string>(sets[t], StringComparer.Ordinal);
                rest.Remove(vars[k].ToString());
                bool contained = rest.Count == 0;
                for (int s = 0; s < t && !contained; s++) contained = rest.IsSubsetOf(sets[s]);
                codes[t][k] = contained ? FactorCoding.Contrasts : FactorCoding.Indicators;
            }
        }
        if (!terms.HasIntercept)
        {
            for (int t = 0; t < codes.Length; t++)
            {
                var vars = terms.Terms[t].Variables;
                int first = -1;
                for (int k = 0; k < vars.Count && first < 0; k++)
                {
                    if (variable(vars[k]) is CategoricalColumn) first = k;
                }
                if (first >= 0)
                {
                    codes[t][first] = FactorCoding.Indicators;
                    break;
                }
            }
        }
        return codes;
    }
}
