using System.Text;
using System.Text.RegularExpressions;
using FastMlm.Reporting;
using ScottPlot;
using SkiaSharp;

namespace FastMlm.Plots;

/// <summary>The image formats a figure is written in, chosen by the file's extension.</summary>
public enum ImageFormat
{
    /// <summary>Scalable vector graphics (<c>.svg</c>).</summary>
    Svg,

    /// <summary>Portable network graphics (<c>.png</c>).</summary>
    Png,
}

/// <summary>
/// One picture of one or more panels (ScottPlot plots) laid out in a grid, row by row, all panels the same size,
/// written as SVG or PNG. Several panels in SVG are nested <c>&lt;svg&gt;</c> elements with their ids made unique.
/// </summary>
public sealed partial class Figure
{
    private readonly IReadOnlyList<Plot> _panels;

    /// <summary>A figure of <paramref name="panels"/> in <paramref name="columns"/> columns, each panel <paramref name="panelWidth"/> × <paramref name="panelHeight"/> pixels by default.</summary>
    public Figure(IReadOnlyList<Plot> panels, int columns, int panelWidth, int panelHeight)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new ArgumentException("a figure needs at least one panel", nameof(panels));
        _panels = panels;
        Columns = Math.Clamp(columns, 1, panels.Count);
        Rows = (panels.Count + Columns - 1) / Columns;
        DefaultWidth = Columns * panelWidth;
        DefaultHeight = Rows * panelHeight;
    }

    /// <summary>The panels.</summary>
    public IReadOnlyList<Plot> Panels => _panels;

    /// <summary>Panels per row.</summary>
    public int Columns { get; }

    /// <summary>Rows of panels.</summary>
    public int Rows { get; }

    /// <summary>The width the figure is drawn at when none is asked for.</summary>
    public int DefaultWidth { get; }

    /// <summary>The height the figure is drawn at when none is asked for.</summary>
    public int DefaultHeight { get; }

    /// <summary>The format of <paramref name="path"/> by its extension, or null for any other extension.</summary>
    public static ImageFormat? FormatOf(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".SVG" => ImageFormat.Svg,
        ".PNG" => ImageFormat.Png,
        _ => null,
    };

    /// <summary>
    /// The figure as an SVG document (no XML declaration) <paramref name="width"/> × <paramref name="height"/> pixels
    /// (the defaults when null or zero), with a viewBox so that it scales; every id starts with <paramref name="idPrefix"/>.
    /// </summary>
    public string ToSvg(int? width = null, int? height = null, string idPrefix = "f")
    {
        var (w, h, pw, ph) = Size(width, height);
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">");
        sb.Append($"<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>");
        for (int i = 0; i < _panels.Count; i++)
        {
            string svg = StripDeclaration(_panels[i].GetSvgXml(pw, ph));
            string prefix = $"{idPrefix}p{i}_";
            svg = IdAttribute().Replace(svg, m => $"{m.Groups[1].Value}=\"{prefix}{m.Groups[2].Value}\"");
            svg = UrlReference().Replace(svg, m => $"url(#{prefix}{m.Groups[1].Value})");
            svg = HrefReference().Replace(svg, m => $"{m.Groups[1].Value}=\"#{prefix}{m.Groups[2].Value}\"");
            int open = svg.IndexOf("<svg", StringComparison.Ordinal);
            svg = svg.Insert(open + 4, $" x=\"{i % Columns * pw}\" y=\"{i / Columns * ph}\"");
            sb.Append(svg);
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>The figure as a PNG image <paramref name="width"/> × <paramref name="height"/> pixels (the defaults when null or zero).</summary>
    public byte[] ToPng(int? width = null, int? height = null)
    {
        var (w, h, pw, ph) = Size(width, height);
        using var surface = SKSurface.Create(new SKImageInfo(w, h)) ?? throw new InvalidOperationException($"cannot draw a {w} × {h} image");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int i = 0; i < _panels.Count; i++)
        {
            canvas.Save();
            canvas.Translate(i % Columns * pw, i / Columns * ph);
            canvas.ClipRect(new SKRect(0, 0, pw, ph));
            _panels[i].Render(canvas, new PixelRect(0, pw, ph, 0));
            canvas.Restore();
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes the figure to <paramref name="path"/> (<c>.svg</c> or <c>.png</c>) whole or not at all.</summary>
    /// <exception cref="ArgumentException">The extension is neither .svg nor .png.</exception>
    public void Save(string path, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var format = FormatOf(path) ?? throw new ArgumentException($"'{path}': the picture is written as .svg or .png", nameof(path));
        if (format == ImageFormat.Svg)
        {
            string svg = ToSvg(width, height);
            AtomicFile.WriteText(path, w => w.Write(svg));
        }
        else
        {
            var png = ToPng(width, height);
            AtomicFile.Write(path, temp => File.WriteAllBytes(temp, png));
        }
    }

    private (int Width, int Height, int PanelWidth, int PanelHeight) Size(int? width, int? height)
    {
        int w = width is > 0 ? width.Value : DefaultWidth;
        int h = height is > 0 ? height.Value : DefaultHeight;
        return (w, h, Math.Max(w / Columns, 1), Math.Max(h / Rows, 1));
    }

    private static string StripDeclaration(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start > 0 ? svg[start..] : svg;
    }

    [GeneratedRegex("\\b(id)=\"([^\"]*)\"")]
    private static partial Regex IdAttribute();

    [GeneratedRegex("url\\(#([^)]*)\\)")]
    private static partial Regex UrlReference();

    [GeneratedRegex("\\b((?:xlink:)?href)=\"#([^\"]*)\"")]
    private static partial Regex HrefReference();
}
