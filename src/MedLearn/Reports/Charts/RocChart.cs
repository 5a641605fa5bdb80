namespace MedLearn.Reports.Charts;

/// <summary>
/// ROC curves: one polyline per curve over a square plot with both axes fixed to [0, 1] (ticks every 0.2), the
/// chance diagonal dashed, and a legend "name (AUC 0.953)" ("AUC n/a" when NaN) in the lower-right corner of the plot,
/// or, with more than <see cref="InsetLegendLimit"/> entries or entries too long for the corner, in rows below the
/// chart, which then is taller than <see cref="ChartOptions.Height"/> by the legend's height.
/// A ROC curve runs from (0, 0) to (1, 1) by definition (thresholds +∞ and −∞): when the given points do not
/// start or end there, those end points are added. Points with a NaN coordinate are skipped; coordinates are
/// clamped to [0, 1]. A curve without any finite point is listed in the legend but not drawn.
/// </summary>
public static class RocChart
{
    /// <summary>Most legend entries drawn inside the plot; with more, the legend goes below it.</summary>
    public const int InsetLegendLimit = 5;

    /// <summary>Renders the chart as an SVG string.</summary>
    /// <exception cref="ArgumentException">A curve whose Fpr and Tpr counts differ.</exception>
    public static string Render(IReadOnlyList<RocCurve> curves, RocChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        options ??= new RocChartOptions();
        ChartFrame.CheckSize(options);
        foreach (var c in curves)
        {
            ArgumentNullException.ThrowIfNull(c);
            if (c.Fpr.Count != c.Tpr.Count)
                throw new ArgumentException($"ROC curve '{c.Name}' has {c.Fpr.Count} FPR values but {c.Tpr.Count} TPR values", nameof(curves));
        }

        var axis = Axis.Fixed(0, 1, 0.2);
        var left = ChartFrame.LeftMargin(axis, options.YLabel);
        var right = ChartFrame.Pad + 10;
        var bottom = ChartFrame.BottomMargin(options.XLabel);
        var top = (string.IsNullOrEmpty(options.Title) ? ChartFrame.Pad : ChartFrame.Pad + ChartFrame.TitleSize + 10) + 4;
        var side = Math.Min(options.Width - left - right, options.Height - top - bottom);
        if (side < 20) throw new ArgumentOutOfRangeException(nameof(options), $"chart {options.Width} x {options.Height} leaves no room for the plot");
        var labels = curves.Select(c => $"{c.Name} (AUC {(double.IsNaN(c.Auc) ? "n/a" : Markup.Fixed(c.Auc, 3))})").ToList();
        // Up to InsetLegendLimit short entries fit in the plot's lower-right corner (where ROC curves rarely go);
        // more or longer ones go below the plot, and the chart grows by their height.
        var inset = labels.Count <= InsetLegendLimit &&
                    labels.All(l => ChartFrame.TextWidth(l, ChartFrame.LegendSize) + 40 <= side * 0.7);
        var legendRows = inset ? [] : ChartFrame.LegendRows(
            [.. labels.Select((l, i) => new LegendEntry(l, ColourMap.Categorical(i), LegendMark.Line))], options.Width - 2 * ChartFrame.Pad);
        var height = options.Height + (legendRows.Count > 0 ? legendRows.Count * ChartFrame.LegendRowHeight + 6 : 0);
        var w = new SvgWriter(options.Width, height, options.Title ?? "ROC curves", "chart roc-chart");
        ChartFrame.Background(w);
        ChartFrame.Title(w, options.Title);
        // centre the square horizontally in the space left of the right margin
        left += (options.Width - left - right - side) / 2;
        var area = new PlotArea(left, top, side, side);

        ChartFrame.YAxis(w, axis, area, options.YLabel);
        ChartFrame.XAxis(w, axis, area, options.XLabel);
        ChartFrame.AxisLines(w, area);
        w.Line(area.Left, area.Bottom, area.Right, area.Top, ("class", "chance"), ("stroke", "#9aa5b1"), ("stroke-width", 1.2), ("stroke-dasharray", "5 4"));

        var entries = new List<LegendEntry>();
        for (var ci = 0; ci < curves.Count; ci++)
        {
            var c = curves[ci];
            var colour = ColourMap.Categorical(ci);
            entries.Add(new LegendEntry(labels[ci], colour, LegendMark.Line));
            var points = CurvePoints(c);
            if (points.Count == 0) continue;
            w.OpenPolyline(points.Select(p => (area.X(axis, p.Fpr), area.Y(axis, p.Tpr))),
                ("class", "roc-curve"), ("data-class", c.Name), ("fill", "none"), ("stroke", colour), ("stroke-width", 2),
                ("stroke-linejoin", "round"));
            w.Title(entries[^1].Label).Close();
        }
        if (curves.Count == 0) ChartFrame.Note(w, area, "no curves");
        if (inset && entries.Count > 0) InsetLegend(w, entries, area);
        if (legendRows.Count > 0) ChartFrame.Legend(w, legendRows, options.Width / 2.0, options.Height - 4);
        return w.Finish();
    }

    /// <summary>
    /// The points <see cref="Render"/> draws for <paramref name="curve"/>: pairs with a NaN dropped, coordinates
    /// clamped to [0, 1], (0, 0) prepended and (1, 1) appended when missing. Empty when no pair is finite.
    /// </summary>
    public static List<(double Fpr, double Tpr)> CurvePoints(RocCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var points = new List<(double, double)>();
        for (var i = 0; i < curve.Fpr.Count; i++)
        {
            var f = curve.Fpr[i];
            var t = curve.Tpr[i];
            if (double.IsNaN(f) || double.IsNaN(t)) continue;
            points.Add((Math.Clamp(f, 0, 1), Math.Clamp(t, 0, 1)));
        }
        if (points.Count == 0) return points;
        if (points[0] != (0, 0)) points.Insert(0, (0, 0));
        if (points[^1] != (1, 1)) points.Add((1, 1));
        return points;
    }

    private static void InsetLegend(SvgWriter w, List<LegendEntry> entries, PlotArea area)
    {
        const double row = ChartFrame.LegendRowHeight;
        var maxLabel = area.Width - 46;
        var labels = entries.Select(e => ChartFrame.Fit(e.Label, ChartFrame.LegendSize, maxLabel)).ToList();
        var width = labels.Max(l => ChartFrame.TextWidth(l, ChartFrame.LegendSize)) + 40;
        var height = entries.Count * row + 8;
        var x = area.Right - width - 8;
        var y = area.Bottom - height - 8;
        w.Open("g", ("class", "legend"));
        w.Rect(x, y, width, height, ("fill", "#ffffff"), ("fill-opacity", 0.92), ("stroke", "#cbd2d9"), ("rx", 4));
        for (var i = 0; i < entries.Count; i++)
        {
            var cy = y + 4 + i * row + row / 2;
            ChartFrame.LegendKey(w, entries[i], x + 8, cy);
            w.Text(x + 32, cy + 4, labels[i], ("class", "legend-label"), ("font-size", ChartFrame.LegendSize), ("fill", ChartFrame.TextColour));
        }
        w.Close();
    }
}
