using System.Text;
using MedLearn.Reports;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Amp;

namespace MedLearn.Explain;

/// <summary>
/// The "Explanations" section of a classification run's report: heat maps of a few evaluated images (stratified by
/// class and by correct / wrong), stored in the run folder's <c>explanations/</c> (overlay PNGs +
/// <see cref="ExplanationSummary"/> files) and embedded in report.html as data: URIs, so the page stays self-contained
/// and <c>medlearn report</c> rebuilds it from the folder.
/// </summary>
public static class ExplanationReport
{
    /// <summary>Folder of the run that holds the report's explanations.</summary>
    public const string FolderName = "explanations";

    /// <summary>
    /// Explains up to <paramref name="samples"/> images of the run's predictions.csv, stratified by class and by correct /
    /// wrong (<see cref="PredictionSampling"/>; the predicted class is explained) and writes them to <see cref="FolderName"/>.
    /// Unreadable images are left out. Returns the explanations written.
    /// </summary>
    /// <param name="run">The run folder.</param>
    /// <param name="samples">Images to explain at most.</param>
    /// <param name="settings">Method and its settings.</param>
    /// <param name="precision">Inference precision.</param>
    /// <param name="cancellation">Stops between images.</param>
    /// <param name="progress">Images done so far (0 first), out of the number chosen.</param>
    /// <param name="skipped">Where an image that cannot be read is recorded (phase "explain"), or null.</param>
    public static IReadOnlyList<ImageExplanation> Create(RunDirectory run, int samples, ExplanationSettings settings, Precision precision = Precision.Auto,
        CancellationToken cancellation = default, Func<int, IProgress<int>?>? progress = null, Data.Loading.SkippedImages? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(settings);
        if (samples <= 0) return [];
        var predictions = PredictionsFile.Read(run.PredictionsPath);
        var chosen = PredictionSampling.Stratified(predictions, samples);
        if (chosen.Count == 0) return [];
        using var explainer = RunExplainer.Load(run.Path, precision);
        var results = new List<ImageExplanation>();
        var report = progress?.Invoke(chosen.Count);
        report?.Report(0);
        var done = 0;
        foreach (var row in chosen)
        {
            if (done > 0) report?.Report(done);
            done++;
            cancellation.ThrowIfCancellationRequested();
            try
            {
                results.Add(explainer.Explain(row.Path, settings with { ClassName = null }, cancellation: cancellation) with { TrueClass = row.TrueLabel });
            }
            catch (Exception e) when (e is IOException or InvalidDataException or TorchException)
            {
                // an image that cannot be read any more is not shown, and said so
                skipped?.Add(row.Path, "explain", e is Data.Readers.ImageReadException r ? r.Reason : e.Message);
            }
        }
        report?.Report(done);
        return ExplanationSummary.Write(Path.Combine(run.Path, FolderName), results);
    }

    /// <summary>The report section built from <see cref="FolderName"/> of <paramref name="runPath"/>, or null when it has no explanations.</summary>
    public static ReportSection? Section(string runPath)
    {
        var folder = Path.Combine(runPath, FolderName);
        if (!File.Exists(Path.Combine(folder, ExplanationSummary.JsonFileName))) return null;
        IReadOnlyList<ImageExplanation> explanations;
        try
        {
            explanations = ExplanationSummary.Read(folder);
        }
        catch (InvalidDataException)
        {
            return null;
        }
        return explanations.Count == 0 ? null : new ReportSection("Explanations", Html(folder, explanations));
    }

    private static string Html(string folder, IReadOnlyList<ImageExplanation> explanations)
    {
        static string E(string? s) => Markup.Escape(s);
        var first = explanations[0];
        var method = first.Method switch
        {
            OcclusionSensitivity.MethodName => "Occlusion sensitivity (drop of the predicted class's probability when a window of the image is hidden)",
            GradCam.GradCamPlusPlusName => $"Grad-CAM++ at layer {first.Layer}",
            _ => $"Grad-CAM at layer {first.Layer}",
        };
        var h = new StringBuilder();
        h.Append("<p class=\"lead\">").Append(E(method)).Append(" for ").Append(explanations.Count)
            .Append(" evaluated images, chosen across the classes and across correct and wrong predictions. Each picture shows the image, the image with the heat map of the ")
            .Append("predicted class (red = strongest evidence, blue = none) and the colour scale. The deletion AUC is the area under ")
            .Append("the predicted-class probability as the most salient pixels are removed (0 to 100%): lower means the map points ")
            .Append("at what the model actually uses.</p>\n");
        h.Append("<div style=\"display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px\">\n");
        foreach (var e in explanations)
        {
            var correct = e.TrueClass is null || e.TrueClass == e.PredictedClass;
            h.Append("<figure class=\"sample ").Append(correct ? "correct" : "wrong").Append("\">");
            var png = e.Overlay is { } name && File.Exists(Path.Combine(folder, name)) ? File.ReadAllBytes(Path.Combine(folder, name)) : null;
            if (png is not null)
                h.Append("<img style=\"aspect-ratio:auto;background:#fff\" alt=\"").Append(E($"{e.Method} heat map of {Path.GetFileName(e.Path)}"))
                    .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">");
            else
                h.Append("<div class=\"no-image\"></div>");
            h.Append("<figcaption>");
            if (e.TrueClass is not null) h.Append("<span class=\"verdict\">").Append(correct ? "correct" : "wrong").Append("</span>");
            h.Append("<span class=\"prob\">").Append(E(Markup.Fixed(e.PredictedProbability, 2))).Append("</span><br>");
            if (e.TrueClass is not null) h.Append("True: <b>").Append(E(e.TrueClass)).Append("</b> · ");
            h.Append("Predicted: <b>").Append(E(e.PredictedClass)).Append("</b>");
            if (e.DeletionAuc is { } auc) h.Append("<br>Deletion AUC: ").Append(E(Markup.Fixed(auc, 3)));
            if (e.AllZero) h.Append("<br>No positive evidence at this layer (empty map).");
            h.Append("<br><span class=\"caption\">").Append(E(Path.GetFileName(e.Path))).Append("</span></figcaption></figure>\n");
        }
        h.Append("</div>\n");
        return h.ToString();
    }
}
