namespace FastMlm.Formulas;

/// <summary>
/// What the data-dependent functions of a formula learned from the data a model was fitted to, keyed by the
/// call's deparsed text: the centre and scale of each <c>scale()</c> call (<c>scale(age)</c>), and the group means
/// of each centering call (<c>cwc(x, g)</c>: the mean of x per level label of g; <c>cgm(x)</c>: one mean). Applied
/// unchanged when new data are evaluated for prediction, so that a value means the same in both.
/// </summary>
internal sealed class ScaleParameters
{
    private readonly Dictionary<string, (double Centre, double Scale)> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, double>> _means = new(StringComparer.Ordinal);

    /// <summary>The group means recorded for a centering call (by the group's level label; "" for <c>cgm</c>).</summary>
    public bool TryGetMeans(string call, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyDictionary<string, double>? means)
    {
        if (_means.TryGetValue(call, out var m))
        {
            means = m;
            return true;
        }
        means = null;
        return false;
    }

    /// <summary>Records a centering call's group means.</summary>
    public void RecordMeans(string call, Dictionary<string, double> means) => _means[call] = means;

    /// <summary>Number of <c>scale()</c> calls recorded.</summary>
    public int Count => _values.Count;

    /// <summary>The centre and scale recorded for the call <paramref name="call"/>.</summary>
    public bool TryGet(string call, out double centre, out double scale)
    {
        if (_values.TryGetValue(call, out var v))
        {
            (centre, scale) = v;
            return true;
        }
        centre = scale = double.NaN;
        return false;
    }

    /// <summary>Records the centre and scale of a call (the same call evaluated twice records the same values).</summary>
    public void Record(string call, double centre, double scale) => _values[call] = (centre, scale);
}
