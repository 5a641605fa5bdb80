using MedLearn.Data.Datasets;
using MedLearn.Data.Readers;
using MedLearn.Torch;

namespace MedLearn.Data.Loading;

/// <summary>
/// The check every run does before training: each image (and mask) is decoded once, in parallel, so an unreadable
/// file is named before the first epoch instead of failing "at sample 34" mid-epoch, or, under
/// <see cref="ErrorPolicy.Skip"/>, is left out of every phase (training, validation, test, latency, explanations)
/// and listed. A full decode (not a header peek) is what catches truncated files.
/// </summary>
public static class ImageCheck
{
    /// <summary>At most this many files are named in a <see cref="ErrorPolicy.Fail"/> error (the count says the rest).</summary>
    public const int MaxNamed = 20;

    /// <summary>
    /// Decodes every image and mask of <paramref name="items"/> (<paramref name="parallelism"/> threads, 0 = one per
    /// core, one intra-op thread each); returns the ones that fail, in item order, with the reader's reason. With
    /// <paramref name="spatialDims"/> set, an image of another dimensionality (e.g. a 3D volume given to a 2D
    /// classifier) is reported too.
    /// </summary>
    public static IReadOnlyList<SkippedImage> FindUnreadable(IReadOnlyList<DatasetItem> items, int? spatialDims = null, int parallelism = 0,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var problems = new SkippedImage?[items.Count];
        var next = -1;
        Exception? failure = null;
        // Dedicated threads (not the thread pool): each is set to one intra-op thread, which would otherwise stick to pool threads.
        var threads = Enumerable.Range(0, Math.Min(items.Count, parallelism > 0 ? parallelism : Math.Max(1, Environment.ProcessorCount))).Select(_ => new Thread(() =>
        {
            try
            {
                torch.SetThreadNumThreads(1);
                for (var i = Interlocked.Increment(ref next); i < items.Count && !cancellation.IsCancellationRequested; i = Interlocked.Increment(ref next))
                    problems[i] = Check(items[i], spatialDims);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }) { IsBackground = true, Name = "medlearn-image-check" }).ToList();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (failure is not null) throw new InvalidOperationException($"image check failed: {failure.Message}", failure);
        cancellation.ThrowIfCancellationRequested();
        return [.. problems.OfType<SkippedImage>()];
    }

    private static SkippedImage? Check(DatasetItem item, int? spatialDims)
    {
        foreach (var (path, what) in new[] { (item.Path, "image"), (item.MaskPath, "mask") })
        {
            if (path is null) continue;
            using var scope = DisposeScope.Open();
            try
            {
                using var image = ImageReader.Read(path);
                if (what == "image" && spatialDims is int d && image.SpatialShape.Length != d)
                    return new SkippedImage(path, "check", $"a {image.SpatialShape.Length}D image [{string.Join("x", image.SpatialShape)}]; this model takes {d}D images");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or DatasetException or TorchException or UnauthorizedAccessException)
            {
                var reason = e is ImageReadException r ? r.Reason : e.Message;
                return new SkippedImage(path, "check", what == "mask" ? $"mask of {item.Path}: {reason}" : reason);
            }
        }
        return null;
    }

    /// <summary>
    /// Applies <paramref name="policy"/> to the problems of <see cref="FindUnreadable"/>: none → <paramref name="split"/>
    /// unchanged; <see cref="ErrorPolicy.Fail"/> → a <see cref="DatasetException"/> naming the files; <see cref="ErrorPolicy.Skip"/>
    /// → the files are recorded in <paramref name="skipped"/> and removed from every part.
    /// </summary>
    /// <exception cref="DatasetException">A file is unreadable under <see cref="ErrorPolicy.Fail"/>.</exception>
    public static DatasetSplit Enforce(DatasetSplit split, IReadOnlyList<SkippedImage> problems, ErrorPolicy policy, SkippedImages skipped)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(skipped);
        if (problems.Count == 0) return split;
        if (policy == ErrorPolicy.Fail)
        {
            var named = problems.Take(MaxNamed).Select(p => $"{p.Path}: {p.Reason}").ToList();
            if (problems.Count > MaxNamed) named.Add($"... and {problems.Count - MaxNamed} more");
            throw new DatasetException($"{problems.Count} image{(problems.Count == 1 ? " is" : "s are")} unreadable (checked before training; " +
                "fix or remove them, or use --on-error skip to leave them out)", named);
        }
        foreach (var p in problems) skipped.Add(p.Path, p.Phase, p.Reason);
        var bad = problems.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        ImageDataset Keep(ImageDataset part) => part.WithItems([.. part.Items.Where(i => !bad.Contains(i.Path) && (i.MaskPath is null || !bad.Contains(i.MaskPath)))]);
        return new DatasetSplit(Keep(split.Train), Keep(split.Val), Keep(split.Test));
    }
}
