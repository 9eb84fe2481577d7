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
    /// <summary>A model matrix with its column names.</summary>
    public sealed record Result(DenseMatrix Matrix, string[] Names);

    public static Result Build(ModelFrame frame, TermList part)
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
            for (int k = 0; k < vars.Count; k++) pieces.Add(Piece.Of(frame.Variable(vars[k]), vars[k].ToString(), codings[t][k]));
            int width = pieces.Aggregate(1, (acc, piece) => checked(acc * piece.Width));
            plans.Add((pieces, width));
            p += width;
        }

        var matrix = new DenseMatrix(n, p);
        var names = new string[p];
        int col = 0;
        if (part.HasIntercept)
        {
            matrix.Column(0).Fill(1.0);
            names[0] = "(Intercept)";
            col = 1;
        }
        foreach (var (pieces, width) in plans)
        {
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
                col++;
                for (int k = 0; k < pieces.Count; k++)
                {
                    if (++index[k] < pieces[k].Width) break;
                    index[k] = 0;
                }
            }
        }
        return new Result(matrix, names);
    }

    /// <summary>One variable's contribution to a term: a numeric column, or the indicator columns of a factor's levels.</summary>
    private sealed class Piece
    {
        private readonly NumericColumn? _numeric;
        private readonly CategoricalColumn? _factor;
        private readonly int _firstLevel;
        private readonly string _label;

        private Piece(string label, NumericColumn? numeric, CategoricalColumn? factor, int firstLevel)
        {
            _label = label;
            _numeric = numeric;
            _factor = factor;
            _firstLevel = firstLevel;
            Width = factor is null ? 1 : factor.LevelCount - firstLevel;
        }

        public int Width { get; }

        public static Piece Of(Column column, string label, FactorCoding coding)
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
                    return new Piece(label, null, cat, coding == FactorCoding.Contrasts ? 1 : 0);
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
            int level = _firstLevel + k;
            var codes = _factor!.Codes;
            for (int i = 0; i < target.Length; i++)
            {
                if (codes[i] != level) target[i] = 0.0;
            }
        }
    }
}
