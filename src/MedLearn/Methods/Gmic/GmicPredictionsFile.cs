using System.Globalization;
using MedLearn.Runs;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// predictions.csv of a GMIC run or evaluation: one row per image with <c>path</c>, then per output o
/// <c>target_o</c> (empty when unlabelled), <c>p_o</c> (y_fusion), <c>p_global_o</c>, <c>p_local_o</c>; then the K
/// patches as <c>patch_k</c> = "row:column" (input pixels, upper-left) and <c>attention_k</c>. Written atomically.
/// </summary>
public static class GmicPredictionsFile
{
    /// <summary>Writes <paramref name="predictions"/> for <paramref name="outputs"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<GmicPrediction> predictions, IReadOnlyList<string> outputs)
    {
        var k = predictions.Count == 0 ? 0 : predictions[0].Patches.Count;
        var header = new List<string> { "path" };
        foreach (var o in outputs) header.AddRange([$"target_{o}", $"p_{o}", $"p_global_{o}", $"p_local_{o}"]);
        for (var i = 0; i < k; i++) header.AddRange([$"patch_{i}", $"attention_{i}"]);
        var text = new System.Text.StringBuilder(RunCsv.Line(header));
        foreach (var p in predictions)
        {
            var row = new List<string> { p.Path };
            for (var o = 0; o < outputs.Count; o++)
                row.AddRange([p.Targets is null ? "" : p.Targets[o].ToString("0", CultureInfo.InvariantCulture), RunCsv.Format(p.Fusion[o]), RunCsv.Format(p.Global[o]), RunCsv.Format(p.Local[o])]);
            for (var i = 0; i < p.Patches.Count; i++)
                row.AddRange([string.Create(CultureInfo.InvariantCulture, $"{p.Patches[i].Row}:{p.Patches[i].Column}"), RunCsv.Format(p.Attention[i])]);
            text.Append(RunCsv.Line(row));
        }
        AtomicText.Write(path, text.ToString());
    }
}
