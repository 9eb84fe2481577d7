using FastMlm.Data;
using FastMlm.Formulas;

namespace FastMlm.Design;

/// <summary>
/// The grouping factor of a random-effects term over the rows used: a level index per row and the level
/// labels. A numeric column becomes a factor with its distinct values in numeric order; <c>a:b</c> is the
/// interaction of its factors, levels ordered with the first factor varying slowest and only the
/// combinations that occur kept (labels <c>A:1</c>), as in R.
/// </summary>
public sealed class GroupingFactor
{
    private readonly int[] _codes;
    private readonly string[] _levels;

    private GroupingFactor(string name, int[] codes, string[] levels)
    {
        Name = name;
        _codes = codes;
        _levels = levels;
    }

    /// <summary>lme4's name of the factor (<c>Subject</c>, <c>recipe:replicate</c>, <c>cask:batch</c>).</summary>
    public string Name { get; }

    /// <summary>Level index of each row used.</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>The level labels, in level order.</summary>
    public IReadOnlyList<string> Levels => _levels;

    /// <summary>Number of levels present in the rows used.</summary>
    public int LevelCount => _levels.Length;

    /// <summary>Builds the factor (or the interaction of several) from variables already restricted to the rows used.</summary>
    public static GroupingFactor Build(string name, IReadOnlyList<Column> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (variables.Count == 0) throw new ArgumentException("a grouping factor needs at least one variable", nameof(variables));
        var factors = variables.Select(AsFactor).ToArray();
        if (factors.Length == 1) return new GroupingFactor(name, factors[0].Codes.ToArray(), factors[0].Levels.ToArray());

        // Mixed-radix key with the first factor slowest; sort the keys that occur and number them.
        int n = factors[0].Length;
        var keys = new long[n];
        for (int i = 0; i < n; i++)
        {
            long key = 0;
            foreach (var f in factors) key = checked((key * f.LevelCount) + f.Codes[i]);
            keys[i] = key;
        }
        var distinct = keys.Distinct().ToArray();
        Array.Sort(distinct);
        var index = new Dictionary<long, int>(distinct.Length);
        for (int k = 0; k < distinct.Length; k++) index[distinct[k]] = k;
        var codes = new int[n];
        for (int i = 0; i < n; i++) codes[i] = index[keys[i]];
        var levels = new string[distinct.Length];
        var parts = new string[factors.Length];
        for (int k = 0; k < distinct.Length; k++)
        {
            long key = distinct[k];
            for (int f = factors.Length - 1; f >= 0; f--)
            {
                parts[f] = factors[f].Levels[(int)(key % factors[f].LevelCount)];
                key /= factors[f].LevelCount;
            }
            levels[k] = string.Join(":", parts);
        }
        return new GroupingFactor(name, codes, levels);
    }

    /// <summary>
    /// The level of each row of new data among this factor's levels, matched by label (<c>A:1</c> for an
    /// interaction, a number labelled as R labels it), -1 for a level this factor lacks: a group the model was not
    /// fitted to. <paramref name="variables"/> are the factor's variables evaluated on the new data (no missing values).
    /// </summary>
    public GroupingMatch Match(IReadOnlyList<Column> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (variables.Count == 0) throw new ArgumentException("a grouping factor needs at least one variable", nameof(variables));
        var index = new Dictionary<string, int>(_levels.Length, StringComparer.Ordinal);
        for (int l = 0; l < _levels.Length; l++) index[_levels[l]] = l;
        var factors = variables.Select(AsFactor).ToArray();
        int n = factors[0].Length;
        var codes = new int[n];
        var newLevels = new List<string>();
        var seenNew = new HashSet<string>(StringComparer.Ordinal);
        int newRows = 0;
        var parts = new string[factors.Length];
        for (int i = 0; i < n; i++)
        {
            for (int f = 0; f < factors.Length; f++) parts[f] = factors[f].Levels[factors[f].Codes[i]];
            string label = factors.Length == 1 ? parts[0] : string.Join(":", parts);
            if (index.TryGetValue(label, out int code))
            {
                codes[i] = code;
                continue;
            }
            codes[i] = -1;
            newRows++;
            if (seenNew.Add(label)) newLevels.Add(label);
        }
        return new GroupingMatch(codes, newLevels.ToArray(), newRows);
    }

    /// <summary>A numeric variable as a factor: distinct values in numeric order, labelled as R labels them.</summary>
    internal static CategoricalColumn AsFactor(Column column)
    {
        if (column is CategoricalColumn cat) return cat;
        return ExpressionEvaluator.NumericAsFactor((NumericColumn)column, column.Name);
    }
}

/// <summary>Rows of new data matched to a fitted grouping factor's levels.</summary>
/// <param name="Codes">The fitted level of each row; -1 for a level the fitted data lack.</param>
/// <param name="NewLevels">The labels the fitted factor lacks, in order of first appearance.</param>
/// <param name="NewLevelRows">How many rows have such a label.</param>
public sealed record GroupingMatch(int[] Codes, IReadOnlyList<string> NewLevels, int NewLevelRows);
