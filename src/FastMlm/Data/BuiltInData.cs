namespace FastMlm.Data;

/// <summary>
/// The public teaching and benchmark data sets that ship inside the library (from lme4, mlmRev and
/// Hox's <i>Multilevel Analysis</i>), so every example runs with no file at hand.
/// </summary>
public static class BuiltInData
{
    /// <summary>One built-in data set: its name and a one-line description of what a row is and what the groups are.</summary>
    public sealed record Info(string Name, string Description);

    private static readonly Info[] s_sets =
    [
        new("cake", "breaking angle of chocolate cakes: a row per cake; 3 recipes x 6 baking temperatures, 15 replicate batches per recipe"),
        new("cbpp", "contagious bovine pleuropneumonia: a row per herd and period (new cases out of herd size); 15 herds, 4 periods"),
        new("dyestuff", "yield of dyestuff: a row per preparation; 6 batches of intermediate product, 5 preparations each"),
        new("dyestuff2", "simulated dyestuff-like yields whose batch variance is zero: a row per preparation; 6 batches"),
        new("exam", "London exam scores: a row per pupil (normalized exam score, reading test, sex); 65 schools"),
        new("hsb82", "High School and Beyond 1982: a row per student (math achievement, SES, minority, sector); 160 schools"),
        new("oxboys", "heights of Oxford boys: a row per measurement, centred age; 26 boys measured on 9 occasions"),
        new("pastes", "strength of a chemical paste: a row per assay; 10 batches, 3 casks nested in each batch, 2 assays per cask"),
        new("penicillin", "penicillin potency: a row per assay (diameter of the inhibition zone); 24 plates crossed with 6 samples"),
        new("popular", "pupil popularity (Hox): a row per pupil (extraversion, sex, teacher experience); 100 classes"),
        new("sleepstudy", "reaction times under sleep deprivation: a row per subject and day (days 0-9); 18 subjects"),
    ];

    /// <summary>The built-in data sets, by name.</summary>
    public static IReadOnlyList<Info> All => s_sets;

    /// <summary>Whether <paramref name="name"/> is a built-in data set (case-insensitive).</summary>
    public static bool Contains(string name) => Find(name) is not null;

    /// <summary>Loads a built-in data set by name (case-insensitive).</summary>
    public static DataFrame Load(string name, DataReadOptions? options = null)
    {
        var info = Find(name) ?? throw new DataException(UnknownMessage(name));
        using var stream = typeof(BuiltInData).Assembly.GetManifestResourceStream($"FastMlm.BuiltIn.{info.Name}.csv")
            ?? throw new InvalidOperationException($"built-in data set '{info.Name}' is missing from the assembly");
        return CsvReader.Read(stream, options, info.Name);
    }

    /// <summary>The message for a name that is neither a file nor a built-in data set.</summary>
    internal static string UnknownMessage(string name)
    {
        var nearest = NameSuggestions.Nearest(name, s_sets.Select(s => s.Name));
        var list = string.Join(", ", s_sets.Select(s => s.Name));
        return nearest is null
            ? $"data file '{name}' not found, and no built-in data set has that name (built-in: {list})"
            : $"data file '{name}' not found, and no built-in data set has that name; did you mean '{nearest}'?";
    }

    private static Info? Find(string name) =>
        Array.Find(s_sets, s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

}
