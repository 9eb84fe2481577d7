using System.Text.Json;
using FastMlm.Data;
using FastMlm.Models;
using FastMlm.Reporting;

namespace FastMlm.Tests.Reporting;

/// <summary>The JSON result: the reference schema's fields and the engine's own, and a file written whole or not at all.</summary>
public sealed class FitJsonTests
{
    private static FitResult Sleepstudy(bool reml) =>
        LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)", new LmmOptions { Reml = reml });

    [Fact]
    public void Serialize_HasEveryField()
    {
        using var doc = JsonDocument.Parse(FitJson.Serialize(Sleepstudy(reml: true), "x"));
        var root = doc.RootElement;
        foreach (var field in new[] { "id", "data", "formula", "family", "link", "reml", "nAGQ", "nobs", "ngroups", "objective", "reml_criterion",
                     "logLik", "AIC", "BIC", "df", "sigma", "theta", "singular", "fixef", "varcorr", "ranef_head", "converged", "evaluations", "fit_seconds", "messages" })
        {
            Assert.True(root.TryGetProperty(field, out _), field);
        }
        Assert.Equal("x", root.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("nAGQ").ValueKind);
        Assert.Equal(6, root.GetProperty("df").GetInt32());
        Assert.Equal(3, root.GetProperty("theta").GetArrayLength());
        // REML: logLik from the REML criterion, objective the deviance at the REML estimates (as the suite's files).
        Assert.Equal(-root.GetProperty("reml_criterion").GetDouble() / 2, root.GetProperty("logLik").GetDouble(), 1e-9);
        Assert.Equal(1751.985853078, root.GetProperty("objective").GetDouble(), 1e-3);
        Assert.Equal(4, root.GetProperty("varcorr").GetArrayLength());
        var head = root.GetProperty("ranef_head")[0];
        Assert.Equal("308", head.GetProperty("level").GetString());
        Assert.Equal(2, head.GetProperty("condsd").GetArrayLength());
    }

    [Fact]
    public void MlFit_HasNoRemlCriterion()
    {
        using var doc = JsonDocument.Parse(FitJson.Serialize(Sleepstudy(reml: false)));
        Assert.False(doc.RootElement.TryGetProperty("reml_criterion", out _));
        Assert.False(doc.RootElement.TryGetProperty("id", out _));
        Assert.Equal(-2 * doc.RootElement.GetProperty("logLik").GetDouble(), doc.RootElement.GetProperty("objective").GetDouble(), 1e-9);
    }

    [Fact]
    public void WriteFile_ReplacesAnEarlierFileWhole()
    {
        var dir = Directory.CreateTempSubdirectory("fastmlm-json-");
        try
        {
            string path = Path.Combine(dir.FullName, "fit.json");
            File.WriteAllText(path, "old");
            FitJson.WriteFile(path, Sleepstudy(reml: false));
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal(180, doc.RootElement.GetProperty("nobs").GetInt32());
            Assert.Equal(["fit.json"], Directory.GetFiles(dir.FullName).Select(Path.GetFileName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void WriteFile_IntoAMissingFolder_FailsAndLeavesNothing()
    {
        string path = Path.Combine(Path.GetTempPath(), "fastmlm-missing-" + Guid.NewGuid().ToString("N"), "fit.json");
        var e = Assert.ThrowsAny<IOException>(() => FitJson.WriteFile(path, Sleepstudy(reml: false)));
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }
}
