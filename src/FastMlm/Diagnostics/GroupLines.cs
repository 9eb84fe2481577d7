using FastMlm.Data;
using FastMlm.Formulas;
using FastMlm.Models;

namespace FastMlm.Diagnostics;

/// <summary>A predicted line: the prediction at points along x.</summary>
/// <param name="Level">The group's level; <c>population</c> for the line without random effects.</param>
/// <param name="X">The values of x, ascending, over the group's own range.</param>
/// <param name="Y">The prediction at each.</param>
/// <param name="Highlighted">Whether the plot draws the line in colour (the rest faint).</param>
public sealed record GroupLine(string Level, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Highlighted);

/// <summary>An observation of a highlighted group.</summary>
/// <param name="Level">Its group.</param>
/// <param name="X">Its x.</param>
/// <param name="Y">Its response.</param>
public sealed record GroupObservation(string Level, double X, double Y);

/// <summary>The data of the group-lines plot.</summary>
/// <param name="Factor">The grouping factor.</param>
/// <param name="XName">The data column along the horizontal axis.</param>
/// <param name="ResponseName">The response as the formula writes it.</param>
/// <param name="Population">The marginal (fixed-effects) line over the whole range of x.</param>
/// <param name="Lines">One line per level of the factor, in the factor's order.</param>
/// <param name="Observations">The observations of the highlighted groups.</param>
public sealed record GroupLinesData(string Factor, string XName, string ResponseName, GroupLine Population,
    IReadOnlyList<GroupLine> Lines, IReadOnlyList<GroupObservation> Observations);

/// <summary>
/// Each group's predicted regression line along one variable, as multilevel courses draw them to show lines
/// fanning in or out. The lines are predictions of the model with the random effects (<see cref="Prediction"/>):
/// within each group, x runs over the group's observed range and every other variable is held at the group's mean
/// (numeric) or its most common value (categorical, and numeric grouping variables); the population line holds them
/// at their overall mean or most common value and leaves the random effects out. In <c>y ~ x + (x | g)</c> a group's
/// line is (β₀ + b₀) + (β₁ + b₁)x. A GLMM's lines are curves on the response scale, g⁻¹ of the predicted linear predictor
/// (probabilities, or rates); the population curve is g⁻¹(Xβ̂), the curve of a group whose random effects are zero.
/// </summary>
public static class GroupLines
{
    /// <summary>How many groups are highlighted when none are named.</summary>
    public const int DefaultSample = 10;

    private const int PointsPerLine = 12;

    /// <summary>The lines of every level of <paramref name="factor"/> (null: the first random-effects term's factor).</summary>
    /// <param name="fit">A linear or generalized linear mixed model.</param>
    /// <param name="x">The data column along the horizontal axis; null for <see cref="DefaultX"/>.</param>
    /// <param name="factor">The grouping factor, as lme4 names it.</param>
    /// <param name="highlight">The levels to highlight; null or empty for a sample of <see cref="DefaultSample"/> drawn with <paramref name="seed"/>.</param>
    /// <param name="seed">The seed of the sample.</param>
    /// <exception cref="ModelException">The factor, x or a level to highlight is not of the model.</exception>
    public static GroupLinesData Compute(FitResult fit, string? x = null, string? factor = null, IReadOnlyList<string>? highlight = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(fit);
        factor = PoolingTable.GroupingFactorOf(fit, factor);
        var design = fit.Design;
        var data = design.Frame.Data;
        x ??= DefaultX(fit);
        var needed = Prediction.NewDataColumns(fit, randomEffects: true);
        if (!needed.Contains(x, StringComparer.Ordinal))
        {
            throw new ModelException($"--x {x}: not a variable of the model (its variables: {string.Join(", ", needed)})");
        }
        if (data[x] is not NumericColumn xColumn) throw new ModelException($"--x {x}: the column is not numeric, so it cannot lie along an axis");
        if (FactorVariables(design.Formula).Contains(x)) throw new ModelException($"--x {x}: the model takes it as a factor (factor({x})), so there is no line along it");

        var term = design.RandomTerms.First(t => t.GroupName == factor);
        var levels = term.Grouping.Levels;
        var codes = term.Grouping.Codes;
        var rows = design.Frame.Rows;
        var rowsOf = new List<int>[levels.Count];
        for (int l = 0; l < rowsOf.Length; l++) rowsOf[l] = [];
        for (int i = 0; i < rows.Count; i++) rowsOf[codes[i]].Add(rows[i]);

        var marked = Highlighted(levels, factor, highlight, seed);
        var grouping = GroupingVariables(design.Formula);
        var lines = new GroupLine[levels.Count];
        var byGroup = Frame(data, needed, x, grouping, rowsOf.Select(r => (IReadOnlyList<int>)r).ToArray());
        var predicted = ResponseScale(fit, Prediction.Predict(fit, byGroup.Frame).Predicted);
        for (int l = 0; l < levels.Count; l++)
        {
            var span = Enumerable.Range(l * PointsPerLine, PointsPerLine);
            lines[l] = new GroupLine(levels[l], span.Select(i => byGroup.X[i]).ToArray(), span.Select(i => predicted[i]).ToArray(), marked[l]);
        }
        var all = Frame(data, needed, x, grouping, [rows]);
        var marginal = ResponseScale(fit, Prediction.Predict(fit, all.Frame, new PredictionOptions { RandomEffects = false }).Predicted);
        var population = new GroupLine("population", all.X, marginal, true);

        var y = design.Response.Values;
        var observations = new List<GroupObservation>();
        for (int i = 0; i < rows.Count; i++)
        {
            if (marked[codes[i]]) observations.Add(new GroupObservation(levels[codes[i]], xColumn[rows[i]], y[i]));
        }
        string response = Deparser.Deparse(design.Formula.Response);
        if (fit.IsGeneralized) response = (fit.Family == Family.Binomial ? "fitted probability: " : "fitted mean: ") + response;
        return new GroupLinesData(factor, x, response, population, lines, observations);
    }

