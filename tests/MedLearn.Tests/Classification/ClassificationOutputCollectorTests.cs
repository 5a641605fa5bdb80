using MedLearn.Data.Loading;
using MedLearn.Methods.Supervised;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Tests.Classification;

public class ClassificationOutputCollectorTests
{
    /// <summary>
    /// Batch by batch, with unlabeled images and class weights, the collector's mean loss equals libtorch's
    /// weighted cross-entropy over all labeled images at once: sum_i w_{y_i} nll_i / sum_i w_{y_i}.
    /// </summary>
    [Fact]
    public void MeanLossOverBatchesEqualsTheWeightedCrossEntropyOfEverything()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(2);
        var logits = torch.Randn(11, 3);
        long[] labels = [0, 2, -1, 1, 1, 0, 2, -1, 2, 0, 1];
        double[] weights = [0.5, 2.0, 1.25];
        var all = torch.FromArray(labels, 11);
        var offset = 0;
        var collector = new ClassificationOutputCollector(x => logits.Narrow(0, (long)x.ToArray<float>()[0], x.Size(0)), weights);
        foreach (var size in new[] { 4, 5, 2 })
        {
            // The "image" of each sample is its row index, so the forward can return the matching logits.
            var images = torch.FromArray(Enumerable.Range(offset, size).Select(i => (float)i).ToArray(), size, 1, 1, 1);
            using var batch = new Batch([images.Clone()], [null], all.Narrow(0, offset, size).Clone(), [.. Enumerable.Range(offset, size).Select(i => (long)i)],
                [.. Enumerable.Range(offset, size).Select(i => $"img{i}.png")], [size], 0, 0);
            collector.Add(batch);
            offset += size;
        }
        var result = collector.Result();
        var expected = Functional.CrossEntropy(logits, all, torch.FromArray(weights.Select(w => (float)w).ToArray(), 3), ignoreIndex: -1).ToDouble();
        Assert.Equal(expected, result.MeanLoss, 5);
        Assert.Equal(11, result.Count);
        Assert.Equal(labels.Select(l => (int)l), result.Targets);
        Assert.Equal(9, result.Labeled().Count);
        var softmax = Functional.Softmax(logits, 1).ToArray<float>();
        for (var i = 0; i < 11; i++)
            for (var c = 0; c < 3; c++) Assert.Equal(softmax[i * 3 + c], result.Probabilities[i][c], 6);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"img{i}.png"), result.Paths);
    }
}
