using System.Globalization;
using System.Text;
using MedLearn.Reports.Charts;
using MedLearn.Torch.Serialization;

namespace MedLearn.Reports;

/// <summary>
/// Renders a <see cref="SegmentationReportContent"/> as one self-contained HTML page in the style of the classification
/// report (<see cref="ReportStyle"/>): headline tiles, validation Dice and training-loss curves by iteration (inline SVG,
/// <see cref="LineChart"/>), the per-case metrics table (mm and voxels) with mean ± sd, slice montages as <c>data:</c>
/// PNGs, and the configuration. Every text is HTML-escaped; output is deterministic.
/// </summary>
public sealed class SegmentationReportPage(SegmentationReportContent content)
{
    /// <summary>The content shown.</summary>
    public SegmentationReportContent Content { get; } = content ?? throw new ArgumentNullException(nameof(content));

    /// <summary>Column titles of the per-case table after "Case".</summary>
    public static IReadOnlyList<string> CaseColumns { get; } =
        ["Dice", "Jaccard", "HD95 (mm)", "ASD (mm)", "ASSD (mm)", "HD95 (vox)", "ASD (vox)", "ASSD (vox)"];

    /// <summary>The complete HTML document.</summary>
    public string Render()
    {
        var c = Content;
        var h = new StringBuilder(64 * 1024);
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"MedLearn ").Append(MedLearnInfo.Version).Append("\">\n")
            .Append("<title>").Append(E(c.Title)).Append("</title>\n<style>\n").Append(ReportStyle.Css)
            .Append(".montage .frame{display:inline-block;max-width:100%}.montage img{display:block;max-width:100%;image-rendering:pixelated}.montage-cols{display:grid;grid-template-columns:repeat(4,1fr);font-size:.85em;color:#52606d;text-align:center}.wide{overflow-x:auto}\n")
            .Append("</style>\n</head>\n<body>\n<main class=\"report\">\n");
        h.Append("<header class=\"report-header\">\n<div class=\"eyebrow\">MedLearn · segmentation report</div>\n<h1>").Append(E(c.Title)).Append("</h1>\n<dl class=\"run-meta\">");
        if (c.RunName is not null) h.Append("<div><dt>Run</dt><dd>").Append(E(c.RunName)).Append("</dd></div>");
        if (c.RunPath is not null) h.Append("<div><dt>Path</dt><dd><code>").Append(E(c.RunPath)).Append("</code></dd></div>");
        h.Append("</dl>\n");
        if (c.Headline.Count > 0)
        {
            h.Append("<div class=\"tiles\">");
            foreach (var (name, value) in c.Headline)
                h.Append("<div class=\"tile\"><div class=\"name\">").Append(E(name)).Append("</div><div class=\"value\">").Append(E(value)).Append("</div></div>");
            h.Append("</div>\n");
        }
        h.Append("</header>\n");
        var sections = new (string Id, string Title, Action<StringBuilder> Body)[]
        {
            ("training", "Training curves", Curves),
            ("cases", "Held-out cases", Cases),
            ("montages", "Slice montages", Montages),
            ("configuration", "Configuration", b =>
            {
                if (string.IsNullOrWhiteSpace(c.Configuration)) NotAvailable(b, "Configuration not recorded.");
                else b.Append("<pre class=\"config\"><code>").Append(E(c.Configuration.TrimEnd())).Append("</code></pre>\n");
            }),
        };
        ReportLayout.AppendSectionsAndFooter(h, sections, "inline styles, charts and images");
        return h.ToString();
    }

    /// <summary>Writes <see cref="Render"/>'s output (UTF-8, no BOM) to <paramref name="path"/> atomically.</summary>
    public void Write(string path) => ReportLayout.Write(path, Render());

    private void Curves(StringBuilder h)
    {
        var c = Content;
        h.Append("<div class=\"grid-2\">\n<figure class=\"chart\">");
        var dice = c.ValidationDice;
        if (dice.Count == c.Iterations.Count && dice.Any(double.IsFinite))
        {
            var points = Enumerable.Range(0, dice.Count).Where(i => double.IsFinite(dice[i])).ToArray();
            h.Append(LineChart.Render([new LineSeries("validation Dice", [.. points.Select(i => c.Iterations[i])], [.. points.Select(i => dice[i])]) { Colour = ColourMap.Categorical(0) }],
                new LineChartOptions { Title = "Validation Dice", XLabel = "Iteration", YLabel = "Dice", YMin = 0, YMax = 1, Width = 520, Height = 320 }));
        }
        else
        {
            h.Append("<h3>Validation Dice</h3>");
            NotAvailable(h, "No validation during training (train segment --val N to validate every --val-every iterations).");
        }
        h.Append("</figure>\n<figure class=\"chart\">");
        var losses = c.Losses.Where(l => l.Values.Count == c.Iterations.Count && l.Values.Any(double.IsFinite)).ToArray();
        if (losses.Length > 0)
            h.Append(LineChart.Render([.. losses.Select((l, i) => new LineSeries(l.Name, c.Iterations, l.Values) { Colour = ColourMap.Categorical(i) })],
                new LineChartOptions { Title = "Training losses (mean per logged interval)", XLabel = "Iteration", YLabel = "Loss", YMin = 0, Width = 520, Height = 320 }));
        else
        {
            h.Append("<h3>Training losses</h3>");
            NotAvailable(h, "No training history recorded.");
        }
        h.Append("</figure>\n</div>\n");
    }

    private void Cases(StringBuilder h)
    {
        var rows = Content.Cases;
        if (rows.Count == 0)
        {
            NotAvailable(h, "No held-out cases were evaluated.");
            return;
        }
        h.Append("<p class=\"lead\">Surface distances in millimetres (voxel spacing) and in voxels; HD95 = 95th percentile of both directed surface-distance sets, ASD = prediction → truth, ASSD = symmetric mean. Mean and sd leave out undefined (empty-mask) values.</p>\n");
        h.Append("<div class=\"wide\"><table class=\"per-class\">\n<thead><tr><th>Case</th>");
        foreach (var col in CaseColumns) h.Append("<th>").Append(E(col)).Append("</th>");
        h.Append("<th>Empty-mask rule</th></tr></thead>\n<tbody>\n");
        foreach (var (name, values, rule) in rows)
        {
            h.Append("<tr><td>").Append(E(name)).Append("</td>");
            foreach (var v in values) h.Append("<td>").Append(Number(v)).Append("</td>");
            h.Append("<td>").Append(E(rule)).Append("</td></tr>\n");
        }
        h.Append("</tbody>\n<tfoot>");
        foreach (var (label, pick) in new (string, Func<double[], double>)[] { ("mean", Mean), ("sd", Sd) })
        {
            h.Append("<tr><td>").Append(label).Append("</td>");
            for (var k = 0; k < CaseColumns.Count; k++)
                h.Append("<td>").Append(Number(pick([.. rows.Select(r => r.Values[k]).Where(double.IsFinite)]))).Append("</td>");
            h.Append("<td></td></tr>");
        }
        h.Append("</tfoot>\n</table></div>\n");
    }

    private void Montages(StringBuilder h)
    {
        if (Content.Montages.Count == 0)
        {
            NotAvailable(h, "No slice montages (they are made when the held-out cases are evaluated).");
            return;
        }
        h.Append("<p class=\"lead\">Rows: slices at 25 %, 50 % and 75 % of the object's extent along the first spatial axis. Ground truth green, prediction red, uncertainty (predictive entropy) black → red → yellow → white over 0 .. ln K.</p>\n");
        foreach (var (name, png) in Content.Montages)
            h.Append("<figure class=\"montage\"><figcaption>").Append(E(name)).Append("</figcaption>")
                .Append("<div class=\"frame\"><div class=\"montage-cols\"><span>image</span><span>ground truth</span><span>prediction</span><span>uncertainty</span></div>")
                .Append("<img alt=\"").Append(E(name)).Append(" montage\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\"></div></figure>\n");
    }

    private static double Mean(double[] v) => v.Length == 0 ? double.NaN : v.Average();

    private static double Sd(double[] v)
    {
        if (v.Length < 2) return double.NaN;
        var m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
    }

    private static string Number(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string E(string? text) => Markup.Escape(text);

    private static void NotAvailable(StringBuilder h, string text) => h.Append("<p class=\"na\">").Append(E(text)).Append("</p>\n");
}
