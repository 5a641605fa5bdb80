namespace MedLearn.Reports.Charts;

/// <summary>
/// A line chart of one or more named series with nice-tick axes, grid and legend. Each series is drawn as one
/// <c>polyline</c> per run of consecutive drawable points (a NaN, an infinity, or a value ≤ 0 on a log axis breaks the
/// line); a run of a single point is drawn as a dot. The axes cover every drawable point (see
/// <see cref="Axis.Linear"/>); a constant series gets a range around its value; no drawable point at all gives an
/// empty frame with a "no data" note.
/// </summary>
public static class LineChart
{
    /// <summary>Above this many points per series, markers are off unless <see cref="LineChartOptions.Markers"/> says otherwise.</summary>
    public const int AutoMarkerLimit = 40;

    /// <summary>Renders the chart as an SVG string.</summary>
    /// <exception cref="ArgumentException">A series whose X and Y counts differ.</exception>
    public static string Render(IReadOnlyList<LineSeries> series, LineChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        options ??= new LineChartOptions();
        ChartFrame.CheckSize(options);
        foreach (var s in series)
        {
            ArgumentNullException.ThrowIfNull(s);
            if (s.X.Count != s.Y.Count)
                throw new ArgumentException($"series '{s.Name}' has {s.X.Count} x values but {s.Y.Count} y values", nameof(series));
        }

        var probeY = options.LogY ? Axis.Logarithmic(1, 10) : Axis.Linear(0, 1);
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (var s in series)
            for (var i = 0; i < s.X.Count; i++)
            {
                if (!Drawable(s.X[i], s.Y[i], probeY)) continue;
                xMin = Math.Min(xMin, s.X[i]); xMax = Math.Max(xMax, s.X[i]);
                yMin = Math.Min(yMin, s.Y[i]); yMax = Math.Max(yMax, s.Y[i]);
            }
        var hasData = double.IsFinite(xMin);
        foreach (var bound in new[] { options.YMin, options.YMax })
            if (bound is { } b && double.IsFinite(b) && (!options.LogY || b > 0))
            {
                yMin = Math.Min(yMin, b);
                yMax = Math.Max(yMax, b);
            }

        var w = new SvgWriter(options.Width, options.Height, options.Title ?? "line chart", "chart line-chart");
        ChartFrame.Background(w);
        var top = ChartFrame.Title(w, options.Title);
        var legend = series.Select((s, i) => new LegendEntry(s.Name, ColourOf(s, i), s.Dashed ? LegendMark.DashedLine : LegendMark.Line))
            .Where(e => !string.IsNullOrEmpty(e.Label)).ToList();
        var legendRows = ChartFrame.LegendRows(legend, options.Width - 2 * ChartFrame.Pad);
        var legendTop = top;
        top += legendRows.Count * ChartFrame.LegendRowHeight + (legendRows.Count > 0 ? 6 : 0);

        var yAxis = options.LogY ? Axis.Logarithmic(yMin, yMax) : Axis.Linear(yMin, yMax, TickCount(options.Height - top - 40, 45));
        var left = ChartFrame.LeftMargin(yAxis, options.YLabel);
        var right = ChartFrame.Pad + 12;
        var xAxis = Axis.Linear(hasData ? xMin : 0, hasData ? xMax : 1, TickCount(options.Width - left - right, 70), options.IntegerX);
        right = Math.Max(right, ChartFrame.TextWidth(xAxis.Format(xAxis.Max), ChartFrame.TickSize) / 2 + 4);
        var bottom = ChartFrame.BottomMargin(options.XLabel);
        var area = new PlotArea(left, top + 6, options.Width - left - right, options.Height - top - 6 - bottom);
        if (area.Width < 10 || area.Height < 10)
            throw new ArgumentOutOfRangeException(nameof(options), $"chart {options.Width} x {options.Height} leaves no room for the plot");

        ChartFrame.YAxis(w, yAxis, area, options.YLabel);
        ChartFrame.XAxis(w, xAxis, area, options.XLabel);
        ChartFrame.AxisLines(w, area);
        if (legendRows.Count > 0) ChartFrame.Legend(w, legendRows, options.Width / 2.0, legendTop);
        if (!hasData) ChartFrame.Note(w, area, "no data");

        for (var si = 0; si < series.Count; si++)
        {
            var s = series[si];
            var colour = ColourOf(s, si);
            var markers = options.Markers ?? s.X.Count <= AutoMarkerLimit;
            w.Open("g", ("class", "series"), ("data-series", s.Name));
            var run = new List<(double X, double Y)>();
            for (var i = 0; i <= s.X.Count; i++)
            {
                if (i < s.X.Count && Drawable(s.X[i], s.Y[i], yAxis))
                {
                    run.Add((area.X(xAxis, s.X[i]), area.Y(yAxis, s.Y[i])));
                    continue;
                }
                if (run.Count == 1)
                {
                    w.Circle(run[0].X, run[0].Y, 3.5, ("class", "series-point"), ("fill", colour));
                }
                else if (run.Count > 1)
                {
                    w.OpenPolyline(run, ("class", "series-line"), ("fill", "none"), ("stroke", colour), ("stroke-width", 2),
                        ("stroke-linejoin", "round"), ("stroke-linecap", "round"), ("stroke-dasharray", s.Dashed ? "6 4" : null));
                    w.Title(s.Name).Close();
                    if (markers)
                        foreach (var p in run)
                            w.Circle(p.X, p.Y, 2.5, ("class", "series-marker"), ("fill", "#ffffff"), ("stroke", colour), ("stroke-width", 1.5));
                }
                run.Clear();
            }
            w.Close();
        }
        return w.Finish();
    }

    /// <summary>About one tick per <paramref name="spacing"/> pixels, between 3 and 10.</summary>
    internal static int TickCount(double length, double spacing) => Math.Clamp((int)(length / spacing) + 1, 3, 10);

    private static bool Drawable(double x, double y, Axis yAxis) => double.IsFinite(x) && yAxis.CanShow(y);

    private static Colour ColourOf(LineSeries s, int index) => s.Colour ?? ColourMap.Categorical(index);
}
