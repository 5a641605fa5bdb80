namespace MedLearn.Methods.Supervised;

/// <summary>
/// Per-image results of running a classifier over a data set: the image paths, the true class (−1 when
/// unlabeled), the class probabilities (softmax of the logits, float32 precision) and the mean cross-entropy over
/// the labeled images (NaN when none is labeled).
/// </summary>
public sealed record ClassificationOutputs(IReadOnlyList<string> Paths, IReadOnlyList<int> Targets, double[][] Probabilities, double MeanLoss)
{
    /// <summary>Number of images.</summary>
    public int Count => Paths.Count;

    /// <summary>The predicted class of each image: the first class of largest probability.</summary>
    public int[] Predictions()
    {
        var result = new int[Probabilities.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var row = Probabilities[i];
            var best = 0;
            for (var c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
            result[i] = best;
        }
        return result;
    }

    /// <summary>The subset of images with a label (targets ≥ 0), in order.</summary>
    public ClassificationOutputs Labeled()
    {
        var keep = Enumerable.Range(0, Count).Where(i => Targets[i] >= 0).ToArray();
        return keep.Length == Count ? this : new ClassificationOutputs(
            [.. keep.Select(i => Paths[i])], [.. keep.Select(i => Targets[i])], [.. keep.Select(i => Probabilities[i])], MeanLoss);
    }
}
