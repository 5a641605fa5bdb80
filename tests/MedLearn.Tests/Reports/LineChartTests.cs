using System.Globalization;
using MedLearn.Reports.Charts;

namespace MedLearn.Tests.Reports;

public class LineChartTests
{
    private static Svg Render(LineChartOptions? options, params LineSeries[] series) => new(LineChart.Render(series, options));

    [Fact]
    public void PointsMapToPixelsThroughTheAxes()
    {
        var svg = Render(new LineChartOptions { Width = 600, Height = 400, Title = "t", XLabel = "x", YLabel = "y" },
            new LineSeries("a", [0, 2.5, 10], [0, 0.25, 1]));
        Assert.Equal((600.0, 400.0), (svg.Width, svg.Height));
        Assert.Equal("0 0 600 400", (string?)svg.Root.Attribute("viewBox"));
        var (left, top, width, height) = svg.PlotArea;
        var xt = svg.TickLabels("x-axis");
        var yt = svg.TickLabels("y-axis");
        Assert.Equal(("0", "10"), (xt[0].Label, xt[^1].Label));
        Assert.Equal(("0", "1"), (yt[0].Label, yt[^1].Label));

        var line = svg.WithClass("polyline", "series-line").Single();
        var expected = new[] { (left, top + height), (left + 0.25 * width, top + 0.75 * height), (left + width, top) };
        var actual = Svg.Points(line);
        Assert.Equal(3, actual.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i].Item1, actual[i].X, 0.011);
            Assert.Equal(expected[i].Item2, actual[i].Y, 0.011);
        }
        // every tick label sits at its value's position
        foreach (var (label, x, _) in xt) Assert.Equal(left + Svg.Value(label) / 10 * width, x, 0.011);
        foreach (var (label, _, y) in yt) Assert.Equal(top + (1 - Svg.Value(label)) * height + 4, y, 0.011);
    }

    [Fact]
    public void NanBreaksTheLineAndLonePointsBecomeDots()
    {
        var svg = Render(null, new LineSeries("gappy", [1, 2, 3, 4, 5, 6, 7], [1, 2, double.NaN, 3, 4, double.PositiveInfinity, 5]));
        var lines = svg.WithClass("polyline", "series-line").ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal(2, Svg.Points(l).Count));
        var dot = svg.WithClass("circle", "series-point").Single();
        var (left, top, width, height) = svg.PlotArea;
        var xt = svg.TickLabels("x-axis");
        var (x0, x1) = (Svg.Value(xt[0].Label), Svg.Value(xt[^1].Label));
        Assert.Equal(left + (7 - x0) / (x1 - x0) * width, Svg.D(dot, "cx"), 0.011);
    }

    [Fact]
    public void SinglePointSeriesIsDrawnAsADotInsideThePlot()
    {
        var svg = Render(null, new LineSeries("one", [3], [0.7]));
        Assert.Empty(svg.WithClass("polyline", "series-line"));
        var dot = svg.WithClass("circle", "series-point").Single();
        var (left, top, width, height) = svg.PlotArea;
        Assert.InRange(Svg.D(dot, "cx"), left + 0.1 * width, left + 0.9 * width);
        Assert.InRange(Svg.D(dot, "cy"), top + 0.1 * height, top + 0.9 * height);
    }

    [Fact]
    public void ConstantSeriesIsAHorizontalLineAwayFromTheEdges()
    {
        var svg = Render(null, new LineSeries("flat", [1, 2, 3, 4], [0.5, 0.5, 0.5, 0.5]));
        var points = Svg.Points(svg.WithClass("polyline", "series-line").Single());
        Assert.All(points, p => Assert.Equal(points[0].Y, p.Y));
        var (_, top, _, height) = svg.PlotArea;
        Assert.InRange(points[0].Y, top + 0.2 * height, top + 0.8 * height);
    }

    [Fact]
    public void LogYPlacesDecadesEvenlyAndSkipsNonPositiveValues()
    {
        var svg = Render(new LineChartOptions { LogY = true }, new LineSeries("lr", [1, 2, 3, 4, 5], [1e-4, 1e-3, 0, 1e-2, 1e-1]));
        var lines = svg.WithClass("polyline", "series-line").ToList();
        Assert.Equal(2, lines.Count);
        var ys = lines.SelectMany(Svg.Points).Select(p => p.Y).ToList();
        var (_, top, _, height) = svg.PlotArea;
        Assert.Equal(top + height, ys[0], 0.011);          // 1e-4 is the axis minimum
        Assert.Equal(top, ys[^1], 0.011);                  // 1e-1 is the axis maximum
        Assert.Equal(ys[0] - ys[1], ys[2] - ys[3], 0.02);  // one decade = same pixel distance
        Assert.Equal(["1e-4", "0.001", "0.01", "0.1"], svg.TickLabels("y-axis").Select(t => t.Label));
    }

    [Fact]
    public void NoDataGivesAnEmptyFrameWithANote()
    {
        var svg = Render(null, new LineSeries("nothing", [1, 2], [double.NaN, double.NaN]));
        Assert.Empty(svg.All("polyline"));
        Assert.Contains(svg.All("text"), t => t.Value == "no data");
        Assert.Contains(new Svg(LineChart.Render([])).All("text"), t => t.Value == "no data");
    }

    [Fact]
    public void MismatchedSeriesIsRefused() =>
        Assert.Throws<ArgumentException>(() => LineChart.Render([new LineSeries("bad", [1, 2, 3], [1, 2])]));

    [Fact]
    public void OutputIsDeterministicAndCultureInvariant()
    {
        LineSeries[] series = [new("train <loss>", [1, 2, 3], [0.123456, 0.5, 1.5]), new("val & test", [1, 2, 3], [0.2, 0.4, 0.9])];
        var options = new LineChartOptions { Title = "Loss \"quoted\"", XLabel = "Epoch", YLabel = "Loss" };
        var first = LineChart.Render(series, options);
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(first, LineChart.Render(series, options));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
        var svg = new Svg(first);
        Assert.Contains(svg.All("text"), t => t.Value == "train <loss>");
        Assert.Contains("train &lt;loss&gt;", first);
        Assert.Contains("val &amp; test", first);
        Assert.Contains("Loss &quot;quoted&quot;", first);
        Assert.DoesNotContain("<loss>", first);
    }
}
