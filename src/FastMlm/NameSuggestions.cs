namespace FastMlm;

/// <summary>Finds the closest known name to a misspelt one, for "did you mean" messages.</summary>
internal static class NameSuggestions
{
    /// <summary>
    /// The candidate nearest to <paramref name="name"/> by edit distance (case differences cost little),
    /// or null when none is close enough to be a plausible intent.
    /// </summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            int d = string.Equals(c, name, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(name, c);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }
        if (best is null) return null;
        int allowed = Math.Max(2, Math.Min(name.Length, best.Length) / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Levenshtein distance, case-insensitive.</summary>
    internal static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
