namespace MedLearn.Reports.Charts;

/// <summary>
/// A grouped bar chart: one group per category, one bar per series inside each group, bars growing from 0 (the
/// value axis always includes 0, so negative values hang below it). A NaN value draws no bar and, with value labels,
/// prints "n/a". The legend is shown when there is more than one series.
/// </summary>
public static class BarChart
{
    /// <summary>Renders the chart as an SVG string.</summary>
    /// <exception cref="ArgumentException">A series whose value count differs from the category count.</exception>
    public static string Render(IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series, BarChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        options ??= new BarChartOptions();
        ChartFrame.CheckSize(options);
        foreach (var s in series)
        {
            ArgumentNullException.ThrowIfNull(s);
            if (s.Values.Count != categories.Count)
                throw new ArgumentException($"series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories", nameof(series));
        }

        double min = 0, max = 0;
        foreach (var v in series.SelectMany(s => s.Values).Where(double.IsFinite))
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (options.YMax is { } ym && double.IsFinite(ym)) max = Math.Max(max, ym);

        var w = new SvgWriter(options.Width, options.Height, options.Title ?? "bar chart", "chart bar-chart");
        ChartFrame.Background(w);
        var top = ChartFrame.Title(w, options.Title);
        var legend = series.Count > 1
            ? series.Select((s, i) => new LegendEntry(s.Name, ColourOf(s, i), LegendMark.Box)).ToList()
            : [];
        var legendRows = ChartFrame.LegendRows(legend, options.Width - 2 * ChartFrame.Pad);
        var legendTop = top;
        top += legendRows.Count * ChartFrame.LegendRowHeight + (legendRows.Count > 0 ? 6 : 0);
        var valueLabels = options.ValueLabels ?? categories.Count * series.Count <= 24;
        if (valueLabels) top += ChartFrame.TickSize + 2;

        var yAxis = Axis.Linear(min, max, LineChart.TickCount(options.Height - top - 40, 45));
        var left = ChartFrame.LeftMargin(yAxis, options.YLabel);
        var right = ChartFrame.Pad + 6;
        var plotWidth = options.Width - left - right;
        var group = categories.Count > 0 ? plotWidth / categories.Count : plotWidth;
        const double nameSize = ChartFrame.TickSize;
        var maxName = categories.Count > 0 ? Math.Min(140, categories.Max(c => ChartFrame.TextWidth(c ?? "", nameSize))) : 0;
        var rotate = maxName > group - 4;
        if (rotate)
        {
            // the first rotated label hangs left of its group's centre: keep it inside the chart
            var overhang = maxName * Math.Cos(35 * Math.PI / 180) - group / 2 + ChartFrame.Pad;
            if (overhang > left)
            {
                left = overhang;
                plotWidth = options.Width - left - right;
                group = categories.Count > 0 ? plotWidth / categories.Count : plotWidth;
            }
        }
        var categoryHeight = rotate ? maxName * Math.Sin(35 * Math.PI / 180) + nameSize + 4 : nameSize + 8;
        var bottom = ChartFrame.Pad + categoryHeight + (string.IsNullOrEmpty(options.XLabel) ? 0 : ChartFrame.LabelSize + 8);
        var area = new PlotArea(left, top + 4, plotWidth, options.Height - top - 4 - bottom);
        if (area.Width < 10 || area.Height < 10)
            throw new ArgumentOutOfRangeException(nameof(options), $"chart {options.Width} x {options.Height} leaves no room for the plot");

        ChartFrame.YAxis(w, yAxis, area, options.YLabel);
        ChartFrame.AxisLines(w, area);
        if (legendRows.Count > 0) ChartFrame.Legend(w, legendRows, options.Width / 2.0, legendTop);
        if (categories.Count == 0 || series.Count == 0) ChartFrame.Note(w, area, "no data");

        var zeroY = area.Y(yAxis, 0);
        var inner = group * 0.8;
        var barWidth = series.Count > 0 ? inner / series.Count : inner;
        w.Open("g", ("class", "bars"));
        for (var c = 0; c < categories.Count; c++)
        {
            var gx = area.Left + c * group + (group - inner) / 2;
            for (var s = 0; s < series.Count; s++)
            {
                var v = series[s].Values[c];
                var x = gx + s * barWidth;
                var cx = x + barWidth / 2;
                if (double.IsFinite(v))
                {
                    var y = area.Y(yAxis, v);
                    w.Open("rect", ("x", x + 1), ("y", Math.Min(y, zeroY)), ("width", Math.Max(0.5, barWidth - 2)), ("height", Math.Abs(zeroY - y)),
                        ("class", "bar"), ("data-series", series[s].Name), ("data-category", categories[c]), ("fill", ColourOf(series[s], s)));
                    w.Title($"{categories[c]} – {series[s].Name}: {Markup.Number(v, 4)}").Close();
                    if (valueLabels)
                        w.Text(cx, v >= 0 ? y - 4 : y + ChartFrame.TickSize + 2, Markup.Fixed(v, options.ValueDecimals), ("class", "value-label"),
                            ("text-anchor", "middle"), ("font-size", ChartFrame.TickSize - 1), ("fill", ChartFrame.MutedText));
                }
                else if (valueLabels)
                {
                    w.Text(cx, zeroY - 4, "n/a", ("class", "value-label"), ("text-anchor", "middle"), ("font-size", ChartFrame.TickSize - 1),
                        ("fill", ChartFrame.MutedText));
                }
            }
            var ly = area.Bottom + nameSize + 6;
            var label = ChartFrame.Fit(categories[c] ?? "", nameSize, rotate ? 140 : group - 2);
            var lx = area.Left + c * group + group / 2;
            if (rotate)
                w.Text(lx, ly, label, ("class", "category-label"), ("text-anchor", "end"), ("font-size", nameSize), ("fill", ChartFrame.TextColour),
                    ("transform", $"rotate(-35 {SvgWriter.Num(lx)} {SvgWriter.Num(ly - nameSize / 2)})"));
            else
                w.Text(lx, ly, label, ("class", "category-label"), ("text-anchor", "middle"), ("font-size", nameSize), ("fill", ChartFrame.TextColour));
        }
        w.Close();
        w.Line(area.Left, zeroY, area.Right, zeroY, ("class", "zero-line"), ("stroke", ChartFrame.AxisColour), ("stroke-width", 1));
        if (!string.IsNullOrEmpty(options.XLabel))
            w.Text(area.Left + area.Width / 2, options.Height - ChartFrame.Pad, options.XLabel, ("class", "axis-label"), ("text-anchor", "middle"),
                ("font-size", ChartFrame.LabelSize), ("fill", ChartFrame.TextColour));
        return w.Finish();
    }

    private static Colour ColourOf(BarSeries s, int index) => s.Colour ?? ColourMap.Categorical(index);
}
