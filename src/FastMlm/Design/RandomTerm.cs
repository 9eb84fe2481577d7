using System.Globalization;
using FastMlm.Formulas;
using FastMlm.LinearAlgebra;

namespace FastMlm.Design;

/// <summary>
/// One random-effects term over the rows used: its grouping factor and its model columns (the left-hand
/// side of the bar). Z is never formed: row i contributes <see cref="Columns"/>[i, ·] to the block of
/// level <see cref="GroupingFactor.Codes"/>[i].
/// </summary>
public sealed class RandomTerm
{
    private RandomTerm(RandomEffectsTerm term, GroupingFactor grouping, DenseMatrix columns, string[] names)
    {
        Term = term;
        Grouping = grouping;
        Columns = columns;
        ColumnNames = names;
    }

    /// <summary>The term as written (after expansion of <c>||</c> and <c>/</c>).</summary>
    public RandomEffectsTerm Term { get; }

    /// <summary>The grouping factor.</summary>
    public GroupingFactor Grouping { get; }

    /// <summary>lme4's group name (<c>Subject</c>, <c>cask:batch</c>).</summary>
    public string GroupName => Grouping.Name;

    /// <summary>The model columns of the left-hand side, one row per row used (n × q).</summary>
    public DenseMatrix Columns { get; }

    /// <summary>Names of the columns (<c>(Intercept)</c>, <c>Days</c>).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of random effects per level (q).</summary>
    public int EffectsPerLevel => Columns.Columns;

    /// <summary>Builds the term over a model frame.</summary>
    public static RandomTerm Build(ModelFrame frame, RandomEffectsTerm term)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(term);
        var grouping = GroupingFactor.Build(term.GroupName, term.Grouping.Select(frame.Variable).ToArray());
        if (grouping.LevelCount < 2)
        {
            throw new ModelException(string.Create(CultureInfo.InvariantCulture,
                $"grouping factor '{term.GroupName}' of {term} has only one level ('{grouping.Levels[0]}') in the rows used; a random effect needs at least two groups"));
        }
        var lhs = ModelMatrixBuilder.Build(frame, term.Effects);
        if (lhs.Names.Length == 0)
        {
            throw new ModelException($"random-effects term {term} has no columns: write (1 | {term.GroupName}) for a random intercept");
        }
        return new RandomTerm(term, grouping, lhs.Matrix, lhs.Names);
    }
}
