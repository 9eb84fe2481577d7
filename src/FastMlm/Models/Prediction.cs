using System.Globalization;
using FastMlm.Data;
using FastMlm.Design;

namespace FastMlm.Models;

/// <summary>How <see cref="Prediction.Predict"/> predicts.</summary>
public sealed class PredictionOptions
{
    /// <summary>
    /// With the random effects (the conditional prediction Xβ̂ + Zb̂, lme4's <c>re.form = NULL</c>), or without
    /// (the marginal, population prediction Xβ̂, lme4's <c>re.form = NA</c>); the default is with.
    /// </summary>
    public bool RandomEffects { get; init; } = true;
}

/// <summary>Levels of a grouping factor in new data that the model was not fitted to.</summary>
/// <param name="Factor">The grouping factor (lme4's group name without the <c>.1</c> of a repeated term).</param>
/// <param name="Levels">The new levels, in order of first appearance.</param>
/// <param name="Rows">How many rows of the new data have one of them.</param>
public sealed record NewGroupLevels(string Factor, IReadOnlyList<string> Levels, int Rows);

/// <summary>Predictions for the rows of new data, one per row, NaN where a row misses a value the prediction needs.</summary>
public sealed class PredictionResult
{
    internal PredictionResult(bool randomEffects, double[] predicted, double[] marginal, double[] standardErrors,
        int[] missingRows, NewGroupLevels[] newGroups, string[] messages)
    {
        RandomEffects = randomEffects;
        Predicted = predicted;
        Marginal = marginal;
        StandardErrors = standardErrors;
        MissingRows = missingRows;
        NewGroups = newGroups;
        Messages = messages;
    }

    /// <summary>Whether <see cref="Predicted"/> includes the random effects (conditional) or not (marginal).</summary>
    public bool RandomEffects { get; }

    /// <summary>Number of rows of the new data.</summary>
    public int RowCount => Predicted.Count;

    /// <summary>
    /// The prediction per row: with random effects Xβ̂ + Zb̂ (+ offset), a group the model was not fitted to taking
    /// zero random effects (so its prediction is the marginal one); without, Xβ̂ (+ offset).
    /// </summary>
    public IReadOnlyList<double> Predicted { get; }

    /// <summary>The marginal (population) prediction Xβ̂ (+ offset) per row.</summary>
    public IReadOnlyList<double> Marginal { get; }

    /// <summary>
    /// The standard error of the fixed part per row, √(x' vcov(β̂) x): the uncertainty of Xβ̂ alone, not of the
    /// random effects nor of a new observation.
    /// </summary>
    public IReadOnlyList<double> StandardErrors { get; }

    /// <summary>The rows (zero-based) missing a value the prediction needs; their predictions are NaN.</summary>
    public IReadOnlyList<int> MissingRows { get; }

    /// <summary>Per grouping factor with levels the model was not fitted to: those levels (empty without random effects).</summary>
    public IReadOnlyList<NewGroupLevels> NewGroups { get; }

    /// <summary>Notes for the user: rows missing values, new groups.</summary>
    public IReadOnlyList<string> Messages { get; }
}

/// <summary>Predictions of a fitted linear mixed model for new data, as lme4's <c>predict(fit, newdata, re.form, allow.new.levels = TRUE)</c>.</summary>
public static class Prediction
{
    private const int LevelsShown = 5;

