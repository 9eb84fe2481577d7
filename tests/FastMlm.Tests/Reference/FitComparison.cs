using System.Globalization;
using System.Text.Json;

namespace FastMlm.Tests.Reference;

/// <summary>
/// The checks of the suite's <c>compare_fit.py</c>, on two JSON documents of the reference schema: objective at
/// least as good as the reference and not implausibly lower, fixed effects and standard errors within 1% of the
/// reference standard error, variances within 1% (or 1e-4 of the residual variance), correlations within 0.01,
/// observation and group counts and the singular flag exact.
/// </summary>
internal static class FitComparison
{
    public static IReadOnlyList<string> Problems(JsonElement reference, JsonElement result)
    {
        var problems = new List<string>();
        bool glmm = reference.TryGetProperty("family", out var fam) && fam.GetString() != "gaussian";
        if (result.GetProperty("nobs").GetInt32() != reference.GetProperty("nobs").GetInt32()) problems.Add($"nobs {result.GetProperty("nobs")} != {reference.GetProperty("nobs")}");
        var groups = result.GetProperty("ngroups").EnumerateObject().ToDictionary(p => ReferenceSuite.GroupKey(p.Name), p => p.Value.GetInt32());
        foreach (var g in reference.GetProperty("ngroups").EnumerateObject())
        {
            if (!groups.TryGetValue(ReferenceSuite.GroupKey(g.Name), out int n) || n != g.Value.GetInt32()) problems.Add($"ngroups[{g.Name}]");
        }

        double ro = reference.GetProperty("objective").GetDouble();
        double mo = result.GetProperty("objective").GetDouble();
        double slack = (1e-6 * Math.Abs(ro)) + (glmm ? 1e-3 : 1e-6);
        if (mo > ro + slack) problems.Add(string.Create(CultureInfo.InvariantCulture, $"objective {mo:R} worse than reference {ro:R} by {mo - ro:G3}"));
        if (mo < ro - (1e-4 * Math.Max(1, Math.Abs(ro)))) problems.Add(string.Create(CultureInfo.InvariantCulture, $"objective {mo:R} far below reference {ro:R}"));
        if (!reference.GetProperty("reml").GetBoolean())
        {
            foreach (var name in new[] { "logLik", "AIC", "BIC" })
            {
                double want = reference.GetProperty(name).GetDouble(), got = result.GetProperty(name).GetDouble();
                if (Math.Abs(got - want) > (1e-4 * Math.Max(1, Math.Abs(want))) + Math.Abs(mo - ro)) problems.Add($"{name} {got} != {want}");
            }
        }

        var fixef = result.GetProperty("fixef").EnumerateArray().ToDictionary(e => e.GetProperty("term").GetString()!, e => e);
        foreach (var r in reference.GetProperty("fixef").EnumerateArray())
        {
            string term = r.GetProperty("term").GetString()!;
            if (!fixef.TryGetValue(term, out var got))
            {
                problems.Add($"fixef '{term}' missing");
                continue;
            }
            double se = r.GetProperty("se").GetDouble(), est = r.GetProperty("estimate").GetDouble();
            double tol = (0.01 * se) + (1e-9 * Math.Abs(est));
            if (Math.Abs(got.GetProperty("estimate").GetDouble() - est) > tol) problems.Add($"fixef {term} {got.GetProperty("estimate").GetDouble()} != {est}");
            if (Math.Abs(got.GetProperty("se").GetDouble() - se) > 0.01 * se) problems.Add($"se {term} {got.GetProperty("se").GetDouble()} != {se}");
        }

        double resid = reference.GetProperty("varcorr").EnumerateArray().Where(v => v.GetProperty("group").GetString() == "Residual").Select(v => v.GetProperty("vcov").GetDouble()).DefaultIfEmpty(1).First();
        var mine = VarCorrIndex(result);
        foreach (var (key, rows) in VarCorrIndex(reference))
        {
            if (!mine.TryGetValue(key, out var have) || have.Count != rows.Count)
            {
                problems.Add($"varcorr {key}: {(have?.Count ?? 0)} rows, want {rows.Count}");
                continue;
            }
            for (int i = 0; i < rows.Count; i++)
            {
                if (rows[i].GetProperty("var2").ValueKind == JsonValueKind.Null)
                {
                    double want = rows[i].GetProperty("vcov").GetDouble(), got = have[i].GetProperty("vcov").GetDouble();
                    if (Math.Abs(got - want) > Math.Max(0.01 * Math.Abs(want), 1e-4 * resid)) problems.Add($"variance {key} {got} != {want}");
                }
                else
                {
                    double want = rows[i].GetProperty("sdcor").GetDouble(), got = have[i].GetProperty("sdcor").GetDouble();
                    if (Math.Abs(got - want) > 0.01) problems.Add($"correlation {key} {got} != {want}");
                }
            }
        }
        if (result.GetProperty("singular").GetBoolean() != reference.GetProperty("singular").GetBoolean()) problems.Add("singular differs");
        return problems;
    }

    private static Dictionary<string, List<JsonElement>> VarCorrIndex(JsonElement doc)
    {
        var index = new Dictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        foreach (var r in doc.GetProperty("varcorr").EnumerateArray())
        {
            string key = ReferenceSuite.GroupKey(r.GetProperty("group").GetString()!) + "|" + Name(r, "var1") + "|" + Name(r, "var2");
            if (!index.TryGetValue(key, out var list)) index[key] = list = [];
            list.Add(r);
        }
        return index;
    }

    private static string Name(JsonElement r, string field) => r.GetProperty(field).ValueKind == JsonValueKind.Null ? "" : r.GetProperty(field).GetString()!;
}