    /// <summary>
    /// The default x: the first numeric data column read by the first random-effects term with a slope, else by the
    /// fixed part (grouping variables, variables taken as factors with <c>factor()</c> and the response not counted).
    /// </summary>
    /// <exception cref="ModelException">The model has no numeric variable besides the response and the grouping factors.</exception>
    public static string DefaultX(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var formula = fit.Design.Formula;
        var data = fit.Design.Frame.Data;
        var grouping = GroupingVariables(formula);
        grouping.UnionWith(FactorVariables(formula));
        var response = new List<string>();
        ModelFormula.CollectIdentifiers(formula.Response, response);
        var slopes = formula.Random.SelectMany(r => r.Effects.Terms);
        foreach (var termList in new[] { slopes, formula.Fixed.Terms })
        {
            var names = new List<string>();
            foreach (var node in termList.SelectMany(t => t.Variables)) ModelFormula.CollectIdentifiers(node, names);
            var found = names.FirstOrDefault(n => !grouping.Contains(n) && !response.Contains(n, StringComparer.Ordinal)
                && data.TryGetColumn(n, out var c) && c is NumericColumn);
            if (found is not null) return found;
        }
        throw new ModelException("the model has no numeric predictor to draw the group lines along; name one with --x");
    }

    /// <summary>A GLMM's predicted linear predictor mapped to the response scale, μ = g⁻¹(η); a linear model's predictions as they are.</summary>
    private static double[] ResponseScale(FitResult fit, IReadOnlyList<double> predicted)
    {
        if (!fit.IsGeneralized) return predicted.ToArray();
        var link = Links.Parse(fit.Link, fit.Family);
        return predicted.Select(eta => Links.Inverse(link, eta).Mu).ToArray();
    }

    private static bool[] Highlighted(IReadOnlyList<string> levels, string factor, IReadOnlyList<string>? highlight, int seed)
    {
        var marked = new bool[levels.Count];
        if (highlight is { Count: > 0 })
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int l = 0; l < levels.Count; l++) index[levels[l]] = l;
            foreach (var level in highlight)
            {
                if (!index.TryGetValue(level, out int l))
                {
                    var near = NameSuggestions.Nearest(level, levels);
                    throw new ModelException($"'{level}' is not a level of {factor}" + (near is null ? "" : $"; did you mean '{near}'?"));
                }
                marked[l] = true;
            }
            return marked;
        }
        var random = new Random(seed);
        foreach (int l in Enumerable.Range(0, levels.Count).OrderBy(_ => random.Next()).Take(DefaultSample)) marked[l] = true;
        return marked;
    }

    /// <summary>The variables the formula reads through <c>factor()</c>: categories, whatever their column's type.</summary>
    private static HashSet<string> FactorVariables(ModelFormula formula)
    {
        var names = new List<string>();
        var terms = formula.Fixed.Terms.Concat(formula.Random.SelectMany(r => r.Effects.Terms));
        foreach (var node in terms.SelectMany(t => t.Variables)) ModelFormula.CollectIdentifiers(node, names, "factor");
        return names.ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> GroupingVariables(ModelFormula formula)
    {
        var names = new List<string>();
        foreach (var node in formula.Random.SelectMany(r => r.Grouping)) ModelFormula.CollectIdentifiers(node, names);
        return names.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// New data with <see cref="PointsPerLine"/> rows per set of data rows: x evenly over the set's range, every other
    /// column at the set's mean or most common value.
    /// </summary>
    private static (DataFrame Frame, double[] X) Frame(DataFrame data, IReadOnlyList<string> columns, string x, HashSet<string> grouping,
        IReadOnlyList<IReadOnlyList<int>> sets)
    {
        int n = sets.Count * PointsPerLine;
        var xs = new double[n];
        var xColumn = (NumericColumn)data[x];
        for (int s = 0; s < sets.Count; s++)
        {
            double lo = sets[s].Min(r => xColumn[r]), hi = sets[s].Max(r => xColumn[r]);
            for (int k = 0; k < PointsPerLine; k++) xs[(s * PointsPerLine) + k] = lo + ((hi - lo) * k / (PointsPerLine - 1));
        }
        var result = new List<Column>();
        foreach (var name in columns)
        {
            var column = data[name];
            if (name == x)
            {
                result.Add(new NumericColumn(name, xs));
                continue;
            }
            if (column is CategoricalColumn cat)
            {
                var c = new int[n];
                for (int s = 0; s < sets.Count; s++) Array.Fill(c, MostCommon(sets[s], r => cat.Codes[r]), s * PointsPerLine, PointsPerLine);
                result.Add(new CategoricalColumn(name, c, cat.Levels.ToArray()));
                continue;
            }
            var num = (NumericColumn)column;
            var v = new double[n];
            for (int s = 0; s < sets.Count; s++)
            {
                double value = grouping.Contains(name) ? MostCommon(sets[s], r => num[r]) : sets[s].Average(r => num[r]);
                Array.Fill(v, value, s * PointsPerLine, PointsPerLine);
            }
            result.Add(new NumericColumn(name, v));
        }
        return (new DataFrame(result, data.Source), xs);
    }

    private static T MostCommon<T>(IReadOnlyList<int> rows, Func<int, T> value) where T : notnull =>
        rows.GroupBy(value).OrderByDescending(g => g.Count()).First().Key;
}
