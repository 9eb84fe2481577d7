using FastMlm.Data;
using FastMlm.LinearAlgebra;

namespace FastMlm.Design;

/// <summary>
/// The design of new data against a fitted model's design, for prediction: X with the fitted columns (the same
/// names, factor levels and contrasts, <c>scale()</c> by the fitted data's centre and scale, aliased columns
/// dropped as in the fit), the offset, and optionally each random-effects term's columns with every row's level
/// among the fitted levels (-1 for a group the model was not fitted to). Rows missing a value the prediction
/// needs are left out; <see cref="ModelFrame.Rows"/> of <see cref="Frame"/> lists the rows kept.
/// </summary>
public sealed class NewDataDesign
{
    private readonly double[]? _offset;

    private NewDataDesign(ModelFrame frame, DenseMatrix x, NewDataRandomTerm[] random, double[]? offset)
    {
        Frame = frame;
        X = x;
        RandomTerms = random;
        _offset = offset;
    }

    /// <summary>The new data's frame: the rows with every value the prediction needs, coded as the fitted frame.</summary>
    public ModelFrame Frame { get; }

    /// <summary>Number of rows of the new data (kept or not).</summary>
    public int DataRowCount => Frame.Data.RowCount;

    /// <summary>X over the rows kept, with the fitted design's columns in its order.</summary>
    public DenseMatrix X { get; }

    /// <summary>The random-effects terms in formula order (as <see cref="ModelDesign.RandomTerms"/>); empty when built without them.</summary>
    public IReadOnlyList<NewDataRandomTerm> RandomTerms { get; }

    /// <summary>The offset per row kept; empty when the formula has none.</summary>
    public ReadOnlySpan<double> Offset => _offset;

    /// <summary>
    /// Builds the design of <paramref name="newData"/> against <paramref name="fitted"/>; with
    /// <paramref name="randomEffects"/> the random-effects terms too (their variables and grouping factors must
    /// then be in the new data).
    /// </summary>
    /// <exception cref="FastMlmException">
    /// A column is missing, a variable's type differs from the fitted data's, or a factor of X or of a random-effects
    /// term has a level the fitted data lack (grouping factors may have new levels).
    /// </exception>
    public static NewDataDesign Build(ModelDesign fitted, DataFrame newData, bool randomEffects)
    {
        ArgumentNullException.ThrowIfNull(fitted);
        ArgumentNullException.ThrowIfNull(newData);
        var frame = ModelFrame.BuildForNewData(newData, fitted.Frame, randomEffects);
        var full = ModelMatrixBuilder.Build(frame, fitted.Formula.Fixed);
        var x = full.Matrix.SelectColumns(ColumnsByName(full.Names, fitted.Fixed.ColumnNames, "X"));

        var random = new List<NewDataRandomTerm>();
        if (randomEffects)
        {
            foreach (var term in fitted.RandomTerms)
            {
                var lhs = ModelMatrixBuilder.Build(frame, term.Term.Effects);
                var columns = lhs.Matrix.SelectColumns(ColumnsByName(lhs.Names, term.ColumnNames, term.Term.ToString()));
                var match = term.Grouping.Match(term.Term.Grouping.Select(frame.Variable).ToArray());
                random.Add(new NewDataRandomTerm(term, match, columns));
            }
        }

        double[]? offset = null;
        foreach (var node in fitted.Formula.Offsets)
        {
            var values = ((NumericColumn)frame.Variable(node)).Values;
            offset ??= new double[frame.RowCount];
            for (int i = 0; i < offset.Length; i++) offset[i] += values[i];
        }
        return new NewDataDesign(frame, x, random.ToArray(), offset);
    }

    /// <summary>The positions in <paramref name="built"/> of the fitted design's columns, which coding the new data as the fitted data guarantees.</summary>
    private static int[] ColumnsByName(IReadOnlyList<string> built, IReadOnlyList<string> wanted, string what)
    {
        var index = new Dictionary<string, int>(built.Count, StringComparer.Ordinal);
        for (int j = 0; j < built.Count; j++) index.TryAdd(built[j], j);
        return wanted.Select(name => index.TryGetValue(name, out int j)
            ? j
            : throw new InvalidOperationException($"column '{name}' of {what} is not in the new data's design")).ToArray();
    }
}

/// <summary>One random-effects term over the rows of new data kept for prediction.</summary>
public sealed class NewDataRandomTerm
{
    internal NewDataRandomTerm(RandomTerm fitted, GroupingMatch match, DenseMatrix columns)
    {
        Fitted = fitted;
        Match = match;
        Columns = columns;
    }

    /// <summary>The fitted term.</summary>
    public RandomTerm Fitted { get; }

    /// <summary>Each row's level among the fitted levels (-1 for a new group), and the new groups.</summary>
    public GroupingMatch Match { get; }

    /// <summary>The term's columns (rows kept × q), named as <see cref="RandomTerm.ColumnNames"/>.</summary>
    public DenseMatrix Columns { get; }
}
