namespace MedLearn.Reports.Charts;

/// <summary>The plot rectangle of a chart and the value-to-pixel mapping (y grows downwards in SVG).</summary>
internal readonly record struct PlotArea(double Left, double Top, double Width, double Height)
{
    public double Right => Left + Width;
    public double Bottom => Top + Height;
    public double X(Axis axis, double value) => Left + axis.Fraction(value) * Width;
    public double Y(Axis axis, double value) => Top + (1 - axis.Fraction(value)) * Height;
}

/// <summary>How a legend entry's key is drawn.</summary>
internal enum LegendMark { Line, DashedLine, Box }

/// <summary>One legend entry.</summary>
internal sealed record LegendEntry(string Label, Colour Colour, LegendMark Mark);

/// <summary>Layout and drawing shared by the charts: background, title, axes with grid, legends, text widths.</summary>
internal static class ChartFrame
{
    public const double Pad = 10;
    public const double TitleSize = 14;
    public const double TickSize = 11;
    public const double LabelSize = 12;
    public const double LegendSize = 11.5;
    public const double LegendRowHeight = 18;
    public static readonly string AxisColour = "#52606d";
    public static readonly string GridColour = "#e4e7eb";
    public static readonly string TextColour = "#1f2933";
    public static readonly string MutedText = "#52606d";

    /// <summary>
    /// Approximate rendered width of <paramref name="text"/>: per-character advance widths (in em) of DejaVu Sans,
    /// the widest of the fonts in <see cref="SvgWriter.FontFamily"/> (Debian's default), so the estimate errs on the
    /// wide side elsewhere. Characters outside printable ASCII count 0.65 em.
    /// </summary>
    public static double TextWidth(string text, double fontSize)
    {
        double em = 0;
        foreach (var c in text)
            em += c is >= ' ' and <= '~' ? AsciiWidths[c - ' '] : 0.65;
        return em * fontSize;
    }

    // advance widths of ' ' .. '~' in DejaVu Sans (em), measured in chromium
    private static readonly double[] AsciiWidths =
    [
        0.32, 0.40, 0.46, 0.84, 0.64, 0.95, 0.78, 0.28, 0.39, 0.39, 0.50, 0.84, 0.32, 0.36, 0.32, 0.34, // space ! " # $ % & ' ( ) * + , - . /
        0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.34, 0.34, 0.84, 0.84, 0.84, 0.53, // 0-9 : ; < = > ?
        1.00, 0.68, 0.69, 0.70, 0.77, 0.63, 0.58, 0.78, 0.75, 0.30, 0.30, 0.66, 0.56, 0.86, 0.75, 0.79, // @ A-O
        0.60, 0.79, 0.69, 0.63, 0.61, 0.73, 0.68, 0.99, 0.69, 0.61, 0.69, 0.39, 0.34, 0.39, 0.84, 0.50, // P-Z [ \ ] ^ _
        0.50, 0.61, 0.63, 0.55, 0.63, 0.62, 0.35, 0.63, 0.63, 0.28, 0.28, 0.58, 0.28, 0.97, 0.63, 0.61, // ` a-o
        0.63, 0.63, 0.41, 0.52, 0.39, 0.63, 0.59, 0.82, 0.59, 0.59, 0.53, 0.64, 0.34, 0.64, 0.84,       // p-z { | } ~
    ];

    /// <summary>Shortens <paramref name="text"/> with an ellipsis so it fits <paramref name="maxWidth"/>.</summary>
    public static string Fit(string text, double fontSize, double maxWidth)
    {
        if (TextWidth(text, fontSize) <= maxWidth) return text;
        for (var n = text.Length - 1; n > 1; n--)
        {
            var candidate = text[..n].TrimEnd() + "…";
            if (TextWidth(candidate, fontSize) <= maxWidth) return candidate;
        }
        return text.Length > 0 ? text[..1] + "…" : text;
    }

    public static void Background(SvgWriter w) =>
        w.Rect(0, 0, w.Width, w.Height, ("class", "background"), ("fill", "#ffffff"));

    /// <summary>Draws the title (if any); returns the y below it.</summary>
    public static double Title(SvgWriter w, string? title)
    {
        if (string.IsNullOrEmpty(title)) return Pad;
        w.Text(w.Width / 2, Pad + TitleSize, Fit(title, TitleSize, w.Width - 2 * Pad),
            ("class", "chart-title"), ("text-anchor", "middle"), ("font-size", TitleSize), ("font-weight", 600), ("fill", TextColour));
        return Pad + TitleSize + 10;
    }

    /// <summary>Splits legend entries into rows no wider than <paramref name="maxWidth"/>.</summary>
    public static List<List<(LegendEntry Entry, double Width)>> LegendRows(IReadOnlyList<LegendEntry> entries, double maxWidth)
    {
        var rows = new List<List<(LegendEntry, double)>>();
        var current = new List<(LegendEntry, double)>();
        double used = 0;
        foreach (var e in entries)
        {
            var label = Fit(e.Label, LegendSize, Math.Max(40, maxWidth - 30));
            var width = 22 + TextWidth(label, LegendSize) + 16;
            if (current.Count > 0 && used + width > maxWidth)
            {
                rows.Add(current);
                current = [];
                used = 0;
            }
            current.Add((e with { Label = label }, width));
            used += width;
        }
        if (current.Count > 0) rows.Add(current);
        return rows;
    }

