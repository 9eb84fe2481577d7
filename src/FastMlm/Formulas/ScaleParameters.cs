namespace FastMlm.Formulas;

/// <summary>
/// The centre and scale of each <c>scale()</c> call of a formula, keyed by the call's deparsed text
/// (<c>scale(age)</c>): learned when the variables are evaluated on the data a model is fitted to, and applied
/// unchanged when new data are evaluated for prediction, so that a value means the same in both.
/// </summary>
internal sealed class ScaleParameters
{
    private readonly Dictionary<string, (double Centre, double Scale)> _values = new(StringComparer.Ordinal);

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
