using System.Text.Json;

namespace FastMlm.Tests.Reference;

/// <summary>Reads the lme4 reference suite copied into this folder (its schema: Reference/README.md).</summary>
internal static class ReferenceSuite
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Reference");

    /// <summary>The ids of the model fits (files with a formula and fixed effects).</summary>
    public static IEnumerable<string> ModelIds() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Where(f => Load(Path.GetFileNameWithoutExtension(f)).RootElement.TryGetProperty("fixef", out _))
            .Select(f => Path.GetFileNameWithoutExtension(f)!)
            .Order(StringComparer.Ordinal);

    public static JsonDocument Load(string id) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, id + ".json")));

    /// <summary>The built-in data set a reference fit used ("data/cake.csv" gives "cake").</summary>
    public static string DataSetName(JsonElement root) => Path.GetFileNameWithoutExtension(root.GetProperty("data").GetString()!);

    /// <summary>lme4's group names compare as the set of factor names, ignoring the ".1" suffix of repeated terms (as compare_fit.py does).</summary>
    public static string GroupKey(string name)
    {
        var trimmed = System.Text.RegularExpressions.Regex.Replace(name, @"\.\d+$", "");
        return string.Join(":", trimmed.Split(':').Order(StringComparer.Ordinal));
    }
}
