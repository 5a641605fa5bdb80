using System.Globalization;
using System.Text;
using MedLearn.Data.Datasets;
using MedLearn.Reports;
using MedLearn.Runs;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// The "Saliency maps and patches" section of a GMIC run's report: for each output, the held-out images of
/// predictions.csv that the model gets most confidently right and wrong at the threshold 0.5 on y_fusion: up to
/// <c>perKind</c> true positives (target 1, highest p first), false positives (target 0, p ≥ 0.5, highest first) and
/// false negatives (target 1, p &lt; 0.5, lowest first). Each is explained again with the run's model
/// (<see cref="GmicExplainer"/>, pictures shrunk to a longer side of 320 pixels) into the run folder's
/// <see cref="FolderName"/> (PNGs, one JSON per case and cases.json), which the report embeds as data: URIs, so
/// <c>medlearn report</c> rebuilds the page from the folder.
/// </summary>
public static class GmicCaseGallery
{
    /// <summary>The run folder's subfolder of case pictures.</summary>
    public const string FolderName = "gmic-cases";

    /// <summary>The index file of the cases.</summary>
    public const string IndexFileName = "cases.json";

    /// <summary>The decision threshold on y_fusion that separates the kinds.</summary>
    public const double Threshold = 0.5;

    /// <summary>Longer side of the case pictures, in pixels.</summary>
    public const int PictureSide = 320;

    /// <summary>One case of the gallery.</summary>
    /// <param name="Output">The output (class) it illustrates.</param>
    /// <param name="Kind">"true positive", "false positive" or "false negative".</param>
    /// <param name="Target">The image's target for the output (0/1).</param>
    /// <param name="Probability">y_fusion of the output in predictions.csv.</param>
    /// <param name="Explanation">The files of the case.</param>
    public sealed record Case(string Output, string Kind, int Target, double Probability, GmicExplanation Explanation);

    /// <summary>A held-out prediction as read from predictions.csv.</summary>
    /// <param name="Path">The image.</param>
    /// <param name="Targets">Target per output (null = unlabelled).</param>
    /// <param name="Fusion">y_fusion per output.</param>
    public sealed record Row(string Path, int?[] Targets, double[] Fusion);

