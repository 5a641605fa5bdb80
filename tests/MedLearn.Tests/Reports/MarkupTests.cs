using System.Xml.Linq;
using MedLearn.Reports;
using MedLearn.Reports.Charts;

namespace MedLearn.Tests.Reports;

public class MarkupTests
{
    [Fact]
    public void EscapesMarkupAndReplacesCharactersXmlForbids()
    {
        Assert.Equal("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", Markup.Escape("a <b> & \"c\" 'd'"));
        Assert.Equal("x\uFFFDy\uFFFDz\tok\n", Markup.Escape("x\u0001y\uD800z\tok\n"));
        Assert.Equal("emoji 😀 kept", Markup.Escape("emoji 😀 kept"));
        Assert.Equal("", Markup.Escape(null));
        var plain = "nothing to escape";
        Assert.Same(plain, Markup.Escape(plain));
    }

    [Fact]
    public void EveryChartStaysWellFormedWithHostileLabels()
    {
        const string evil = "<script>alert('x')</script> & \u0002 \uDC00 \"q\"";
        string[] charts =
        [
            LineChart.Render([new LineSeries(evil, [1, 2], [1, 2])], new LineChartOptions { Title = evil, XLabel = evil, YLabel = evil }),
            RocChart.Render([new RocCurve(evil, [0, 1], [0, 1], 0.5)], new RocChartOptions { Title = evil }),
            ConfusionMatrixChart.Render([evil, "b"], [[1, 2], [3, 4]], new ConfusionMatrixChartOptions { Title = evil }),
            BarChart.Render([evil, "b"], [new BarSeries(evil, [1, 2]), new BarSeries("s", [2, 1])], new BarChartOptions { Title = evil }),
        ];
        foreach (var chart in charts)
        {
            var svg = new Svg(chart);
            Assert.DoesNotContain("<script", chart);
            Assert.DoesNotContain(svg.Root.Descendants(), e => e.Name.LocalName == "script");
            Assert.True(svg.Width > 0 && svg.Height > 0);
            Assert.Equal($"0 0 {svg.Width} {svg.Height}", (string?)svg.Root.Attribute("viewBox"));
            Assert.DoesNotContain(svg.Root.DescendantsAndSelf().Attributes(), a => a.Name.LocalName == "id");
        }
    }

    [Theory]
    [InlineData(0.30000000000000004, 2, "0.3")]
    [InlineData(-0.0001, 2, "0")]
    [InlineData(1234.5678, 1, "1234.6")]
    [InlineData(double.NaN, 2, "n/a")]
    public void NumbersAreInvariantAndTrimmed(double value, int decimals, string expected) =>
        Assert.Equal(expected, Markup.Number(value, decimals));

    [Fact]
    public void SvgWriterClosesWhatItOpens()
    {
        var w = new SvgWriter(100, 50);
        w.Open("g", ("class", "a")).Open("g", ("fill", (string?)null));
        w.Text(1, 2, "t");
        var doc = XDocument.Parse(w.Finish());
        Assert.Equal(2, doc.Descendants().Count(e => e.Name.LocalName == "g"));
        Assert.Null(doc.Descendants().Last(e => e.Name.LocalName == "g").Attribute("fill"));
        Assert.Throws<InvalidOperationException>(() => w.Rect(0, 0, 1, 1));
    }
}
