using System.Globalization;
using MedLearn.Reports.Charts;

namespace MedLearn.Tests.Reports;

public class ConfusionMatrixChartTests
{
    private static readonly string[] Names = ["cat <A>", "B & B", "c", "d"];
    private static readonly long[][] Counts = [[50, 3, 0, 1], [4, 20, 6, 0], [0, 0, 0, 0], [2, 1, 7, 90]];

    [Fact]
    public void CellsShowCountsAndRowPercentagesInRowMajorLayout()
    {
        var svg = new Svg(ConfusionMatrixChart.Render(Names, Counts, new ConfusionMatrixChartOptions { Title = "CM", CellSize = 60 }));
        var cells = svg.WithClass("rect", "cell").ToList();
        Assert.Equal(16, cells.Count);
        var x0 = cells.Min(c => Svg.D(c, "x"));
        var y0 = cells.Min(c => Svg.D(c, "y"));
        foreach (var group in svg.WithClass("g", "cell-group"))
        {
            var rect = group.Elements().Single(e => e.Name.LocalName == "rect");
            var r = int.Parse((string)rect.Attribute("data-row")!, CultureInfo.InvariantCulture);
            var c = int.Parse((string)rect.Attribute("data-col")!, CultureInfo.InvariantCulture);
            // rows are true classes (top to bottom), columns predicted classes (left to right)
            Assert.Equal(x0 + c * 60, Svg.D(rect, "x"), 0.011);
            Assert.Equal(y0 + r * 60, Svg.D(rect, "y"), 0.011);
            Assert.Equal((60.0, 60.0), (Svg.D(rect, "width"), Svg.D(rect, "height")));
            var texts = group.Elements().Where(e => e.Name.LocalName == "text").ToDictionary(e => (string)e.Attribute("class")!, e => e.Value);
            Assert.Equal(Counts[r][c].ToString(CultureInfo.InvariantCulture), texts["cell-count"]);
            var rowTotal = Counts[r].Sum();
            var expectedPercent = rowTotal == 0 ? "–" : (100.0 * Counts[r][c] / rowTotal).ToString("F1", CultureInfo.InvariantCulture) + "%";
            Assert.Equal(expectedPercent, texts["cell-percent"]);
            // text is whichever of dark/white contrasts more with the fill, and readable
            var fill = Colour.Parse((string)rect.Attribute("fill")!);
            var ink = Colour.Parse((string)group.Elements().First(e => e.Name.LocalName == "text").Attribute("fill")!);
            var contrast = Colour.Contrast(fill.RelativeLuminance, ink.RelativeLuminance);
            var other = ink == Colour.White ? Colour.DarkText : Colour.White;
            Assert.True(contrast >= Colour.Contrast(fill.RelativeLuminance, other.RelativeLuminance));
            Assert.True(contrast >= 3.5, $"cell ({r},{c}) text contrast {contrast:F2}");
        }
        // the darkest cell (90 / 100) has white text, an empty-row cell dark text
        Assert.Equal(Colour.White.Hex, Fill(svg, 3, 3, "text"));
        Assert.Equal(Colour.DarkText.Hex, Fill(svg, 2, 2, "text"));
        Assert.Equal(ColourMap.Blues.At(0.9).Hex, Fill(svg, 3, 3, "rect"));

        var labels = svg.WithClass("text", "class-label").Select(t => t.Value).ToList();
        Assert.Equal(8, labels.Count);
        Assert.Contains("cat <A>", labels);
        Assert.Contains("B & B", labels);
    }

    [Fact]
    public void SmallCellsShowCountsOnly()
    {
        var n = 30;
        var counts = Enumerable.Range(0, n).Select(r => (IReadOnlyList<long>)[.. Enumerable.Range(0, n).Select(c => (long)(r == c ? 9 : 1))]).ToList();
        var svg = new Svg(ConfusionMatrixChart.Render([.. Enumerable.Range(0, n).Select(i => $"class {i}")], counts));
        Assert.Equal(n * n, svg.WithClass("rect", "cell").Count());
        Assert.Empty(svg.WithClass("text", "cell-percent"));
    }

    [Fact]
    public void InvalidMatricesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.Render(["a", "b"], [[1, 2]]));
        Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.Render(["a", "b"], [[1, 2], [3]]));
        Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.Render(["a"], [[-1]]));
        Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.Render([], []));
    }

    private static string Fill(Svg svg, int row, int col, string element)
    {
        var group = svg.WithClass("g", "cell-group").Single(g => g.Elements().Any(e =>
            (string?)e.Attribute("data-row") == row.ToString(CultureInfo.InvariantCulture) && (string?)e.Attribute("data-col") == col.ToString(CultureInfo.InvariantCulture)));
        return (string)group.Elements().First(e => e.Name.LocalName == element).Attribute("fill")!;
    }
}
