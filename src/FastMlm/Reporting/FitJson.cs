using FastMlm.Inference;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FastMlm.Models;

namespace FastMlm.Reporting;

/// <summary>
/// A fit as JSON in the reference suite's schema (so <c>compare_fit.py</c> reads it), plus what the engine adds:
/// <c>reml_criterion</c>, <c>converged</c>, <c>evaluations</c>, <c>fit_seconds</c> and <c>messages</c>.
/// <c>objective</c> is −2 log-likelihood at the estimates for every fit, REML fits included: that is what the
/// suite's files hold (lme4's <c>deviance(fit, REML = TRUE)</c> for a REML fit); the REML criterion itself is
/// <c>reml_criterion</c>, and <c>logLik</c>, <c>AIC</c> and <c>BIC</c> of a REML fit follow lme4 in using it.
/// </summary>
public static class FitJson
{
    private const int RanefHeadLevels = 5;

    /// <summary>The JSON text of <paramref name="fit"/>; <paramref name="id"/> names the model (null leaves it out).</summary>
    public static string Serialize(FitResult fit, string? id = null) => Serialize(fit, id, null);

    /// <summary>
    /// The JSON text with inference results added in the reference suite's fields: <c>satterthwaite</c> (term, df,
    /// p) and the intervals under their method's name (<c>wald</c>, <c>profile</c>, <c>boot</c>: parameter, lower, upper).
    /// </summary>
    public static string Serialize(FitResult fit, string? id, FitJsonExtras? extras)
    {
        ArgumentNullException.ThrowIfNull(fit);
        using var stream = new MemoryStream();
        // Relaxed escaping keeps formulas readable (y ~ x + (1 | g), not \u002B); the output is a data file, not HTML.
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(w, fit, id, extras);
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>
    /// Writes the JSON to <paramref name="path"/> atomically: to a temporary file beside it, then renamed over it,
    /// so a reader never sees half a file and a failure leaves any earlier file as it was.
    /// </summary>
    public static void WriteFile(string path, FitResult fit, string? id = null, FitJsonExtras? extras = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = Serialize(fit, id, extras);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot write '{path}': the folder '{dir}' does not exist");
        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void Write(Utf8JsonWriter w, FitResult fit, string? id, FitJsonExtras? extras)
    {
        w.WriteStartObject();
        if (id is not null) w.WriteString("id", id);
        w.WriteString("data", fit.DataSource);
        w.WriteString("formula", fit.Formula);
        w.WriteString("family", fit.Family.RName());
        w.WriteString("link", fit.Link);
        w.WriteBoolean("reml", fit.Reml);
        if (fit.Nagq is { } q) w.WriteNumber("nAGQ", q);
        else w.WriteNull("nAGQ");
        w.WriteNumber("nobs", fit.ObservationCount);
        w.WriteStartObject("ngroups");
        foreach (var (name, count) in fit.GroupCounts) w.WriteNumber(name, count);
        w.WriteEndObject();
        Number(w, "objective", fit.Deviance);
        if (fit.Reml) Number(w, "reml_criterion", fit.Criterion);
        Number(w, "logLik", fit.LogLikelihood);
        Number(w, "AIC", fit.Aic);
        Number(w, "BIC", fit.Bic);
        w.WriteNumber("df", fit.ParameterCount);
        if (fit.IsGeneralized) w.WriteNull("sigma"); // binomial and Poisson models have no residual scale
        else Number(w, "sigma", fit.Sigma);
        w.WriteStartArray("theta");
        foreach (double t in fit.Theta) Value(w, t);
        w.WriteEndArray();
        w.WriteBoolean("singular", fit.IsSingular);

        w.WriteStartArray("fixef");
        foreach (var f in fit.FixedEffects)
        {
            w.WriteStartObject();
            w.WriteString("term", f.Term);
            Number(w, "estimate", f.Estimate);
            Number(w, "se", f.StandardError);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("varcorr");
        foreach (var v in fit.VarCorr)
        {
            w.WriteStartObject();
            w.WriteString("group", v.Group);
            if (v.Name1 is null) w.WriteNull("var1");
            else w.WriteString("var1", v.Name1);
            if (v.Name2 is null) w.WriteNull("var2");
            else w.WriteString("var2", v.Name2);
            Number(w, "vcov", v.Value);
            Number(w, "sdcor", v.SdCor);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("ranef_head");
        foreach (var table in fit.RandomEffects)
        {
            for (int level = 0; level < Math.Min(RanefHeadLevels, table.Levels.Count); level++)
            {
                w.WriteStartObject();
                w.WriteString("group", table.Group);
                w.WriteString("level", table.Levels[level]);
                w.WriteStartObject("values");
                for (int c = 0; c < table.Columns.Count; c++) Number(w, table.Columns[c], table.Value(level, c));
                w.WriteEndObject();
                w.WriteStartArray("condsd");
                for (int c = 0; c < table.Columns.Count; c++) Value(w, Math.Sqrt(table.ConditionalVariance(level, c)));
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();

        w.WriteBoolean("converged", fit.Converged);
        w.WriteNumber("evaluations", fit.Evaluations);
        Number(w, "fit_seconds", fit.FitSeconds);
        w.WriteStartArray("messages");
        foreach (var m in fit.Messages) w.WriteStringValue(m);
        w.WriteEndArray();
        if (extras?.Satterthwaite is { } tests)
        {
            w.WriteStartArray("satterthwaite");
            foreach (var t in tests)
            {
                w.WriteStartObject();
                w.WriteString("term", t.Term);
                Number(w, "df", t.Df);
                Number(w, "p", t.P);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (extras?.Intervals is { } intervals)
        {
            w.WriteNumber("level", extras.Level);
            w.WriteStartArray(extras.Method switch { IntervalMethod.Wald => "wald", IntervalMethod.Profile => "profile", _ => "boot" });
            foreach (var c in intervals)
            {
                w.WriteStartObject();
                w.WriteString("parameter", c.Parameter);
                w.WriteString("description", c.Description);
                Number(w, "lower", c.Lower);
                Number(w, "upper", c.Upper);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (extras?.Ratios is { } ratios)
        {
            w.WriteNumber("ratio_level", extras.Level);
            w.WriteStartArray("exp");
            foreach (var c in ratios)
            {
                w.WriteStartObject();
                w.WriteString("term", c.Parameter);
                w.WriteString("description", c.Description);
                Number(w, "estimate", c.Estimate);
                Number(w, "lower", c.Lower);
                Number(w, "upper", c.Upper);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        Value(w, value);
    }

    private static void Value(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }
}

/// <summary>Inference results written beside a fit.</summary>
/// <param name="Satterthwaite">t tests with Satterthwaite's df, or null.</param>
/// <param name="Intervals">Confidence intervals, or null.</param>
/// <param name="Method">How the intervals were computed.</param>
/// <param name="Level">Their level.</param>
/// <param name="Ratios">Exponentiated fixed effects with Wald intervals (GLMMs' odds or rate ratios), or null.</param>
public sealed record FitJsonExtras(IReadOnlyList<SatterthwaiteTest>? Satterthwaite, IReadOnlyList<ConfidenceInterval>? Intervals, IntervalMethod Method, double Level, IReadOnlyList<ConfidenceInterval>? Ratios = null);