    /// <summary>The rows of a GMIC predictions.csv (path, target_o, p_o per output; other columns ignored).</summary>
    /// <exception cref="RunFileException">The file is malformed.</exception>
    public static IReadOnlyList<Row> ReadPredictions(string path, IReadOnlyList<string> outputs)
    {
        try
        {
            using var reader = new StreamReader(path);
            var rows = CsvTable.Parse(reader, path);
            if (rows.Count == 0) return [];
            var header = CsvTable.Header(rows[0], path);
            int Column(string name) => header.TryGetValue(name, out var c) ? c : throw new RunFileException(path, $"{path}: column '{name}' is missing");
            var pathColumn = Column("path");
            var targets = outputs.Select(o => Column($"target_{o}")).ToArray();
            var probabilities = outputs.Select(o => Column($"p_{o}")).ToArray();
            return [.. rows.Skip(1).Select(r => new Row(r.Fields[pathColumn],
                [.. targets.Select(c => int.TryParse(r.Fields[c], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : (int?)null)],
                [.. probabilities.Select(c => double.Parse(r.Fields[c], CultureInfo.InvariantCulture))]))];
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or DatasetException)
        {
            throw new RunFileException(path, $"{path}: malformed GMIC predictions ({e.Message})");
        }
    }

    /// <summary>The chosen (output, kind, row) triples, in the order of the section.</summary>
    public static IReadOnlyList<(int Output, string Kind, Row Row)> Choose(IReadOnlyList<Row> rows, int outputs, int perKind)
    {
        var chosen = new List<(int, string, Row)>();
        for (var o = 0; o < outputs; o++)
        {
            var c = o;
            var labelled = rows.Where(r => r.Targets[c] is not null).ToArray();
            chosen.AddRange(labelled.Where(r => r.Targets[c] == 1 && r.Fusion[c] >= Threshold).OrderByDescending(r => r.Fusion[c]).Take(perKind).Select(r => (c, "true positive", r)));
            chosen.AddRange(labelled.Where(r => r.Targets[c] == 0 && r.Fusion[c] >= Threshold).OrderByDescending(r => r.Fusion[c]).Take(perKind).Select(r => (c, "false positive", r)));
            chosen.AddRange(labelled.Where(r => r.Targets[c] == 1 && r.Fusion[c] < Threshold).OrderBy(r => r.Fusion[c]).Take(perKind).Select(r => (c, "false negative", r)));
        }
        return chosen;
    }

    /// <summary>
    /// Explains the chosen cases of <paramref name="run"/> with its model into <see cref="FolderName"/> (replacing what
    /// was there); images that cannot be read any more are left out. Returns the cases written.
    /// </summary>
    public static IReadOnlyList<Case> Create(RunDirectory run, int perKind = 2, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var manifest = GmicManifest.Read(Path.Combine(run.Path, GmicManifest.FileName));
        var rows = ReadPredictions(run.PredictionsPath, manifest.Outputs);
        var folder = Path.Combine(run.Path, FolderName);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var cases = new List<Case>();
        using var predictor = GmicPredictor.Load(run.Path, new GmicInferenceOptions { Precision = Torch.Amp.Precision.Fp32 });
        var i = 0;
        foreach (var (o, kind, row) in Choose(rows, manifest.Outputs.Count, perKind))
        {
            cancellation.ThrowIfCancellationRequested();
            var stem = string.Create(CultureInfo.InvariantCulture, $"{i++:00}-{kind.Replace(' ', '-')}-{GmicExplainer.FileSafe(manifest.Outputs[o])}");
            try
            {
                var e = GmicExplainer.Write(predictor, row.Path, folder, stem, row.Targets[o]?.ToString(CultureInfo.InvariantCulture), PictureSide);
                cases.Add(new Case(manifest.Outputs[o], kind, row.Targets[o] ?? 0, row.Fusion[o], e));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or DatasetException)
            {
                // an image that cannot be read any more is not shown
            }
        }
        MetricsFile.Write(Path.Combine(folder, IndexFileName), cases);
        return cases;
    }

    /// <summary>The report section from <see cref="FolderName"/> of <paramref name="runPath"/>, or null when it has no index.</summary>
    public static ReportSection? Section(string runPath, IReadOnlyList<string> outputs)
    {
        var folder = Path.Combine(runPath, FolderName);
        var index = Path.Combine(folder, IndexFileName);
        if (!File.Exists(index)) return null;
        var cases = MetricsFile.Read<List<Case>>(index);
        static string E(string? s) => Markup.Escape(s);
        string Img(string file, string alt, string style) => File.Exists(Path.Combine(folder, file))
            ? $"<img style=\"{style}\" alt=\"{E(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(Path.Combine(folder, file)))}\">"
            : "<div class=\"no-image\"></div>";
        var h = new StringBuilder();
        h.Append("<p class=\"lead\">Held-out images the model gets most confidently right and wrong (threshold ")
            .Append(Markup.Number(Threshold, 2)).Append(" on y_fusion): per output, the true positives with the highest probability, the false positives with the ")
            .Append("highest and the false negatives with the lowest. For each: the image with the saliency map of the output (nearest-neighbour upsampled ")
            .Append("to the input, colour scale 0 to 1), the image with the retrieved patches numbered in retrieval order and coloured by attention ")
            .Append("weight (scale 0 to the image's largest weight), and the patches as the local network sees them with their weights.</p>\n");
        foreach (var output in outputs)
        {
            var mine = cases.Where(c => c.Output == output).ToArray();
            h.Append("<h3>Output ").Append(E(output)).Append("</h3>\n");
            foreach (var kind in new[] { "true positive", "false positive", "false negative" })
                if (!mine.Any(c => c.Kind == kind))
                    h.Append("<p class=\"na\">No ").Append(kind).Append(" in the held-out split at this threshold.</p>\n");
            foreach (var c in mine)
            {
                var e = c.Explanation;
                var wrong = c.Kind != "true positive";
                h.Append("<figure class=\"sample ").Append(wrong ? "wrong" : "correct").Append("\" style=\"margin:0 0 16px 0\">");
                h.Append("<figcaption><span class=\"verdict\">").Append(E(c.Kind)).Append("</span> <b>").Append(E(Path.GetFileName(e.Path))).Append("</b> · target ")
                    .Append(c.Target).Append(" · y_fusion ").Append(E(Markup.Fixed(c.Probability, 3))).Append("</figcaption>");
                h.Append("<div style=\"display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start\">");
                if (e.SaliencyOverlays.TryGetValue(output, out var overlay)) h.Append(Img(overlay, $"saliency map of {output}", "max-width:460px;aspect-ratio:auto;background:#fff"));
                h.Append(Img(e.BoxesOverlay, "retrieved patches coloured by attention", "max-width:460px;aspect-ratio:auto;background:#fff"));
                h.Append("<div style=\"display:flex;gap:6px\">");
                foreach (var b in e.Boxes)
                    h.Append("<div style=\"text-align:center;font-size:12px\">").Append(Img(b.Patch, $"patch {b.Rank + 1}", "width:72px;height:72px;image-rendering:pixelated"))
                        .Append("<br>#").Append(b.Rank + 1).Append(" a=").Append(E(Markup.Fixed(b.Attention, 2))).Append("</div>");
                h.Append("</div></div></figure>\n");
            }
        }
        return new ReportSection("Saliency maps and patches", h.ToString());
    }
}
