using System.Globalization;
using MedLearn.Runs;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// breasts.csv of a GMIC run or evaluation whose manifest has views: one row per breast with <c>exam</c>,
/// <c>laterality</c>, <c>views</c> (CC+MLO or the single view used), per output o <c>target_o</c> (empty when unlabelled)
/// and <c>p_o</c> (the breast-level y_fusion), then <c>reader</c> (empty when none). Written atomically.
/// </summary>
public static class BreastPredictionsFile
{
    /// <summary>The file name in a run or evaluation folder.</summary>
    public const string FileName = "breasts.csv";

    /// <summary>Writes <paramref name="breasts"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<BreastPrediction> breasts, IReadOnlyList<string> outputs)
    {
        var header = new List<string> { "exam", "laterality", "views" };
        foreach (var o in outputs) header.AddRange([$"target_{o}", $"p_{o}"]);
        header.Add("reader");
        var text = new System.Text.StringBuilder(RunCsv.Line(header));
        foreach (var b in breasts)
        {
            var row = new List<string> { b.Exam, b.Laterality, b.Views };
            for (var o = 0; o < outputs.Count; o++)
                row.AddRange([b.Targets is null ? "" : b.Targets[o].ToString("0", CultureInfo.InvariantCulture), RunCsv.Format(b.Probabilities[o])]);
            row.Add(b.Reader is { } r ? RunCsv.Format(r) : "");
            text.Append(RunCsv.Line(row));
        }
        AtomicText.Write(path, text.ToString());
    }
}
