using System.Globalization;
using FastMlm.Data;
using FastMlm.Formulas;
using FastMlm.Models;

namespace FastMlm.Design;

/// <summary>
/// The response over the rows used, checked against the family: a number per row for a linear model;
/// for binomial models the proportion of successes and the number of trials (from 0/1 values, a
/// two-level factor whose second level is the success, <c>cbind(successes, failures)</c>, or a proportion
/// with the trials as weights); whole counts for Poisson models, optionally weighted.
/// </summary>
public sealed class Response
{
    private readonly double[] _values;
    private readonly double[]? _trials;
    private readonly double[]? _weights;

    private Response(string label, double[] values, double[]? trials, double[]? weights = null)
    {
        Label = label;
        _values = values;
        _trials = trials;
        _weights = weights ?? trials;
    }

    /// <summary>The response as written in the formula (<c>Reaction</c>, <c>log(y)</c>, <c>cbind(incidence, size - incidence)</c>).</summary>
    public string Label { get; }

    /// <summary>The response per row used (for binomial models the proportion of successes).</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Binomial trials per row (successes + failures of a <c>cbind</c> response); empty otherwise.</summary>
    public ReadOnlySpan<double> Trials => _trials;

    /// <summary>Whether the response carries trials (a <c>cbind</c> response).</summary>
    public bool HasTrials => _trials is not null;

    /// <summary>
    /// The prior weights of a GLMM per row used: a binomial response's trials (from <c>cbind</c> or the weights column),
    /// a Poisson response's weights; empty when every weight is 1.
    /// </summary>
    public ReadOnlySpan<double> PriorWeights => _weights;

    /// <summary>Builds and checks the response.</summary>
    public static Response Build(ModelFrame frame, Family family) => Build(frame, family, null);

    /// <summary>
    /// Builds and checks the response, with <paramref name="weights"/> (a variable of the frame) as the trials of a
    /// binomial proportion or the weights of Poisson counts.
    /// </summary>
    public static Response Build(ModelFrame frame, Family family, FormulaNode? weights)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var node = frame.Formula.Response;
        string label = node.ToString();
        double[]? w = null;
        if (weights is not null)
        {
            if (family == Family.Gaussian)
            {
                throw new ModelException($"weights ('{weights}') are for binomial trials and weighted Poisson counts; weighted linear mixed models are not available");
            }
            if (node is CallNode { Function: "cbind" })
            {
                throw new ModelException($"response '{label}' already gives the trials (successes + failures); leave out the weights ('{weights}')");
            }
            w = Numeric(frame, weights, "the weights").ToArray();
            for (int i = 0; i < w.Length; i++)
            {
                if (w[i] < 0) throw OutOfRange(frame, i, weights.ToString(), "weights must not be negative");
            }
        }
        if (node is CallNode { Function: "cbind" } call)
        {
            if (family != Family.Binomial)
            {
                throw new ModelException($"response '{label}' gives successes and failures, which needs --family binomial");
            }
            if (call.Arguments.Count != 2)
            {
                throw new ModelException($"response '{label}' must be cbind(successes, failures), with two arguments");
            }
            var successes = Numeric(frame, call.Arguments[0]);
            var failures = Numeric(frame, call.Arguments[1]);
            var values = new double[successes.Length];
            var trials = new double[successes.Length];
            for (int i = 0; i < values.Length; i++)
            {
                double s = successes[i], f = failures[i];
                if (s < 0 || f < 0) throw OutOfRange(frame, i, label, "successes and failures must not be negative");
                if (!IsWhole(s) || !IsWhole(f)) throw OutOfRange(frame, i, label, "successes and failures must be whole numbers");
                trials[i] = s + f;
                values[i] = trials[i] > 0 ? s / trials[i] : 0;
            }
            return new Response(label, values, trials);
        }

        var column = frame.Variable(node);
        switch (family)
        {
            case Family.Gaussian:
                if (column is CategoricalColumn)
                {
                    throw new ModelException($"response '{label}' is categorical; a linear mixed model needs a numeric response (for a binary outcome use --family binomial)");
                }
                return new Response(label, ((NumericColumn)column).Values.ToArray(), null);
            case Family.Binomial:
                if (column is CategoricalColumn cat)
                {
                    if (cat.LevelCount != 2)
                    {
                        throw new ModelException(string.Create(CultureInfo.InvariantCulture,
                            $"response '{label}' has {cat.LevelCount} levels; a binomial response needs exactly two (the first is failure, the second success)"));
                    }
                    var codes = cat.Codes;
                    var values = new double[codes.Length];
                    for (int i = 0; i < values.Length; i++) values[i] = codes[i];
                    return new Response(label, values, null, w);
                }
                {
                    var values = ((NumericColumn)column).Values.ToArray();
                    for (int i = 0; i < values.Length; i++)
                    {
                        double v = values[i];
                        if (v < 0 || v > 1) throw OutOfRange(frame, i, label, "a binomial response must lie between 0 and 1 (for counts of successes use cbind(successes, failures))");
                        if (w is null && v != 0 && v != 1)
                        {
                            throw OutOfRange(frame, i, label, "a binomial response without trials must be 0 or 1 (for a proportion give the trials as weights, or use cbind(successes, failures))");
                        }
                        if (w is not null && !IsWhole(v * w[i]))
                        {
                            throw OutOfRange(frame, i, label, "the proportion times the trials (the weights) must be a whole number of successes");
                        }
                    }
                    return new Response(label, values, null, w);
                }
            case Family.Poisson:
                if (column is CategoricalColumn)
                {
                    throw new ModelException($"response '{label}' is categorical; a Poisson model needs counts");
                }
                {
                    var values = ((NumericColumn)column).Values.ToArray();
                    for (int i = 0; i < values.Length; i++)
                    {
                        if (values[i] < 0) throw OutOfRange(frame, i, label, "a Poisson response must not be negative");
                        if (!IsWhole(values[i])) throw OutOfRange(frame, i, label, "a Poisson response must be a whole count (for rates use counts with an offset(log(exposure)))");
                    }
                    return new Response(label, values, null, w);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(family));
        }
    }

    private static ReadOnlySpan<double> Numeric(ModelFrame frame, FormulaNode node, string what = "the response") => frame.Variable(node) switch
    {
        NumericColumn num => num.Values,
        _ => throw new ModelException(what == "the response" ? $"'{node}' in the response is categorical; cbind() needs counts" : $"'{node}' ({what}) is categorical; it must be numeric"),
    };

    /// <summary>Whole to within rounding (R accepts counts computed as proportion × trials).</summary>
    private static bool IsWhole(double v) => Math.Abs(v - Math.Round(v)) <= 1e-7 * Math.Max(1, Math.Abs(v));

    private static ModelException OutOfRange(ModelFrame frame, int row, string label, string rule) =>
        new(string.Create(CultureInfo.InvariantCulture, $"response '{label}' is out of range in data row {frame.Rows[row] + 1}: {rule}"));
}
