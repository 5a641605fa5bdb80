namespace MedLearn.Reports.Charts;

/// <summary>
/// A confusion-matrix heatmap: rows are true classes, columns predicted classes. Cell (r, c) shows the count and,
/// when the cell is large enough (≥ 40 px), the row-normalised percentage <c>count / Σ_c' count[r, c']</c>; its fill
/// is that fraction on the colour map, and its text is dark or white, whichever contrasts more with the fill. A row
/// without samples shows "–" as percentage and the lowest colour. A colour bar (0–100 %) sits on the right.
/// </summary>
public static class ConfusionMatrixChart
{
    /// <summary>Renders the chart as an SVG string.</summary>
    /// <param name="classNames">C class names (row and column labels).</param>
    /// <param name="counts">C rows of C non-negative counts: counts[true][predicted].</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <exception cref="ArgumentException">No classes, a non-square matrix, a size not matching the names, or a negative count.</exception>
    public static string Render(IReadOnlyList<string> classNames, IReadOnlyList<IReadOnlyList<long>> counts, ConfusionMatrixChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(counts);
        options ??= new ConfusionMatrixChartOptions();
        var n = classNames.Count;
        if (n == 0) throw new ArgumentException("a confusion matrix needs at least one class", nameof(classNames));
        if (counts.Count != n || counts.Any(r => r is null || r.Count != n))
            throw new ArgumentException($"counts must be {n} x {n} (one row and column per class name)", nameof(counts));
        if (counts.Any(r => r.Any(v => v < 0))) throw new ArgumentException("counts must be non-negative", nameof(counts));
        var map = options.ColourMap ?? ColourMap.Blues;

        var cell = options.CellSize ?? Math.Clamp(Math.Floor(420.0 / n), 24, 84);
        if (!(cell >= 8)) throw new ArgumentOutOfRangeException(nameof(options), "cell size must be at least 8 px");
        var countSize = Math.Min(14, Math.Max(8, cell * 0.3));
        var showPercent = cell >= 40;
        const double nameSize = ChartFrame.TickSize + 0.5;
        var maxName = Math.Min(160, classNames.Max(s => ChartFrame.TextWidth(s ?? "", nameSize)));
        var rotate = maxName > cell - 6;
        const double angle = 40;
        var columnLabelHeight = rotate ? maxName * Math.Sin(angle * Math.PI / 180) + nameSize + 6 : nameSize + 8;

        var titleWidth = string.IsNullOrEmpty(options.Title) ? 0 : ChartFrame.TextWidth(options.Title, ChartFrame.TitleSize) + 2 * ChartFrame.Pad;
        var left = ChartFrame.Pad + ChartFrame.LabelSize + 10 + maxName + 8;
        var gridSide = cell * n;
        const double colourBar = 64;
        var width = Math.Max(left + gridSide + colourBar + ChartFrame.Pad, titleWidth);
        // rotated column labels hang to the left of their column; make sure the first one fits
        if (rotate) left = Math.Max(left, maxName * Math.Cos(angle * Math.PI / 180) - cell / 2 + ChartFrame.Pad);
        width = Math.Max(width, left + gridSide + colourBar + ChartFrame.Pad);
        var titleBottom = string.IsNullOrEmpty(options.Title) ? ChartFrame.Pad : ChartFrame.Pad + ChartFrame.TitleSize + 10;
        var top = titleBottom + 4;
        var height = top + gridSide + columnLabelHeight + ChartFrame.LabelSize + 12 + ChartFrame.Pad;

        var w = new SvgWriter(Math.Ceiling(width), Math.Ceiling(height), options.Title ?? "confusion matrix", "chart confusion-matrix");
        ChartFrame.Background(w);
        ChartFrame.Title(w, options.Title);

        w.Open("g", ("class", "cells"));
        for (var r = 0; r < n; r++)
        {
            long rowTotal = 0;
            for (var c = 0; c < n; c++) rowTotal += counts[r][c];
            for (var c = 0; c < n; c++)
            {
                var count = counts[r][c];
                var fraction = rowTotal > 0 ? (double)count / rowTotal : double.NaN;
                var fill = map.At(double.IsNaN(fraction) ? 0 : fraction);
                var ink = fill.ContrastingText();
                var x = left + c * cell;
                var y = top + r * cell;
                w.Open("g", ("class", "cell-group"));
                w.Rect(x, y, cell, cell, ("class", "cell"), ("data-row", r), ("data-col", c), ("data-count", count),
                    ("fill", fill), ("stroke", "#ffffff"), ("stroke-width", 1));
                var countText = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var percent = double.IsNaN(fraction) ? "–" : Markup.Percent(fraction, 1);
                var cy = showPercent ? y + cell / 2 - 1 : y + cell / 2 + countSize * 0.35;
                w.Text(x + cell / 2, cy, countText, ("class", "cell-count"), ("text-anchor", "middle"), ("font-size", Math.Round(countSize, 1)),
                    ("font-weight", r == c ? 700 : 500), ("fill", ink));
                if (showPercent)
                    w.Text(x + cell / 2, y + cell / 2 + countSize * 0.95, percent, ("class", "cell-percent"), ("text-anchor", "middle"),
                        ("font-size", Math.Round(countSize * 0.78, 1)), ("fill", ink), ("fill-opacity", 0.85));
                w.Title($"true {classNames[r]}, predicted {classNames[c]}: {countText} ({percent} of {rowTotal})");
                w.Close();
            }
        }
        w.Close();

        // row (true) labels
        w.Open("g", ("class", "row-labels"));
        for (var r = 0; r < n; r++)
            w.Text(left - 6, top + r * cell + cell / 2 + 4, ChartFrame.Fit(classNames[r] ?? "", nameSize, maxName), ("class", "class-label"),
                ("text-anchor", "end"), ("font-size", nameSize), ("fill", ChartFrame.TextColour));
        w.Close();
        // column (predicted) labels
        w.Open("g", ("class", "column-labels"));
        for (var c = 0; c < n; c++)
        {
            var x = left + c * cell + cell / 2;
            var y = top + gridSide + nameSize + 2;
            var label = ChartFrame.Fit(classNames[c] ?? "", nameSize, maxName);
            if (rotate)
                w.Text(x, y, label, ("class", "class-label"), ("text-anchor", "end"), ("font-size", nameSize), ("fill", ChartFrame.TextColour),
                    ("transform", $"rotate(-{SvgWriter.Num(angle)} {SvgWriter.Num(x)} {SvgWriter.Num(y - nameSize / 2)})"));
            else
                w.Text(x, y, label, ("class", "class-label"), ("text-anchor", "middle"), ("font-size", nameSize), ("fill", ChartFrame.TextColour));
        }
        w.Close();

        // axis titles
        var ay = top + gridSide + columnLabelHeight + ChartFrame.LabelSize + 2;
        w.Text(left + gridSide / 2, ay, options.XLabel, ("class", "axis-label"), ("text-anchor", "middle"), ("font-size", ChartFrame.LabelSize),
            ("font-weight", 600), ("fill", ChartFrame.TextColour));
        var lx = ChartFrame.Pad + ChartFrame.LabelSize;
        var ly = top + gridSide / 2;
        w.Text(lx, ly, options.YLabel, ("class", "axis-label"), ("text-anchor", "middle"), ("font-size", ChartFrame.LabelSize), ("font-weight", 600),
            ("fill", ChartFrame.TextColour), ("transform", $"rotate(-90 {SvgWriter.Num(lx)} {SvgWriter.Num(ly)})"));

        ColourBar(w, map, left + gridSide + 16, top, Math.Max(gridSide, 60));
        return w.Finish();
    }

    private static void ColourBar(SvgWriter w, ColourMap map, double x, double y, double height)
    {
        const int steps = 32;
        const double barWidth = 12;
        w.Open("g", ("class", "colour-bar"));
        var step = height / steps;
        for (var i = 0; i < steps; i++)
        {
            var t = 1 - (i + 0.5) / steps;
            w.Rect(x, y + i * step, barWidth, step + 0.5, ("fill", map.At(t)));
        }
        w.Rect(x, y, barWidth, height, ("fill", "none"), ("stroke", "#cbd2d9"), ("stroke-width", 1));
        foreach (var (t, label) in new[] { (1.0, "100%"), (0.5, "50%"), (0.0, "0%") })
        {
            var ty = y + (1 - t) * height;
            w.Line(x + barWidth, ty, x + barWidth + 3, ty, ("stroke", ChartFrame.AxisColour));
            w.Text(x + barWidth + 5, ty + 4, label, ("font-size", ChartFrame.TickSize - 1), ("fill", ChartFrame.MutedText));
        }
        w.Close();
    }
}
