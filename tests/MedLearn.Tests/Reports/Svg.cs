using System.Globalization;
using System.Xml.Linq;

namespace MedLearn.Tests.Reports;

/// <summary>Parses chart SVG output (must be well-formed XML) and reads geometry back from it.</summary>
internal sealed class Svg
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public Svg(string text)
    {
        Text = text;
        Document = XDocument.Parse(text); // throws on malformed XML
        Root = Document.Root!;
        Assert.Equal(Ns + "svg", Root.Name);
    }

    public string Text { get; }
    public XDocument Document { get; }
    public XElement Root { get; }

    public double Width => D(Root, "width");
    public double Height => D(Root, "height");

    public IEnumerable<XElement> All(string element) => Root.Descendants(Ns + element);

    public IEnumerable<XElement> WithClass(string element, string cls) =>
        All(element).Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(cls) == true);

    public XElement Group(string cls) => WithClass("g", cls).Single();

    /// <summary>The plot rectangle (rect.plot-area): left, top, width, height.</summary>
    public (double Left, double Top, double Width, double Height) PlotArea
    {
        get
        {
            var r = WithClass("rect", "plot-area").Single();
            return (D(r, "x"), D(r, "y"), D(r, "width"), D(r, "height"));
        }
    }

    public static double D(XElement e, string attribute) =>
        double.Parse((string?)e.Attribute(attribute) ?? throw new InvalidOperationException($"<{e.Name.LocalName}> has no {attribute}"),
            NumberStyles.Float, CultureInfo.InvariantCulture);

    public static List<(double X, double Y)> Points(XElement polyline) =>
        [.. ((string)polyline.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var xy = p.Split(',');
            return (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture));
        })];

    /// <summary>(label, x, y) of the tick labels of the axis group with class <paramref name="axisClass"/>.</summary>
    public List<(string Label, double X, double Y)> TickLabels(string axisClass) =>
        [.. Group(axisClass).Elements(Ns + "text").Where(t => (string?)t.Attribute("class") == "tick-label")
            .Select(t => (t.Value, D(t, "x"), D(t, "y")))];

    public static double Value(string label) => double.Parse(label, NumberStyles.Float, CultureInfo.InvariantCulture);
}
