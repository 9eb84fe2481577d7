using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary>
/// What the result commands (<c>ranef</c>, <c>predict</c>, <c>residuals</c>, <c>pooling</c>) share: the <c>--out</c> and
/// <c>--format</c> options, files written whole or not at all, JSON text, and notes on standard error.
/// </summary>
internal static class CommandOutput
{
    /// <summary>The <c>--out FILE</c> option.</summary>
    public static Option<string?> OutOption(string description) => new("--out", "-o") { Description = description, HelpName = "FILE" };

    /// <summary>A <c>--format</c> option that accepts only <paramref name="formats"/>, the first being the default.</summary>
    public static Option<string> FormatOption(params string[] formats)
    {
        var option = new Option<string>("--format")
        {
            Description = $"The output format: {string.Join(", ", formats.Take(formats.Length - 1))} or {formats[^1]}.",
            DefaultValueFactory = _ => formats[0],
        };
        return OneOf(option, formats);
    }

    /// <summary>
    /// Accepts only <paramref name="values"/> for <paramref name="option"/>, shown as its help name; another value is a
    /// one-line usage error naming them.
    /// </summary>
    public static Option<string> OneOf(Option<string> option, params string[] values)
    {
        option.HelpName = string.Join("|", values);
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not null && !values.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name} {value} is not one of {string.Join(", ", values)}");
            }
        });
        return option;
    }

    /// <summary>Writes text to <paramref name="file"/> atomically, or to standard output when it is null.</summary>
    public static void Write(CliContext context, string? file, Action<TextWriter> write)
    {
        if (file is null)
        {
            write(context.Out);
            context.Out.Flush();
            return;
        }
        AtomicFile.WriteText(file, write);
    }

    /// <summary>Says on standard error what was written where.</summary>
    public static void Wrote(CliContext context, string? file, int rows, string what)
    {
        if (file is null) return;
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {rows:N0} {what} to '{file}'"));
    }

    /// <summary>Indented JSON with readable formulas and level names (relaxed escaping: a data file, not HTML), ending in a newline.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(w);
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>A number, or null when it is not finite.</summary>
    public static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    /// <summary>The notes of a fit or result, one line each on standard error.</summary>
    public static void Notes(CliContext context, IEnumerable<string> messages)
    {
        foreach (var m in messages) context.Error.WriteLine("note: " + m);
    }

    /// <summary>Writes the messages as a JSON array property.</summary>
    public static void Messages(Utf8JsonWriter w, IEnumerable<string> messages)
    {
        w.WriteStartArray("messages");
        foreach (var m in messages) w.WriteStringValue(m);
        w.WriteEndArray();
    }
}
