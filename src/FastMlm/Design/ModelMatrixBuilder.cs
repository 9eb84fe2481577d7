using FastMlm.Data;
using FastMlm.Formulas;
using FastMlm.LinearAlgebra;

namespace FastMlm.Design;

/// <summary>
/// Builds the dense model matrix of a model part (the fixed effects, or the left-hand side of a random-effects
/// term) as R's <c>model.matrix</c> does: an intercept column, then for each term the products of its
/// variables' columns, the first variable varying fastest, named as R names them (<c>recipeB:factor(temperature)185</c>).
/// </summary>
internal static class ModelMatrixBuilder
{
    /// <summary>A model matrix with its column names and, per column, the label of the term it codes (<c>x:f</c>).</summary>
    public sealed record Result(DenseMatrix Matrix, string[] Names, string[] Terms);

    /// <param name="frame">The model frame.</param>
    /// <param name="part">The terms (the fixed part, or a random term's left side).</param>
    /// <param name="sumContrasts">
    /// Code factors with sum-to-zero contrasts (R's <c>contr.sum</c>: column k is 1 at level k, −1 at the last
    /// level) instead of treatment contrasts: the same column space, the parametrisation type-III tests use.
    /// </param>
    public static Result Build(ModelFrame frame, TermList part, bool sumContrasts = false)
    {
        var codings = TermCoding.Compute(part, frame.Variable);
        int n = frame.RowCount;

        // Each term is a list of factors of columns; count the columns first to allocate X once.
        var plans = new List<(List<Piece> Pieces, int Width)>();
        int p = part.HasIntercept ? 1 : 0;
        for (int t = 0; t < part.Terms.Count; t++)
        {
            var pieces = new List<Piece>();
            var vars = part.Terms[t].Variables;
            for (int k = 0; k < vars.Count; k++) pieces.Add(Piece.Of(frame.Variable(vars[k]), vars[k].ToString(), codings[t][k], sumContrasts));
            int width = pieces.Aggregate(1, (acc, piece) => checked(acc * piece.Width));
            plans.Add((pieces, width));
            p += width;
        }

        var matrix = new DenseMatrix(n, p);
        var names = new string[p];
        var terms = new string[p];
        int col = 0;
        if (part.HasIntercept)
        {
            matrix.Column(0).Fill(1.0);
            names[0] = terms[0] = "(Intercept)";
            col = 1;
        }
        for (int t = 0; t < plans.Count; t++)
        {
            var (pieces, width) = plans[t];
            string termLabel = string.Join(":", part.Terms[t].Variables.Select(v => v.ToString()));
            // Enumerate the Kronecker product with the first variable varying fastest.
            var index = new int[pieces.Count];
            for (int c = 0; c < width; c++)
            {
                var target = matrix.Column(col);
                target.Fill(1.0);
                var label = new string[pieces.Count];
                for (int k = 0; k < pieces.Count; k++)
                {
                    pieces[k].MultiplyInto(index[k], target);
                    label[k] = pieces[k].ColumnName(index[k]);
                }
                names[col] = string.Join(":", label);
                terms[col] = termLabel;
                col++;
                for (int k = 0; k < pieces.Count; k++)
                {
                    if (++index[k] < pieces[k].Width) break;
                    index[k] = 0;
                }
            }
        }
        return new Result(matrix, names, terms);
    }

    /// <summary>One variable's contribution to a term: a numeric column, or the indicator columns of a factor's levels.</summary>
    private sealed class Piece
    {
        private readonly NumericColumn? _numeric;
        private readonly CategoricalColumn? _factor;
        private readonly int _firstLevel;
        private readonly bool _sum;
        private readonly string _label;

        private Piece(string label, NumericColumn? numeric, CategoricalColumn? factor, int firstLevel, bool sum = false)
        {
            _label = label;
            _numeric = numeric;
            _factor = factor;
            _firstLevel = firstLevel;
            _sum = sum;
            Width = factor is null ? 1 : factor.LevelCount - firstLevel;
        }

        public int Width { get; }

        public static Piece Of(Column column, string label, FactorCoding coding, bool sumContrasts)
        {
            switch (column)
            {
                case NumericColumn num:
                    return new Piece(label, num, null, 0);
                case CategoricalColumn cat:
                    if (coding == FactorCoding.Contrasts && cat.LevelCount < 2)
                    {
                        throw new ModelException(
                            $"factor '{label}' has a single level ('{cat.Levels[0]}') in the rows used, so it cannot have contrasts; remove it from the formula");
                    }
                    bool contrasts = coding == FactorCoding.Contrasts;
                    return new Piece(label, null, cat, contrasts ? 1 : 0, contrasts && sumContrasts);
                default:
                    throw new InvalidOperationException($"unexpected column type {column.GetType().Name}");
            }
        }

        public string ColumnName(int k) => _factor is null ? _label : _label + _factor.Levels[_firstLevel + k];

        public void MultiplyInto(int k, Span<double> target)
        {
            if (_numeric is not null)
            {
                var values = _numeric.Values;
                for (int i = 0; i < target.Length; i++) target[i] *= values[i];
                return;
            }
            var codes = _factor!.Codes;
            if (_sum)
            {
                // contr.sum: column k is level k (k = 0 … K−2), the last level −1 in every column.
                int last = _factor.LevelCount - 1;
                for (int i = 0; i < target.Length; i++)
                {
                    int c = codes[i];
                    if (c == last) target[i] = -target[i];
                    else if (c != k) target[i] = 0.0;
                }
                return;
            }
            int level = _firstLevel + k;
            for (int i = 0; i < target.Length; i++)
            {
                if (codes[i] != level) target[i] = 0.0;
            }
        }
    }
}
