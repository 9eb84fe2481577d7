using FastMlm.Design;
using FastMlm.Inference;
using FastMlm.Models;

namespace FastMlm.Batch;

/// <summary>
/// The columns of a batch of model fits: <c>objective</c> (the criterion, REML's or −2 log-likelihood),
/// <c>logLik</c>, <c>AIC</c>, <c>BIC</c>, each fixed effect and its standard error (<c>x</c>, <c>se_x</c>), each
/// variance parameter (<c>sd_x|g</c>, <c>cor_x.(Intercept)|g</c>) and <c>sigma</c>: the union over the models,
/// in order of first appearance; a model without a column has NA there.
/// </summary>
public sealed class ModelRowLayout
{
    private readonly Dictionary<string, int> _index;

    private ModelRowLayout(List<string> columns)
    {
        Columns = columns;
        _index = columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>The columns.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The layout covering these designs.</summary>
    public static ModelRowLayout For(IEnumerable<ModelDesign> designs)
    {
        ArgumentNullException.ThrowIfNull(designs);
        var columns = new List<string> { "objective", "logLik", "AIC", "BIC" };
        var seen = new HashSet<string>(columns, StringComparer.Ordinal);
        var variance = new List<string>();
        foreach (var design in designs)
        {
            foreach (var name in design.Fixed.ColumnNames)
            {
                if (seen.Add(name))
                {
                    columns.Add(name);
                    columns.Add("se_" + name);
                    seen.Add("se_" + name);
                }
            }
            var (_, descriptions, _) = VarianceParameters.Describe(VarianceParameters.Terms(design));
            foreach (var d in descriptions)
            {
                if (seen.Add(d)) variance.Add(d);
            }
        }
        columns.AddRange(variance.Where(v => v != "sigma"));
        if (variance.Contains("sigma")) columns.Add("sigma");
        return new ModelRowLayout(columns);
    }

    /// <summary>A fit's row.</summary>
    public BatchRow Row(int index, string id, FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var values = Empty();
        Set(values, "objective", fit.Criterion);
        Set(values, "logLik", fit.LogLikelihood);
        Set(values, "AIC", fit.Aic);
        Set(values, "BIC", fit.Bic);
        foreach (var fe in fit.FixedEffects)
        {
            Set(values, fe.Term, fe.Estimate);
            Set(values, "se_" + fe.Term, fe.StandardError);
        }
        var (_, descriptions, _) = VarianceParameters.Describe(fit);
        var phi = new double[fit.Theta.Count + 1];
        VarianceParameters.FromTheta(fit.RandomEffects.Select(t => t.Columns.Count).ToArray(), fit.Theta.ToArray(), fit.Sigma, phi);
        for (int i = 0; i < phi.Length; i++) Set(values, descriptions[i], phi[i]);
        return new BatchRow(index, id, fit.Converged, values, string.Join("; ", fit.Messages), null);
    }

    /// <summary>A row of NaN.</summary>
    public double[] Empty()
    {
        var values = new double[Columns.Count];
        Array.Fill(values, double.NaN);
        return values;
    }

    /// <summary>Sets a column's value when the layout has it.</summary>
    public void Set(double[] values, string column, double value)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (_index.TryGetValue(column, out int i)) values[i] = value;
    }
}
