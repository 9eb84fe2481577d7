using FastMlm.Data;
using FastMlm.Formulas;
using FastMlm.Models;

namespace FastMlm.Design;

/// <summary>
/// Everything a mixed model is estimated from: the rows used, the response, the fixed-effects matrix X,
/// the random-effects terms (grouping factors and their columns) and the offset, with the notes a user
/// should read (rows dropped, columns dropped).
/// </summary>
public sealed class ModelDesign
{
    private ModelDesign(ModelFrame frame, Family family, Response response, FixedDesign fixedDesign, RandomTerm[] random, double[]? offset, string[] messages)
    {
        Frame = frame;
        Family = family;
        Response = response;
        Fixed = fixedDesign;
        RandomTerms = random;
        _offset = offset;
        Messages = messages;
    }

    private readonly double[]? _offset;

    /// <summary>The formula.</summary>
    public ModelFormula Formula => Frame.Formula;

    /// <summary>The model frame (rows used and evaluated variables).</summary>
    public ModelFrame Frame { get; }

    /// <summary>The response family.</summary>
    public Family Family { get; }

    /// <summary>The response over the rows used.</summary>
    public Response Response { get; }

    /// <summary>The fixed-effects design.</summary>
    public FixedDesign Fixed { get; }

    /// <summary>The random-effects terms, in formula order.</summary>
    public IReadOnlyList<RandomTerm> RandomTerms { get; }

    /// <summary>The offset per row used (the sum of the formula's <c>offset()</c> terms); empty when there is none.</summary>
    public ReadOnlySpan<double> Offset => _offset;

    /// <summary>Number of observations used.</summary>
    public int ObservationCount => Frame.RowCount;

    /// <summary>Notes for the user: rows dropped for missing values, columns dropped for rank deficiency.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>Levels of each distinct grouping factor, keyed by lme4's group name, in term order.</summary>
    public IReadOnlyDictionary<string, int> GroupCounts
    {
        get
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var t in RandomTerms) counts.TryAdd(t.GroupName, t.Grouping.LevelCount);
            return counts;
        }
    }

    /// <summary>Parses <paramref name="formula"/> and builds the design over <paramref name="data"/>.</summary>
    public static ModelDesign Build(DataFrame data, string formula, Family family = Family.Gaussian) =>
        Build(data, ModelFormula.Parse(formula), family);

    /// <summary>Builds the design of a mixed model over <paramref name="data"/>.</summary>
    /// <exception cref="FastMlmException">The data do not fit the formula (unknown column, no rows left, bad response, a single-level grouping factor ...).</exception>
    public static ModelDesign Build(DataFrame data, ModelFormula formula, Family family = Family.Gaussian) => Build(data, formula, family, null);

    /// <summary>
    /// Builds the design with a column of prior weights: the trials of a binomial proportion, or the weights of
    /// Poisson counts (rows missing a weight are dropped as rows missing any other variable).
    /// </summary>
    /// <exception cref="FastMlmException">As <see cref="Build(DataFrame, ModelFormula, Family)"/>, or the weights do not suit the family.</exception>
    public static ModelDesign Build(DataFrame data, ModelFormula formula, Family family, string? weights)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(formula);
        if (formula.Random.Count == 0)
        {
            throw new ModelException($"formula '{formula.Text}' has no random-effects term such as (1 | group); a mixed model needs at least one");
        }
        FormulaNode? weightsNode = string.IsNullOrWhiteSpace(weights) ? null : new Identifier(weights.Trim(), 0);
        var frame = ModelFrame.Build(data, formula, weightsNode is null ? [] : [weightsNode]);
        var response = Response.Build(frame, family, weightsNode);
        var fixedDesign = FixedDesign.Build(frame);
        var random = formula.Random.Select(t => RandomTerm.Build(frame, t)).ToArray();
        double[]? offset = null;
        foreach (var node in formula.Offsets)
        {
            if (frame.Variable(node) is not NumericColumn num)
            {
                throw new ModelException($"offset({node}) is categorical; an offset must be numeric");
            }
            offset ??= new double[frame.RowCount];
            var values = num.Values;
            for (int i = 0; i < offset.Length; i++) offset[i] += values[i];
        }
        var messages = new List<string>();
        if (frame.DroppedNote is { } dropped) messages.Add(dropped);
        if (fixedDesign.RankNote is { } rank) messages.Add(rank);
        return new ModelDesign(frame, family, response, fixedDesign, random, offset, messages.ToArray());
    }
}
