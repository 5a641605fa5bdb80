using System.Text;
using System.Text.Json.Nodes;
using MedLearn.Data.Loading;
using MedLearn.Reports;
using MedLearn.Runs;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// Where a run says which images it left out under <c>on-error: skip</c>: the key <see cref="MarkerKey"/> of run.json
/// (written as soon as they are known, so an interrupted run says it too), metrics.json (<see cref="RunSummary.Skipped"/>)
/// and a "Skipped images" section of report.html.
/// </summary>
public static class SkippedImagesRecord
{
    /// <summary>The run.json key: a list of {path, phase, reason}.</summary>
    public const string MarkerKey = "skipped_images";

    /// <summary>Writes <paramref name="skipped"/> into run.json (nothing when empty and nothing was recorded before).</summary>
    public static void Write(RunDirectory run, IReadOnlyList<SkippedImage> skipped)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(skipped);
        if (skipped.Count == 0 && RunMarker.Get(run, MarkerKey) is null) return;
        RunMarker.Set(run, MarkerKey, new JsonArray([.. skipped.Select(s => (JsonNode)new JsonObject
        {
            ["path"] = s.Path,
            ["phase"] = s.Phase,
            ["reason"] = s.Reason,
        })]));
    }

    /// <summary>The report section listing <paramref name="skipped"/>, or null when nothing was skipped.</summary>
    public static ReportSection? Section(IReadOnlyList<SkippedImage>? skipped)
    {
        if (skipped is null || skipped.Count == 0) return null;
        var h = new StringBuilder();
        h.Append("<p>").Append(skipped.Count).Append(skipped.Count == 1 ? " image was" : " images were")
         .Append(" unreadable and left out of every phase (<code>on-error: skip</code>); the metrics above are computed without ")
         .Append(skipped.Count == 1 ? "it" : "them").Append(".</p>\n<table><thead><tr><th>file</th><th>found in</th><th>reason</th></tr></thead><tbody>\n");
        foreach (var s in skipped)
            h.Append("<tr><td>").Append(Markup.Escape(s.Path)).Append("</td><td>").Append(Markup.Escape(s.Phase)).Append("</td><td>")
             .Append(Markup.Escape(s.Reason)).Append("</td></tr>\n");
        h.Append("</tbody></table>\n");
        return new ReportSection("Skipped images", h.ToString());
    }
}
