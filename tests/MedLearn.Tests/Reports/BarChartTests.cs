using MedLearn.Reports.Charts;

namespace MedLearn.Tests.Reports;

public class BarChartTests
{
    [Fact]
    public void BarHeightsAreProportionalAndStartAtZero()
    {
        var svg = new Svg(BarChart.Render(["a", "b", "c"],
            [new BarSeries("precision", [0.5, 1.0, double.NaN]), new BarSeries("recall", [0.25, 0.75, 0.1])],
            new BarChartOptions { YMax = 1, Title = "per class" }));
        var (left, top, width, height) = svg.PlotArea;
        Assert.Equal(("0", "1"), (svg.TickLabels("y-axis")[0].Label, svg.TickLabels("y-axis")[^1].Label));
        var bars = svg.WithClass("rect", "bar").ToList();
        Assert.Equal(5, bars.Count); // the NaN value draws no bar
        foreach (var bar in bars)
        {
            var title = bar.Elements().Single(e => e.Name.LocalName == "title").Value;
            var value = Svg.Value(title[(title.LastIndexOf(": ", StringComparison.Ordinal) + 2)..]);
            Assert.Equal(value * height, Svg.D(bar, "height"), 0.011);
            Assert.Equal(top + height, Svg.D(bar, "y") + Svg.D(bar, "height"), 0.011); // grows from the zero line
        }
        Assert.Contains(svg.WithClass("text", "value-label"), t => t.Value == "n/a");
        // groups are in category order, series in legend order within a group
        var xs = bars.Select(b => Svg.D(b, "x")).ToList();
        Assert.Equal(xs.Order(), xs);
        Assert.Equal(["precision", "recall"], svg.Group("legend").Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
    }

    [Fact]
    public void NegativeValuesHangBelowZero()
    {
        var svg = new Svg(BarChart.Render(["x", "y"], [new BarSeries("delta", [-2, 3])]));
        var zero = svg.WithClass("line", "zero-line").Single();
        var zeroY = Svg.D(zero, "y1");
        var bars = svg.WithClass("rect", "bar").ToList();
        Assert.Equal(zeroY, Svg.D(bars[0], "y"), 0.011);                           // negative bar starts at zero, goes down
        Assert.Equal(zeroY, Svg.D(bars[1], "y") + Svg.D(bars[1], "height"), 0.011); // positive bar ends at zero
        Assert.Equal(Svg.D(bars[0], "height") * 1.5, Svg.D(bars[1], "height"), 0.02);
        Assert.Empty(svg.WithClass("g", "legend")); // single series: no legend
    }

    [Fact]
    public void MismatchedSeriesIsRefused() =>
        Assert.Throws<ArgumentException>(() => BarChart.Render(["a", "b"], [new BarSeries("s", [1])]));
}