    /// <summary>Draws legend rows centred on <paramref name="centreX"/>, the first row's middle at <paramref name="top"/> + 9.</summary>
    public static void Legend(SvgWriter w, List<List<(LegendEntry Entry, double Width)>> rows, double centreX, double top)
    {
        w.Open("g", ("class", "legend"));
        for (var r = 0; r < rows.Count; r++)
        {
            var total = rows[r].Sum(e => e.Width) - 16;
            var x = centreX - total / 2;
            var y = top + r * LegendRowHeight + LegendRowHeight / 2;
            foreach (var (entry, width) in rows[r])
            {
                LegendKey(w, entry, x, y);
                w.Text(x + 22, y + 4, entry.Label, ("class", "legend-label"), ("font-size", LegendSize), ("fill", TextColour));
                x += width;
            }
        }
        w.Close();
    }

    /// <summary>Draws the key (line or box) of a legend entry, 18 px wide, vertically centred on <paramref name="y"/>.</summary>
    public static void LegendKey(SvgWriter w, LegendEntry entry, double x, double y)
    {
        if (entry.Mark == LegendMark.Box)
            w.Rect(x + 3, y - 6, 12, 12, ("fill", entry.Colour), ("rx", 2));
        else
            w.Line(x, y, x + 18, y, ("stroke", entry.Colour), ("stroke-width", 2.5),
                ("stroke-dasharray", entry.Mark == LegendMark.DashedLine ? "5 3" : null), ("stroke-linecap", "round"));
    }

    /// <summary>Width of the widest tick label of <paramref name="axis"/>.</summary>
    public static double TickLabelWidth(Axis axis) => axis.Ticks.Max(t => TextWidth(axis.Format(t), TickSize));

    /// <summary>Left margin needed by a y axis with <paramref name="axis"/>'s tick labels and an optional rotated label.</summary>
    public static double LeftMargin(Axis axis, string? label) =>
        Pad + (string.IsNullOrEmpty(label) ? 0 : LabelSize + 8) + TickLabelWidth(axis) + 8;

    /// <summary>Bottom margin needed by an x axis with tick labels and an optional label.</summary>
    public static double BottomMargin(string? label) => Pad + TickSize + 10 + (string.IsNullOrEmpty(label) ? 0 : LabelSize + 8);

    /// <summary>Horizontal grid lines, tick labels and the rotated label of a y axis.</summary>
    public static void YAxis(SvgWriter w, Axis axis, PlotArea area, string? label)
    {
        w.Open("g", ("class", "y-axis"));
        foreach (var t in axis.Ticks)
        {
            var y = area.Y(axis, t);
            w.Line(area.Left, y, area.Right, y, ("class", "grid"), ("stroke", GridColour), ("stroke-width", 1));
            w.Text(area.Left - 6, y + 4, axis.Format(t), ("class", "tick-label"), ("text-anchor", "end"), ("font-size", TickSize), ("fill", MutedText));
        }
        if (!string.IsNullOrEmpty(label))
        {
            var x = Pad + LabelSize;
            var y = area.Top + area.Height / 2;
            w.Text(x, y, Fit(label, LabelSize, area.Height + 40), ("class", "axis-label"), ("text-anchor", "middle"), ("font-size", LabelSize),
                ("fill", TextColour), ("transform", $"rotate(-90 {SvgWriter.Num(x)} {SvgWriter.Num(y)})"));
        }
        w.Close();
    }

    /// <summary>Vertical grid lines, tick labels and the label of an x axis.</summary>
    public static void XAxis(SvgWriter w, Axis axis, PlotArea area, string? label)
    {
        w.Open("g", ("class", "x-axis"));
        foreach (var t in axis.Ticks)
        {
            var x = area.X(axis, t);
            w.Line(x, area.Top, x, area.Bottom, ("class", "grid"), ("stroke", GridColour), ("stroke-width", 1));
            w.Text(x, area.Bottom + TickSize + 6, axis.Format(t), ("class", "tick-label"), ("text-anchor", "middle"), ("font-size", TickSize), ("fill", MutedText));
        }
        if (!string.IsNullOrEmpty(label))
            w.Text(area.Left + area.Width / 2, area.Bottom + TickSize + 10 + LabelSize + 4, Fit(label, LabelSize, area.Width + 40),
                ("class", "axis-label"), ("text-anchor", "middle"), ("font-size", LabelSize), ("fill", TextColour));
        w.Close();
    }

    /// <summary>The plot frame: left and bottom axis lines.</summary>
    public static void AxisLines(SvgWriter w, PlotArea area)
    {
        w.Rect(area.Left, area.Top, area.Width, area.Height, ("class", "plot-area"), ("fill", "none"), ("stroke", "none"));
        w.Line(area.Left, area.Bottom, area.Right, area.Bottom, ("class", "axis-line"), ("stroke", AxisColour), ("stroke-width", 1));
        w.Line(area.Left, area.Top, area.Left, area.Bottom, ("class", "axis-line"), ("stroke", AxisColour), ("stroke-width", 1));
    }

    /// <summary>A centred grey note inside the plot area (e.g. "no data").</summary>
    public static void Note(SvgWriter w, PlotArea area, string text) =>
        w.Text(area.Left + area.Width / 2, area.Top + area.Height / 2, text, ("class", "note"), ("text-anchor", "middle"),
            ("font-size", LabelSize), ("fill", MutedText));

    /// <summary>Throws unless the chart size is positive.</summary>
    public static void CheckSize(ChartOptions options)
    {
        if (options.Width < 80 || options.Height < 60)
            throw new ArgumentOutOfRangeException(nameof(options), $"chart size {options.Width} x {options.Height} is too small (min 80 x 60)");
    }
}
