using MedLearn.Torch;

namespace MedLearn.Data.Loading;

/// <summary>
/// A batch delivered by <see cref="DataLoader"/>: stacked channel-first images <c>[N, C, ...]</c> per view,
/// stacked masks <c>[N, 1, ...]</c> when the samples have masks, int64 labels <c>[N]</c> (−1 = unlabeled) and
/// the samples' dataset indices and paths. Samples of stream 0 come first (e.g. the labeled part of a
/// two-stream batch), see <see cref="StreamCounts"/>.
/// </summary>
/// <remarks>
/// Ownership: the batch's tensors belong to NO dispose scope; the batch owns them and frees them on
/// <see cref="Dispose"/>. Consume it as <c>using var batch = ...</c> (or <c>foreach</c> + <c>using</c>); tensors
/// derived from it inside the consumer's own scope are unaffected. To keep a tensor beyond the batch, clone it.
/// </remarks>
public sealed class Batch : IDisposable
{
    internal Batch(Tensor[] images, Tensor?[] masks, Tensor labels, long[] indices, string[] paths, int[] streamCounts, int epoch, int number)
    {
        Images = images;
        Masks = masks;
        Labels = labels;
        Indices = indices;
        Paths = paths;
        StreamCounts = streamCounts;
        Epoch = epoch;
        Number = number;
    }

    /// <summary>Images of view 0, <c>[N, C, H, W]</c> or <c>[N, C, D, H, W]</c>.</summary>
    public Tensor Image => Images[0];

    /// <summary>Masks of view 0, <c>[N, 1, ...]</c>, or null when the samples have none.</summary>
    public Tensor? Mask => Masks[0];

    /// <summary>Images per view (one entry per <see cref="DataLoaderOptions.Views"/>; view v of every sample augmented with its own context).</summary>
    public IReadOnlyList<Tensor> Images { get; }

    /// <summary>Masks per view (null entries when the samples have no masks).</summary>
    public IReadOnlyList<Tensor?> Masks { get; }

    /// <summary>Class labels, int64 <c>[N]</c>; −1 for unlabeled samples.</summary>
    public Tensor Labels { get; }

    /// <summary>Dataset index of each sample.</summary>
    public IReadOnlyList<long> Indices { get; }

    /// <summary>Image path of each sample.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Samples per stream, in order (one entry for ordinary batches; [labeled, unlabeled] for two-stream batches).</summary>
    public IReadOnlyList<int> StreamCounts { get; }

    /// <summary>Number of samples N.</summary>
    public int Count => Indices.Count;

    /// <summary>Epoch this batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>0-based position of the batch in its epoch.</summary>
    public int Number { get; }

    /// <summary>Frees every tensor of the batch.</summary>
    public void Dispose()
    {
        foreach (var t in Images) t.Dispose();
        foreach (var t in Masks) t?.Dispose();
        Labels.Dispose();
    }
}
