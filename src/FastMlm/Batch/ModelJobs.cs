using System.Collections.Concurrent;
using System.Globalization;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Formulas;
using FastMlm.Inference;
using FastMlm.Models;
using FastMlm.Optimization;
using FastMlm.Simulation;

namespace FastMlm.Batch;

/// <summary>
/// One design, many responses: each response column is fitted with the same right-hand side. The design is built
/// once on the rows complete in the predictors; each worker keeps one engine and, per response, replaces only the
/// y-parts of A and refits from lme4's start. A response missing some of those rows cannot share the design and
/// is fitted on its own rows (its row says how many were dropped).
/// </summary>
public sealed class ResponsesJob : IBatchJob
{
    private const string Placeholder = "fastmlm.batch.response";
    private readonly DataFrame _data;
    private readonly string _rhs;
    private readonly IReadOnlyList<string> _responses;
    private readonly LmmOptions _options;
    private readonly ModelDesign _design;
    private readonly ModelRowLayout _layout;
    private readonly ConcurrentBag<ProfiledLmm> _engines = new();
    private readonly int[] _termSizes;
    private readonly string[] _varianceColumns;

    /// <summary>Prepares the shared design.</summary>
    /// <param name="data">The data.</param>
    /// <param name="formula">The model; its left side is replaced by each response in turn (it may be any of them).</param>
    /// <param name="responses">The response columns, in output order.</param>
    /// <param name="options">REML or ML, and the optimiser.</param>
    public ResponsesJob(DataFrame data, string formula, IReadOnlyList<string> responses, LmmOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(responses);
        if (responses.Count == 0) throw new BatchException("no response columns to fit");
        int tilde = formula.IndexOf('~', StringComparison.Ordinal);
        if (tilde < 0) throw new BatchException($"'{formula}' has no '~'");
        _data = data;
        _rhs = formula[(tilde + 1)..].Trim();
        _responses = responses;
        _options = options ?? new LmmOptions();
        foreach (var r in responses)
        {
            if (!data.TryGetColumn(r, out var column)) throw new BatchException(data.UnknownColumnMessage(r));
            if (column is not NumericColumn) throw new BatchException($"response column '{r}' is not numeric");
        }
        _design = ModelDesign.Build(WithResponse(new double[data.RowCount]), $"{Placeholder} ~ {_rhs}");
        _layout = ModelRowLayout.For([_design]);
        var terms = VarianceParameters.Terms(_design);
        _termSizes = terms.Select(t => t.Columns.Count).ToArray();
        _varianceColumns = VarianceParameters.Describe(terms).Descriptions;
        Key = string.Join("\u0001", "responses", data.Source, data.RowCount.ToString(CultureInfo.InvariantCulture), _rhs, _options.Reml ? "REML" : "ML", string.Join(",", responses));
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Columns => _layout.Columns;

    /// <inheritdoc/>
    public int Count => _responses.Count;

    /// <inheritdoc/>
    public string Id(int index) => _responses[index];

    private DataFrame WithResponse(double[] y) =>
        new(_data.Columns.Where(c => c.Name != Placeholder).Append(new NumericColumn(Placeholder, y)), _data.Source);

    /// <inheritdoc/>
    public BatchRow Run(int index)
    {
        string name = _responses[index];
        var all = ((NumericColumn)_data[name]).Values;
        var rows = _design.Frame.Rows;
        var y = new double[rows.Count];
        bool complete = true;
        for (int i = 0; i < y.Length && complete; i++)
        {
            y[i] = all[rows[i]];
            complete = !double.IsNaN(y[i]);
        }
        if (!complete)
        {
            var fit = LinearMixedModel.Fit(ModelDesign.Build(WithResponse(all.ToArray()), $"{Placeholder} ~ {_rhs}"),
                new LmmOptions { Reml = _options.Reml, Optimizer = _options.Optimizer, CheckConvergence = false, SingularTolerance = _options.SingularTolerance });
            var row = _layout.Row(index, name, fit);
            return row with { Messages = row.Messages.Replace(Placeholder, name, StringComparison.Ordinal) };
        }
        var engine = _engines.TryTake(out var e) ? e : new ProfiledLmm(_design, _options.Reml);
        try
        {
            return Refit(engine, index, name, y);
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    private BatchRow Refit(ProfiledLmm engine, int index, string name, double[] y)
    {
        engine.SetResponse(y);
        var opt = engine.Minimize(engine.StartFor(y), _options.Optimizer ?? LinearMixedModel.DefaultOptimizer);
        int n = engine.N, p = engine.P, k = engine.ThetaLength;
        var beta = new double[p];
        var unscaled = new double[p * p];
        engine.FixedEffects(beta, unscaled);
        double sigma2 = engine.ResidualVariance;
        int npar = p + k + 1;
        var values = _layout.Empty();
        _layout.Set(values, "objective", opt.Value);
        _layout.Set(values, "logLik", -opt.Value / 2);
        _layout.Set(values, "AIC", opt.Value + (2.0 * npar));
        _layout.Set(values, "BIC", opt.Value + (npar * Math.Log(n)));
        var names = _design.Fixed.ColumnNames;
        for (int j = 0; j < p; j++)
        {
            _layout.Set(values, names[j], beta[j]);
            _layout.Set(values, "se_" + names[j], Math.Sqrt(sigma2 * unscaled[(j * p) + j]));
        }
        var phi = new double[k + 1];
        VarianceParameters.FromTheta(_termSizes, engine.ReportedTheta(opt.X), Math.Sqrt(sigma2), phi);
        for (int i = 0; i <= k; i++) _layout.Set(values, _varianceColumns[i], phi[i]);

        var messages = new List<string>();
        bool converged = opt.Converged;
        if (!converged) messages.Add($"the optimizer did not converge: {opt.Message}");
        bool singular = engine.Terms.Any(t => Enumerable.Range(0, t.Q).Any(i => opt.X[t.ThetaOffset + LinearMixedModel.DiagonalIndex(i, t.Q)] < _options.SingularTolerance));
        if (singular) messages.Add("boundary (singular) fit");
        return new BatchRow(index, name, converged, values, string.Join("; ", messages), null);
    }
}

/// <summary>Many formulas on one data set: one model per formula.</summary>
public sealed class FormulasJob : IBatchJob
{
    private readonly DataFrame _data;
    private readonly IReadOnlyList<string> _formulas;
    private readonly LmmOptions _options;
    private readonly ModelRowLayout _layout;

    /// <summary>Prepares the output's columns from every formula's design (one that cannot be built fails in its row).</summary>
    public FormulasJob(DataFrame data, IReadOnlyList<string> formulas, LmmOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(formulas);
        if (formulas.Count == 0) throw new BatchException("no formulas to fit");
        _data = data;
        _formulas = formulas;
        _options = options ?? new LmmOptions();
        _layout = ModelRowLayout.For(formulas.Select(TryDesign).OfType<ModelDesign>());
        Key = string.Join("\u0001", "formulas", data.Source, data.RowCount.ToString(CultureInfo.InvariantCulture), _options.Reml ? "REML" : "ML", string.Join("\u0002", formulas));
    }

    private ModelDesign? TryDesign(string formula)
    {
        try
        {
            return ModelDesign.Build(_data, ModelFormula.Parse(formula));
        }
        catch (FastMlmException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Columns => _layout.Columns;

    /// <inheritdoc/>
    public int Count => _formulas.Count;

    /// <inheritdoc/>
    public string Id(int index) => _formulas[index];

    /// <inheritdoc/>
    public BatchRow Run(int index) =>
        _layout.Row(index, _formulas[index], LinearMixedModel.Fit(_data, _formulas[index], _options));
}

/// <summary>One model per subgroup: the rows of each level of a column, in the column's level order.</summary>
public sealed class ByGroupJob : IBatchJob
{
    private readonly DataFrame _data;
    private readonly string _formula;
    private readonly LmmOptions _options;
    private readonly string[] _labels;
    private readonly int[][] _rows;
    private readonly ModelRowLayout _layout;

    /// <summary>Splits the data by <paramref name="column"/> (rows missing it are left out and counted in <see cref="MissingGroupRows"/>).</summary>
    public ByGroupJob(DataFrame data, string formula, string column, LmmOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(formula);
        if (!data.TryGetColumn(column, out var by)) throw new BatchException(data.UnknownColumnMessage(column));
        _data = data;
        _formula = formula;
        _options = options ?? new LmmOptions();
        var order = new List<(double Key, string Label)>();
        var byLabel = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int r = 0; r < data.RowCount; r++)
        {
            if (by.IsMissing(r))
            {
                MissingGroupRows++;
                continue;
            }
            string label = by.FormatValue(r);
            if (!byLabel.TryGetValue(label, out var list))
            {
                byLabel[label] = list = [];
                double key = by is NumericColumn num ? num[r] : ((CategoricalColumn)by).Codes[r];
                order.Add((key, label));
            }
            list.Add(r);
        }
        // Levels in the column's order: numeric values ascending, factor levels in their (sorted) order.
        var sorted = order.OrderBy(o => o.Key).ToArray();
        _labels = sorted.Select(o => o.Label).ToArray();
        _rows = sorted.Select(o => byLabel[o.Label].ToArray()).ToArray();
        if (_labels.Length == 0) throw new BatchException($"column '{column}' has no non-missing value to split by");
        var designs = new List<ModelDesign>();
        for (int g = 0; g < _labels.Length; g++)
        {
            try
            {
                designs.Add(ModelDesign.Build(Subset(g), ModelFormula.Parse(formula)));
            }
            catch (FastMlmException)
            {
                // that subgroup's row will carry the error
            }
        }
        _layout = ModelRowLayout.For(designs);
        Key = string.Join("\u0001", "by", data.Source, data.RowCount.ToString(CultureInfo.InvariantCulture), formula, column, _options.Reml ? "REML" : "ML");
    }

    /// <summary>Rows left out because the split column is missing there.</summary>
    public int MissingGroupRows { get; }

    private DataFrame Subset(int g) => _data.SelectRows(_rows[g], $"{_data.Source}[{_labels[g]}]");

    /// <inheritdoc/>
    public string Key { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Columns => _layout.Columns;

    /// <inheritdoc/>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public string Id(int index) => _labels[index];

    /// <inheritdoc/>
    public BatchRow Run(int index) => _layout.Row(index, _labels[index], LinearMixedModel.Fit(Subset(index), _formula, _options));
}

/// <summary>
/// The parametric bootstrap as a batch: one row per replicate (its criterion, β, the SDs, correlations and σ, and
/// θ), replicate r drawn from its own stream of the seed, so a resumed or multi-threaded run equals a single one.
/// </summary>
public sealed class BootstrapJob : IBatchJob
{
    private readonly FitResult _fit;
    private readonly long _seed;
    private readonly int _count;
    private readonly double[] _thetaHat;
    private readonly double[] _betaHat;
    private readonly ConcurrentBag<ProfiledLmm> _engines = new();
    private readonly string[] _columns;

    /// <summary>A bootstrap of <paramref name="fit"/>.</summary>
    public BootstrapJob(FitResult fit, int replicates, long seed)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (replicates < 1) throw new BatchException("at least one replicate is needed");
        _fit = fit;
        _seed = seed;
        _count = replicates;
        _thetaHat = fit.InternalTheta.ToArray();
        _betaHat = fit.FixedEffects.Select(f => f.Estimate).ToArray();
        var (_, descriptions, _) = VarianceParameters.Describe(fit);
        _columns = new[] { "objective" }.Concat(fit.FixedEffects.Select(f => f.Term)).Concat(descriptions)
            .Concat(Enumerable.Range(1, fit.Theta.Count).Select(i => string.Create(CultureInfo.InvariantCulture, $"theta{i}"))).ToArray();
        Key = string.Join("\u0001", "bootstrap", fit.DataSource, fit.ObservationCount.ToString(CultureInfo.InvariantCulture), fit.Formula, fit.Reml ? "REML" : "ML",
            seed.ToString(CultureInfo.InvariantCulture), replicates.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Columns => _columns;

    /// <inheritdoc/>
    public int Count => _count;

    /// <inheritdoc/>
    public string Id(int index) => (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The columns holding β and the variance parameters (for intervals), with lme4's names.</summary>
    public IReadOnlyList<(string Column, string Parameter)> Parameters()
    {
        var (names, descriptions, _) = VarianceParameters.Describe(_fit);
        return _fit.FixedEffects.Select(f => (f.Term, f.Term)).Concat(descriptions.Zip(names)).ToArray();
    }

    /// <inheritdoc/>
    public BatchRow Run(int index)
    {
        var engine = _engines.TryTake(out var e) ? e : new ProfiledLmm(_fit.Design, _fit.Reml);
        try
        {
            var rep = ParametricBootstrap.Replicate(engine, _fit, _thetaHat, _betaHat, _seed, index);
            var values = new double[_columns.Length];
            values[0] = rep.Criterion;
            rep.Beta.CopyTo(values, 1);
            rep.Variance.CopyTo(values, 1 + rep.Beta.Length);
            rep.Theta.CopyTo(values, 1 + rep.Beta.Length + rep.Variance.Length);
            return new BatchRow(index, Id(index), rep.Converged, values, rep.Converged ? "" : "the optimizer did not converge", null);
        }
        finally
        {
            _engines.Add(engine);
        }
    }
}