    /// <summary>
    /// Predicts for every row of <paramref name="newData"/>. The new data are coded as the fitted data
    /// (<see cref="NewDataDesign"/>): the same factor levels and contrasts, <c>scale()</c> by the fitted data's
    /// centre and scale. A level of a factor of X the fitted data lack is an error; a level of a grouping factor
    /// the fitted data lack is a new group, whose random effects are taken as zero, and is reported in
    /// <see cref="PredictionResult.Messages"/>.
    /// </summary>
    /// <exception cref="FastMlmException">The new data lack a column, or cannot be coded as the fitted data.</exception>
    public static PredictionResult Predict(FitResult fit, DataFrame newData, PredictionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(newData);
        options ??= new PredictionOptions();
        var design = NewDataDesign.Build(fit.Design, newData, options.RandomEffects);
        var rows = design.Frame.Rows;
        int n = newData.RowCount, m = rows.Count, p = design.X.Columns;

        var beta = fit.FixedEffects.Select(f => f.Estimate).ToArray();
        var marginalKept = new double[m];
        for (int j = 0; j < p; j++)
        {
            var column = design.X.Column(j);
            for (int i = 0; i < m; i++) marginalKept[i] += column[i] * beta[j];
        }
        var offset = design.Offset;
        if (!offset.IsEmpty)
        {
            for (int i = 0; i < m; i++) marginalKept[i] += offset[i];
        }

        var conditionalKept = (double[])marginalKept.Clone();
        var newGroups = new List<NewGroupLevels>();
        if (options.RandomEffects)
        {
            foreach (var table in fit.RandomEffects)
            {
                var term = design.RandomTerms[table.TermIndex];
                var codes = term.Match.Codes;
                int q = term.Columns.Columns;
                for (int i = 0; i < m; i++)
                {
                    int level = codes[i];
                    if (level < 0) continue;
                    double s = 0;
                    for (int k = 0; k < q; k++) s += term.Columns[i, k] * table.Value(level, k);
                    conditionalKept[i] += s;
                }
            }
            foreach (var term in design.RandomTerms)
            {
                if (term.Match.NewLevelRows == 0 || newGroups.Any(g => g.Factor == term.Fitted.GroupName)) continue;
                newGroups.Add(new NewGroupLevels(term.Fitted.GroupName, term.Match.NewLevels, term.Match.NewLevelRows));
            }
        }

        var seKept = FixedPartStandardErrors(design, fit.FixedEffectsCovariance);

        var predicted = Filled(n, double.NaN);
        var marginal = Filled(n, double.NaN);
        var se = Filled(n, double.NaN);
        for (int i = 0; i < m; i++)
        {
            predicted[rows[i]] = conditionalKept[i];
            marginal[rows[i]] = marginalKept[i];
            se[rows[i]] = seKept[i];
        }
        var kept = new bool[n];
        foreach (int r in rows) kept[r] = true;
        var missing = Enumerable.Range(0, n).Where(i => !kept[i]).ToArray();

        var messages = new List<string>();
        if (design.Frame.DroppedNote is { } note) messages.Add(note);
        foreach (var g in newGroups) messages.Add(NewGroupsNote(g));
        return new PredictionResult(options.RandomEffects, predicted, marginal, se, missing, newGroups.ToArray(), messages.ToArray());
    }

    /// <summary>The data columns new data must have to predict from <paramref name="fit"/>, with or without the random effects.</summary>
    public static IReadOnlyList<string> NewDataColumns(FitResult fit, bool randomEffects)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return ModelFrame.NewDataColumns(fit.Design.Formula, randomEffects);
    }

    /// <summary>√(x' V x) per row of X.</summary>
    private static double[] FixedPartStandardErrors(NewDataDesign design, LinearAlgebra.DenseMatrix covariance)
    {
        int m = design.X.Rows, p = design.X.Columns;
        var se = new double[m];
        var x = new double[p];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < p; j++) x[j] = design.X[i, j];
            double s = 0;
            for (int j = 0; j < p; j++)
            {
                double vx = 0;
                for (int k = 0; k < p; k++) vx += covariance[j, k] * x[k];
                s += x[j] * vx;
            }
            se[i] = Math.Sqrt(Math.Max(s, 0));
        }
        return se;
    }

    private static string NewGroupsNote(NewGroupLevels g)
    {
        var shown = string.Join(", ", g.Levels.Take(LevelsShown));
        if (g.Levels.Count > LevelsShown) shown += string.Create(CultureInfo.InvariantCulture, $", and {g.Levels.Count - LevelsShown:N0} more");
        string levels = g.Levels.Count == 1 ? "level" : "levels";
        string rows = g.Rows == 1 ? "row" : "rows";
        return string.Create(CultureInfo.InvariantCulture,
            $"{g.Factor}: {g.Levels.Count:N0} {levels} the model was not fitted to ({shown}) in {g.Rows:N0} {rows}; their random effects are taken as zero, so those rows get the population prediction");
    }

    private static double[] Filled(int n, double value)
    {
        var a = new double[n];
        Array.Fill(a, value);
        return a;
    }
}
