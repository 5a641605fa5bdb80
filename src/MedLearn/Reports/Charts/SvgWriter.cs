using System.Globalization;
using System.Text;

namespace MedLearn.Reports.Charts;

/// <summary>
/// Builds an SVG document as a string: the root element carries width, height and a matching viewBox; every
/// attribute value and text node is XML-escaped; numbers are written with the invariant culture and at most two
/// decimals, so equal input gives byte-identical output. Elements opened with <see cref="Open"/> are closed by
/// <see cref="Close"/> or, at the end, by <see cref="Finish"/>. No ids are emitted, so several charts can be
/// inlined in one HTML page without clashes.
/// </summary>
public sealed class SvgWriter
{
    /// <summary>Font stack used by every chart (system fonts only; nothing is downloaded).</summary>
    public const string FontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";

    private readonly StringBuilder _sb = new();
    private readonly Stack<string> _open = new();
    private bool _finished;

    /// <summary>Starts an SVG of <paramref name="width"/> × <paramref name="height"/> user units (= CSS pixels).</summary>
    /// <param name="width">Width (&gt; 0).</param>
    /// <param name="height">Height (&gt; 0).</param>
    /// <param name="label">Accessible name (aria-label) and tooltip of the whole chart, or null.</param>
    /// <param name="cssClass">Class of the root element, or null.</param>
    public SvgWriter(double width, double height, string? label = null, string? cssClass = null)
    {
        if (!(width > 0) || !(height > 0)) throw new ArgumentOutOfRangeException(nameof(width), $"size must be positive, got {width} x {height}");
        Width = width;
        Height = height;
        Open("svg",
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("width", width), ("height", height),
            ("viewBox", $"0 0 {Num(width)} {Num(height)}"),
            ("class", cssClass),
            ("role", "img"),
            ("aria-label", label),
            ("font-family", FontFamily),
            ("font-size", 12));
    }

    /// <summary>Width of the drawing.</summary>
    public double Width { get; }

    /// <summary>Height of the drawing.</summary>
    public double Height { get; }

    /// <summary>Formats a coordinate: invariant culture, at most two decimals, no "-0".</summary>
    public static string Num(double value) => Markup.Number(value, 2);

    /// <summary>Opens <c>&lt;element attributes&gt;</c>; null-valued attributes are left out.</summary>
    public SvgWriter Open(string element, params (string Name, object? Value)[] attributes)
    {
        StartTag(element, attributes);
        _sb.Append('>');
        _open.Push(element);
        return this;
    }

    /// <summary>Closes the innermost element opened with <see cref="Open"/> (never the root).</summary>
    public SvgWriter Close()
    {
        if (_open.Count <= 1) throw new InvalidOperationException("no open element to close");
        _sb.Append("</").Append(_open.Pop()).Append('>');
        return this;
    }

    /// <summary>Writes a self-closing <c>&lt;element attributes/&gt;</c>.</summary>
    public SvgWriter Element(string element, params (string Name, object? Value)[] attributes)
    {
        StartTag(element, attributes);
        _sb.Append("/>");
        return this;
    }

    /// <summary>Writes <c>&lt;text x y attributes&gt;text&lt;/text&gt;</c> with the text escaped.</summary>
    public SvgWriter Text(double x, double y, string text, params (string Name, object? Value)[] attributes)
    {
        StartTag("text", [("x", x), ("y", y), .. attributes]);
        _sb.Append('>').Append(Markup.Escape(text)).Append("</text>");
        return this;
    }

    /// <summary>Writes a <c>&lt;title&gt;</c> child (browser tooltip of the enclosing element).</summary>
    public SvgWriter Title(string text)
    {
        _sb.Append("<title>").Append(Markup.Escape(text)).Append("</title>");
        return this;
    }

    /// <summary>Writes a rectangle.</summary>
    public SvgWriter Rect(double x, double y, double width, double height, params (string Name, object? Value)[] attributes) =>
        Element("rect", [("x", x), ("y", y), ("width", Math.Max(0, width)), ("height", Math.Max(0, height)), .. attributes]);

    /// <summary>Writes a line segment.</summary>
    public SvgWriter Line(double x1, double y1, double x2, double y2, params (string Name, object? Value)[] attributes) =>
        Element("line", [("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2), .. attributes]);

    /// <summary>Writes a circle.</summary>
    public SvgWriter Circle(double cx, double cy, double r, params (string Name, object? Value)[] attributes) =>
        Element("circle", [("cx", cx), ("cy", cy), ("r", r), .. attributes]);

    /// <summary>
    /// Opens a polyline through <paramref name="points"/> (<c>points="x1,y1 x2,y2 ..."</c>); close it with
    /// <see cref="Close"/> after an optional <see cref="Title"/>.
    /// </summary>
    public SvgWriter OpenPolyline(IEnumerable<(double X, double Y)> points, params (string Name, object? Value)[] attributes) =>
        Open("polyline", [("points", PointList(points)), .. attributes]);

    /// <summary>Formats points as the value of a <c>points</c> attribute.</summary>
    public static string PointList(IEnumerable<(double X, double Y)> points) =>
        string.Join(' ', points.Select(p => Num(p.X) + "," + Num(p.Y)));

    /// <summary>Closes every open element and returns the document.</summary>
    public string Finish()
    {
        if (!_finished)
        {
            while (_open.Count > 0) _sb.Append("</").Append(_open.Pop()).Append('>');
            _finished = true;
        }
        return _sb.ToString();
    }

    private void StartTag(string element, (string Name, object? Value)[] attributes)
    {
        if (_finished) throw new InvalidOperationException("the SVG is finished");
        _sb.Append('<').Append(element);
        foreach (var (name, value) in attributes)
        {
            if (value is null) continue;
            _sb.Append(' ').Append(name).Append("=\"").Append(Markup.Escape(Format(value))).Append('"');
        }
    }

    private static string Format(object value) => value switch
    {
        string s => s,
        double d => Num(d),
        float f => Num(f),
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        Colour c => c.Hex,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
