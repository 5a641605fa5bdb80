using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Readers;
using MedLearn.Data.Transforms;
using MedLearn.Torch;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// The check a GMIC run does before it creates its run folder: every image (and mask) is read and put through the run's
/// preprocessing once, so a file the pipeline cannot use — unreadable, smaller than the crop size, a 16-bit image
/// holding 8-bit values, no breast found (e.g. all zero), a mask of another size — is named before anything is written,
/// instead of failing in the middle of an epoch. Under <see cref="ErrorPolicy.Skip"/> such images are left out.
/// </summary>
public static class GmicInputCheck
{
    /// <summary>The images of <paramref name="dataset"/> that fail <paramref name="transform"/>, in dataset order, with the reason.</summary>
    public static IReadOnlyList<SkippedImage> Find(ImageDataset dataset, ITransform transform, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var problems = new List<SkippedImage>();
        for (var i = 0; i < dataset.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = DisposeScope.Open();
            using var context = TransformContext.For(0, 0, i, 0);
            try
            {
                dataset.LoadSample(i, transform, context);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or DatasetException or TorchException or UnauthorizedAccessException)
            {
                problems.Add(new SkippedImage(dataset[i].Path, "check", e is ImageReadException r ? r.Reason : e.Message));
            }
        }
        return problems;
    }

    /// <summary>
    /// Applies <paramref name="policy"/>: no problems → <paramref name="dataset"/>; fail → a <see cref="DatasetException"/>
    /// naming the files; skip → the dataset without them.
    /// </summary>
    public static ImageDataset Enforce(ImageDataset dataset, IReadOnlyList<SkippedImage> problems, ErrorPolicy policy)
    {
        if (problems.Count == 0) return dataset;
        if (policy == ErrorPolicy.Fail)
        {
            var named = problems.Take(ImageCheck.MaxNamed).Select(p => $"{p.Path}: {p.Reason}").ToList();
            if (problems.Count > ImageCheck.MaxNamed) named.Add($"... and {problems.Count - ImageCheck.MaxNamed} more");
            throw new DatasetException($"{problems.Count} image{(problems.Count == 1 ? "" : "s")} cannot be used by the GMIC preprocessing (checked before " +
                "anything is written; fix or remove them, or use --on-error skip to leave them out)", named);
        }
        var bad = problems.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        return dataset.WithItems([.. dataset.Items.Where(i => !bad.Contains(i.Path))]);
    }
}
