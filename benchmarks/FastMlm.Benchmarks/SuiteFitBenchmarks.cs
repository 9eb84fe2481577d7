using System.Reflection;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FastMlm.Data;
using FastMlm.Models;

namespace FastMlm.Benchmarks;

/// <summary>
/// Whole fits of the public reference suite: every linear model of tests/FastMlm.Tests/Reference (embedded in this
/// assembly), fitted from its data set in memory with the suite's formula and method — design, optimisation,
/// convergence check, estimates, conditional modes. lme4 fits the same models, timed side by side by
/// benchmarks/lme4/time-suite.R.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class SuiteFitBenchmarks
{
    private const string Prefix = "Reference.";
    private DataFrame _data = null!;
    private string _formula = "";
    private bool _reml;

    /// <summary>The ids of the suite's linear models (gaussian fits with fixed effects), in ordinal order.</summary>
    public static IEnumerable<string> Models() =>
        typeof(SuiteFitBenchmarks).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^".json".Length])
            .Where(id =>
            {
                using var doc = Load(id);
                var root = doc.RootElement;
                return root.TryGetProperty("fixef", out _) && root.GetProperty("family").GetString() == "gaussian";
            })
            .Order(StringComparer.Ordinal);

    private static JsonDocument Load(string id)
    {
        using var stream = typeof(SuiteFitBenchmarks).Assembly.GetManifestResourceStream(Prefix + id + ".json")
            ?? throw new InvalidOperationException($"reference model '{id}' is not embedded");
        return JsonDocument.Parse(stream);
    }

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        using var doc = Load(Model);
        var root = doc.RootElement;
        _data = BuiltInData.Load(Path.GetFileNameWithoutExtension(root.GetProperty("data").GetString()!));
        _formula = root.GetProperty("formula").GetString()!;
        _reml = root.GetProperty("reml").GetBoolean();
    }

    [Benchmark]
    public double Fit() => LinearMixedModel.Fit(_data, _formula, new LmmOptions { Reml = _reml }).Criterion;
}
