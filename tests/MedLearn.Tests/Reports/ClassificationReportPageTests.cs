using System.Text.RegularExpressions;
using MedLearn.Reports;

namespace MedLearn.Tests.Reports;

public class ClassificationReportPageTests
{
    [Fact]
    public void FullReportReferencesNoExternalResources()
    {
        var content = ReportTestContent.Full();
        var html = new ClassificationReportPage(content).Render();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.EndsWith("</html>\n", html);
        // The only URL-looking text is the SVG namespace name, which is an identifier, not a fetched resource.
        var withoutNamespace = html.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("https?://", RegexOptions.IgnoreCase), withoutNamespace);
        Assert.DoesNotMatch(new Regex(@"<(script|link|iframe|object|embed)\b", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"url\(|@import", RegexOptions.IgnoreCase), html);
        var sources = Regex.Matches(html, "\\b(?:src|href)=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10 + 9, sources.Count); // 10 thumbnails + 9 table-of-contents anchors
        Assert.All(sources, s => Assert.True(s.StartsWith("data:image/png;base64,", StringComparison.Ordinal) || s.StartsWith('#'), s));

        // thumbnails round-trip through their data: URIs
        var images = sources.Where(s => s.StartsWith("data:", StringComparison.Ordinal)).Select(s => Convert.FromBase64String(s[(s.IndexOf(',') + 1)..])).ToList();
        Assert.Equal(content.Samples.Select(s => s.Thumbnail), images);

        Assert.Equal(6, Regex.Matches(html, "<svg ").Count);
        Assert.DoesNotContain("class=\"na\"", html);
        Assert.Equal(2, Regex.Matches(html, "class=\"sample wrong\"").Count);
        Assert.Equal(8, Regex.Matches(html, "class=\"sample correct\"").Count);
    }

    [Fact]
    public void ContentTextIsEscapedAndExtraSectionsAreInsertedVerbatim()
    {
        var content = ReportTestContent.Full() with
        {
            Title = "Run <b>bold</b> & more",
            ExtraSections = [new ReportSection("Grad-CAM <maps>", "<div class=\"custom\"><svg width=\"10\" height=\"10\"></svg></div>")],
        };
        var html = new ClassificationReportPage(content).Render();
        Assert.Contains("<title>Run &lt;b&gt;bold&lt;/b&gt; &amp; more</title>", html);
        Assert.DoesNotContain("<b>bold</b>", html);
        Assert.Contains("plus &lt;ROP&gt; &amp; co", html);
        Assert.DoesNotContain("<ROP>", html);
        Assert.Contains("# comment with &lt;tags&gt; &amp; ampersands", html);
        Assert.Contains("<h2>Grad-CAM &lt;maps&gt;</h2>\n<div class=\"custom\"><svg width=\"10\" height=\"10\"></svg></div>", html);
        Assert.Contains("<a href=\"#extra-1\">Grad-CAM &lt;maps&gt;</a>", html);
        Assert.True(html.IndexOf("id=\"extra-1\"", StringComparison.Ordinal) < html.IndexOf("id=\"configuration\"", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingPartsRenderNotAvailableNotesInsteadOfCharts()
    {
        var html = new ClassificationReportPage(new ClassificationReportContent { Title = "empty" }).Render();
        Assert.DoesNotContain("<svg", html);
        Assert.DoesNotContain("<img", html);
        var notes = Regex.Matches(html, "<p class=\"na\">([^<]*)</p>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(
        [
            "Dataset summary not available.", "No metrics recorded.", "Training history not available (no epochs recorded).",
            "Confusion matrix not available.", "ROC curves not available.", "Per-class metrics not available.",
            "No sample predictions included.", "Inference latency not measured.", "Configuration not recorded.",
        ], notes);

        // partial content: history without accuracies, no ROC with a reason
        var partial = new ClassificationReportContent
        {
            Title = "partial",
            History = [new EpochHistoryRow(1, TrainLoss: 0.9), new EpochHistoryRow(2, TrainLoss: 0.7, ValLoss: 0.8)],
            RocUnavailableReason = "ROC needs scores for both classes; this binary run stored hard labels only.",
        };
        var p = new ClassificationReportPage(partial).Render();
        Assert.Single(Regex.Matches(p, "<svg "));
        Assert.Contains("No accuracy values recorded.", p);
        Assert.Contains("this binary run stored hard labels only.", p);
    }

    [Fact]
    public void HistoryCurvesHaveOneLinePerRecordedSeries()
    {
        var content = new ClassificationReportContent
        {
            Title = "h",
            History = [.. Enumerable.Range(1, 5).Select(e => new EpochHistoryRow(e, 1.0 / e, e % 2 == 0 ? 1.2 / e : null, 0.5 + 0.1 * e))],
        };
        var html = new ClassificationReportPage(content).Render();
        var svgs = Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline).Select(m => new Svg(m.Value)).ToList();
        Assert.Equal(2, svgs.Count);
        var loss = svgs[0];
        Assert.Equal(["train", "validation"], loss.All("g").Where(g => (string?)g.Attribute("class") == "series").Select(g => (string)g.Attribute("data-series")!));
        Assert.Single(loss.WithClass("polyline", "series-line")); // train: 5 points in one line
        Assert.Equal(2, loss.WithClass("circle", "series-point").Count()); // validation: epochs 2 and 4, each isolated by gaps
        Assert.Single(svgs[1].WithClass("polyline", "series-line"));      // accuracy: train only
        Assert.Contains("<td>–</td>", html);                               // missing values in the epoch table
    }

    [Fact]
    public void RenderIsDeterministic()
    {
        var content = ReportTestContent.Full();
        Assert.Equal(new ClassificationReportPage(content).Render(), new ClassificationReportPage(content).Render());
    }

    [Fact]
    public void InconsistentDatasetIsRefused()
    {
        var content = new ClassificationReportContent
        {
            Title = "bad",
            Dataset = new DatasetSummary(["a", "b"], [new SplitCounts("train", [1, 2, 3])]),
        };
        Assert.Throws<ArgumentException>(() => new ClassificationReportPage(content).Render());
    }

    [Fact]
    public void WriteIsAtomicAndCreatesTheFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "medlearn-report-write-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "nested", "report.html");
            var page = new ClassificationReportPage(ReportTestContent.Full());
            page.Write(path);
            var bytes = File.ReadAllBytes(path);
            Assert.NotEqual(0xEF, bytes[0]); // no BOM
            Assert.Equal(page.Render(), File.ReadAllText(path));
            new ClassificationReportPage(new ClassificationReportContent { Title = "second" }).Write(path); // replaces
            Assert.Contains("<title>second</title>", File.ReadAllText(path));
            Assert.Equal(["report.html"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
