using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedLearn.Reports;
using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Tests.Reports;

/// <summary>
/// Renders a full report in Debian's headless chromium: every chart is laid out with a non-zero size and draws its
/// elements, every thumbnail decodes, and the screenshot is a real picture (not blank) containing the series colours.
/// Fails (does not skip) without /usr/bin/chromium.
/// </summary>
public class ReportRenderingTests
{
    // Runs after the load event (data: images decoded), measures every <svg> and <img>, and writes the result into the DOM.
    private const string Probe = """
<script>
window.addEventListener('load', () => {
  const svgs = [...document.querySelectorAll('svg')].map(s => {
    const r = s.getBoundingClientRect();
    const visible = sel => [...s.querySelectorAll(sel)].filter(e => { const b = e.getBBox(); return b.width > 0 || b.height > 0; }).length;
    return { cls: s.getAttribute('class') || '', w: r.width, h: r.height,
             drawn: visible('path, polyline, rect, circle, line'), polylines: visible('polyline'),
             cells: s.querySelectorAll('rect.cell').length, bars: visible('rect.bar'), texts: s.querySelectorAll('text').length };
  });
  const imgs = [...document.images].map(i => ({ w: i.naturalWidth, h: i.naturalHeight, shown: i.getBoundingClientRect().width }));
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({ svgs, imgs, height: Math.ceil(document.documentElement.scrollHeight),
                                     sections: document.querySelectorAll('main > section').length });
  document.body.appendChild(out);
});
</script>
""";

    [Fact]
    public void ReportRendersInHeadlessChromium()
    {
        HeadlessChromium.Require();
        var dir = Path.Combine(Path.GetTempPath(), "medlearn-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var page = new ClassificationReportPage(ReportTestContent.Full());
            var report = Path.Combine(dir, "report.html");
            page.Write(report);
            var html = File.ReadAllText(report);
            var probeFile = Path.Combine(dir, "probe.html");
            File.WriteAllText(probeFile, html.Replace("</body>", Probe + "</body>", StringComparison.Ordinal));

            var dom = HeadlessChromium.DumpDom(probeFile, dir);
            var match = Regex.Match(dom, "<pre id=\"probe\">(.*?)</pre>", RegexOptions.Singleline);
            Assert.True(match.Success, "the probe script did not run; DOM starts with: " + dom[..Math.Min(300, dom.Length)]);
            using var json = JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups[1].Value));
            var root = json.RootElement;

            var svgs = root.GetProperty("svgs").EnumerateArray().ToList();
            // dataset bars, loss, accuracy, confusion matrix, ROC, per-class bars
            Assert.Equal(6, svgs.Count);
            foreach (var s in svgs)
            {
                Assert.True(s.GetProperty("w").GetDouble() > 100 && s.GetProperty("h").GetDouble() > 100,
                    $"{s.GetProperty("cls")} is laid out at {s.GetProperty("w")} x {s.GetProperty("h")}");
                Assert.True(s.GetProperty("drawn").GetInt32() > 10, $"{s.GetProperty("cls")} draws only {s.GetProperty("drawn")} elements");
                Assert.True(s.GetProperty("texts").GetInt32() > 5, $"{s.GetProperty("cls")} has no labels");
            }
            JsonElement Chart(string cls) => svgs.Single(s => s.GetProperty("cls").GetString()!.Split(' ').Contains(cls));
            var lines = svgs.Where(s => s.GetProperty("cls").GetString()!.Contains("line-chart")).ToList();
            Assert.Equal(2, lines.Count);
            Assert.All(lines, l => Assert.Equal(2, l.GetProperty("polylines").GetInt32())); // train + validation
            Assert.Equal(9, Chart("confusion-matrix").GetProperty("cells").GetInt32());
            Assert.Equal(3, Chart("roc-chart").GetProperty("polylines").GetInt32());
            var bars = svgs.Where(s => s.GetProperty("cls").GetString()!.Contains("bar-chart")).Select(s => s.GetProperty("bars").GetInt32()).ToList();
            Assert.Equal([9, 9], bars); // 3 classes x 3 splits; 3 classes x (precision, recall, F1)

            var imgs = root.GetProperty("imgs").EnumerateArray().ToList();
            Assert.Equal(10, imgs.Count);
            Assert.All(imgs, i =>
            {
                Assert.Equal(48, i.GetProperty("w").GetInt32()); // the data: URI decoded to the 48x48 PNG
                Assert.True(i.GetProperty("shown").GetDouble() > 60);
            });
            Assert.Equal(9, root.GetProperty("sections").GetInt32()); // 7 built-in parts, 1 extra section, configuration

            // Screenshot of the whole page: not blank, and the palette's first series colour (loss/ROC lines) is painted.
            var height = Math.Min(root.GetProperty("height").GetInt32() + 20, 9000);
            var png = Path.Combine(dir, "report.png");
            HeadlessChromium.Screenshot(report, png, 1280, height, dir);
            var keep = Environment.GetEnvironmentVariable("MEDLEARN_REPORT_SCREENSHOT");
            if (!string.IsNullOrEmpty(keep)) File.Copy(png, keep, overwrite: true);
            using var scope = DisposeScope.Open();
            var pixels = ImageCodec.Decode(File.ReadAllBytes(png)).Pixels;
            Assert.Equal(1280, pixels.Size(1));
            var rgb = pixels.Narrow(2, 0, 3).To(DType.Int32);
            var r = rgb.Select(2, 0); var g = rgb.Select(2, 1); var b = rgb.Select(2, 2);
            var blue = (long)r.Sub(0x4e).Abs().Le(12).LogicalAnd(g.Sub(0x79).Abs().Le(12)).LogicalAnd(b.Sub(0xa7).Abs().Le(12)).Sum().ToDouble();
            var white = (long)r.Ge(250).LogicalAnd(g.Ge(250)).LogicalAnd(b.Ge(250)).Sum().ToDouble();
            var total = pixels.Size(0) * pixels.Size(1);
            Assert.True(blue > 2000, $"only {blue} pixels in the first series colour");
            Assert.True(white < total * 0.95, $"screenshot is {100.0 * white / total:F1}% white");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
