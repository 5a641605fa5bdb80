using MedLearn.Reports.Charts;

namespace MedLearn.Tests.Reports;

public class RocChartTests
{
    [Fact]
    public void PlotIsSquareAndCurvesRunFromOriginToOneOne()
    {
        var svg = new Svg(RocChart.Render([ReportTestContent.Roc("a", 3, 0.75), new RocCurve("b", [0.25], [0.75], 0.8)],
            new RocChartOptions { Width = 520, Height = 440, Title = "ROC" }));
        var (left, top, width, height) = svg.PlotArea;
        Assert.Equal(width, height, 0.011);
        var curves = svg.WithClass("polyline", "roc-curve").ToList();
        Assert.Equal(2, curves.Count);
        foreach (var c in curves)
        {
            var p = Svg.Points(c);
            Assert.Equal((left, top + height), (Math.Round(p[0].X, 2), Math.Round(p[0].Y, 2)));
            Assert.Equal(left + width, p[^1].X, 0.011); // (1, 1): right edge
            Assert.Equal(top, p[^1].Y, 0.011);          // ... top edge
        }
        // curve "b" was given the single point (0.25, 0.75): end points are added around it
        var b = Svg.Points(curves[1]);
        Assert.Equal(3, b.Count);
        Assert.Equal(left + 0.25 * width, b[1].X, 0.011);
        Assert.Equal(top + 0.25 * height, b[1].Y, 0.011);
        Assert.Equal("b", (string?)curves[1].Attribute("data-class"));

        var chance = svg.WithClass("line", "chance").Single();
        Assert.Equal((left, top + height, left + width, top),
            (Svg.D(chance, "x1"), Svg.D(chance, "y1"), Svg.D(chance, "x2"), Svg.D(chance, "y2")));
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"], svg.TickLabels("x-axis").Select(t => t.Label));
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"], svg.TickLabels("y-axis").Select(t => t.Label));
    }

    [Fact]
    public void LegendShowsAucAndEscapesNames()
    {
        var text = RocChart.Render([new RocCurve("<plus> & co", [0, 0.5, 1], [0, 0.9, 1], 0.953), new RocCurve("none", [0, 1], [0, 1], double.NaN)]);
        var svg = new Svg(text);
        var labels = svg.Group("legend").Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Equal(["<plus> & co (AUC 0.953)", "none (AUC n/a)"], labels);
        Assert.Contains("&lt;plus&gt; &amp; co (AUC 0.953)", text);
    }

    [Fact]
    public void ManyCurvesMoveTheLegendBelowThePlot()
    {
        var curves = Enumerable.Range(0, 8).Select(i => ReportTestContent.Roc($"class {i}", 1.5 + i, 0.6 + 0.04 * i)).ToList();
        var svg = new Svg(RocChart.Render(curves, new RocChartOptions { Width = 460, Height = 460 }));
        Assert.True(svg.Height > 460);
        var (_, top, _, height) = svg.PlotArea;
        var legendTexts = svg.Group("legend").Descendants().Where(e => e.Name.LocalName == "text").ToList();
        Assert.Equal(8, legendTexts.Count);
        Assert.All(legendTexts, t => Assert.True(Svg.D(t, "y") > top + height, "legend entry inside the plot"));
        Assert.Equal(8, svg.WithClass("polyline", "roc-curve").Count());
    }

    [Fact]
    public void NanPointsAreSkippedAndValuesClamped()
    {
        var points = RocChart.CurvePoints(new RocCurve("x", [0, double.NaN, 0.5, 1.2], [0, 0.3, -0.1, 1], 0.5));
        Assert.Equal([(0.0, 0.0), (0.5, 0.0), (1.0, 1.0)], points);
        Assert.Empty(RocChart.CurvePoints(new RocCurve("empty", [], [], double.NaN)));
        Assert.Throws<ArgumentException>(() => RocChart.Render([new RocCurve("bad", [0, 1], [0], 0.5)]));
    }
}
