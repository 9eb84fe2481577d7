namespace FastMlm.Models;

/// <summary>The distribution of the response given the random effects.</summary>
public enum Family
{
    /// <summary>Normal errors: a linear mixed model.</summary>
    Gaussian,

    /// <summary>Binary outcomes or successes out of trials: multilevel logistic (or probit, cloglog) regression.</summary>
    Binomial,

    /// <summary>Counts: multilevel Poisson regression.</summary>
    Poisson,
}

/// <summary>Parsing and naming of <see cref="Family"/> values as R writes them.</summary>
public static class Families
{
    private static readonly string[] s_names = ["gaussian", "binomial", "poisson"];

    /// <summary>R's name of the family (<c>gaussian</c>, <c>binomial</c>, <c>poisson</c>).</summary>
    public static string RName(this Family family) => s_names[(int)family];

    /// <summary>Parses R's family name (case-insensitive); an unknown name is a <see cref="ModelException"/> that suggests the nearest.</summary>
    public static Family Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int i = Array.FindIndex(s_names, n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (i >= 0) return (Family)i;
        var nearest = NameSuggestions.Nearest(name, s_names);
        throw new ModelException(nearest is null
            ? $"unknown family '{name}' (known: {string.Join(", ", s_names)})"
            : $"unknown family '{name}'; did you mean '{nearest}'?");
    }
}
