using MedLearn.Data.Readers;
using MedLearn.Data.Transforms;
using MedLearn.Torch;

namespace MedLearn.Data.Datasets;

/// <summary>
/// A list of <see cref="DatasetItem"/>s with class names, and the function that turns an item into a
/// <see cref="Sample"/>: read the image (and mask) through the <see cref="ImageReader"/> registry, check the
/// mask against the image, then apply the transform with the item's <see cref="TransformContext"/>.
/// Datasets are immutable; partitions and splits return new datasets sharing nothing mutable.
/// </summary>
public class ImageDataset
{
    /// <summary>A dataset over <paramref name="items"/> whose labels index <paramref name="classes"/>.</summary>
    /// <exception cref="ArgumentException">An item's label is outside [-1, classes.Count) (a dataset without class names accepts any label ≥ -1).</exception>
    public ImageDataset(IReadOnlyList<DatasetItem> items, IReadOnlyList<string> classes)
    {
        foreach (var item in items)
            if (item.Label < -1 || (classes.Count > 0 && item.Label >= classes.Count))
                throw new ArgumentException($"{item.Path}: label {item.Label} is outside the {classes.Count} classes");
        Items = items;
        Classes = classes;
    }

    /// <summary>The items, in dataset order (the index used by samplers and transform contexts).</summary>
    public IReadOnlyList<DatasetItem> Items { get; }

    /// <summary>Class names; label i means Classes[i]. Empty for segmentation datasets.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Number of items.</summary>
    public int Count => Items.Count;

    /// <summary>The item at <paramref name="index"/>.</summary>
    public DatasetItem this[int index] => Items[index];

    /// <summary>Indices of the items whose <see cref="DatasetItem.Labeled"/> flag is set.</summary>
    public int[] LabeledIndices() => [.. Enumerable.Range(0, Count).Where(i => Items[i].Labeled)];

    /// <summary>Indices of the items whose <see cref="DatasetItem.Labeled"/> flag is clear.</summary>
    public int[] UnlabeledIndices() => [.. Enumerable.Range(0, Count).Where(i => !Items[i].Labeled)];

    /// <summary>A dataset with the same classes over other items.</summary>
    public ImageDataset WithItems(IReadOnlyList<DatasetItem> items) => new(items, Classes);

    /// <summary>The items at <paramref name="indices"/> (in that order) as a new dataset with the same classes.</summary>
    public ImageDataset Subset(IEnumerable<int> indices) => WithItems([.. indices.Select(i => Items[i])]);

    /// <summary>
    /// Loads item <paramref name="index"/> and applies <paramref name="transform"/> (null = none) with
    /// <paramref name="context"/>. The returned sample's tensors are in the caller's current dispose scope.
    /// <see cref="Sample.Label"/> is <see cref="DatasetItem.SupervisedLabel"/>.
    /// </summary>
    /// <remarks>
    /// Crop-aware decoding: when the transform is an <see cref="ICropAwareTransform"/> that can plan its crop, the
    /// item has no mask and its reader is an <see cref="IRegionImageReader"/> that can open the file (gray/RGB JPEG),
    /// only the planned box is decoded (at reduced resolution if the transform allows it). The box comes from the
    /// same context draws, so the result equals the full-decode path (exactly, without reduction).
    /// </remarks>
    /// <exception cref="ImageReadException">The image or mask cannot be read.</exception>
    /// <exception cref="DatasetException">The mask has more than one channel or a spatial shape other than the image's.</exception>
    public Sample LoadSample(int index, ITransform? transform, TransformContext context)
    {
        if (transform is ICropAwareTransform crop && TryLoadPlanned(index, crop, context) is { } planned) return planned;
        var sample = ReadSample(index);
        return transform is null ? sample : transform.Apply(sample, context);
    }

    private Sample? TryLoadPlanned(int index, ICropAwareTransform crop, TransformContext context)
    {
        var source = OpenRegion(index);
        if (source is null) return null;
        if (crop.PlanCrop(source.Height, source.Width, context) is not { } plan)
            return crop.Apply(ReadSample(index), context); // nothing drawn: the normal path
        return LoadPlanned(source, index, crop, plan, context);
    }

    /// <summary>The crop-aware path of <see cref="LoadViews"/>: the file is read once, each view decodes its own box.</summary>
    private Sample[]? TryLoadPlannedViews(int index, ICropAwareTransform crop, ulong seed, int epoch, int views)
    {
        var source = OpenRegion(index);
        if (source is null) return null;
        var result = new Sample[views];
        for (var v = 0; v < views; v++)
        {
            using var context = TransformContext.For(seed, epoch, index, v);
            // A transform that cannot plan draws nothing and cannot plan for any view: use the normal path.
            if (crop.PlanCrop(source.Height, source.Width, context) is not { } plan) return null;
            result[v] = LoadPlanned(source, index, crop, plan, context);
        }
        return result;
    }

    private IRegionSource? OpenRegion(int index)
    {
        var item = Items[index];
        if (item.MaskPath is not null || ImageReader.ReaderFor(item.Path) is not IRegionImageReader reader) return null;
        return reader.OpenRegion(item.Path);
    }

    private Sample LoadPlanned(IRegionSource source, int index, ICropAwareTransform crop, CropPlan plan, TransformContext context)
    {
        var (region, reduce) = source.ReadRegion(plan.Top, plan.Left, plan.Height, plan.Width, plan.Reduce);
        return crop.ApplyPlanned(ToSample(region, Items[index], index), plan, reduce, context);
    }

    private static Sample ToSample(MedicalImage img, DatasetItem item, int index)
    {
        using (img)
            return new Sample { Image = img.Data.Alias(), Meta = img.Meta, Label = item.SupervisedLabel, Index = index };
    }

    /// <summary>
    /// Loads item <paramref name="index"/> once and returns <paramref name="views"/> independently augmented
    /// views of it: view v is transformed with <c>TransformContext.For(seed, epoch, index, v)</c> (views after
    /// the first start from copies of the raw tensors). Tensors are in the caller's current dispose scope.
    /// </summary>
    /// <exception cref="ImageReadException">The image or mask cannot be read.</exception>
    /// <exception cref="DatasetException">The mask does not match the image.</exception>
    public Sample[] LoadViews(int index, ITransform? transform, ulong seed, int epoch, int views)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(views, 1);
        if (transform is ICropAwareTransform crop && TryLoadPlannedViews(index, crop, seed, epoch, views) is { } planned) return planned;
        var raw = ReadSample(index);
        var result = new Sample[views];
        for (var v = 0; v < views; v++)
        {
            var sample = v == views - 1 ? raw : Copy(raw);
            if (transform is not null)
            {
                using var context = TransformContext.For(seed, epoch, index, v);
                sample = transform.Apply(sample, context);
            }
            result[v] = sample;
        }
        return result;
    }

    private static Sample Copy(Sample s) => new()
    {
        Image = s.Image.Clone(),
        Mask = s.Mask?.Clone(),
        Meta = s.Meta,
        Label = s.Label,
        Index = s.Index,
    };

    private Sample ReadSample(int index)
    {
        var item = Items[index];
        Tensor image;
        ImageMeta meta;
        using (var img = ImageReader.Read(item.Path))
        {
            image = img.Data.Alias(); // a handle in the caller's scope; the reader's handle is freed below
            meta = img.Meta;
        }
        Tensor? mask = null;
        if (item.MaskPath is not null)
        {
            using var m = ImageReader.Read(item.MaskPath);
            var imageSpatial = image.Shape[1..];
            if (m.Channels != 1)
                throw new DatasetException($"{item.MaskPath}: a mask must have one channel, found {m.Channels}");
            if (!m.SpatialShape.SequenceEqual(imageSpatial))
                throw new DatasetException(
                    $"{item.MaskPath}: mask spatial shape [{string.Join(", ", m.SpatialShape)}] differs from the image's [{string.Join(", ", imageSpatial)}] ({item.Path})");
            mask = m.Data.Alias();
        }
        return new Sample { Image = image, Mask = mask, Meta = meta, Label = item.SupervisedLabel, Index = index };
    }

    /// <summary>Sorts folder names ordinally (torchvision's ImageFolder order).</summary>
    internal static List<string> SortClassesOrdinal(IEnumerable<string> names) =>
        [.. names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Sorts class names: numerically when every name is a non-negative integer, else ordinally (torchvision's ImageFolder order).</summary>
    internal static List<string> SortClasses(IEnumerable<string> names)
    {
        var list = names.Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > 0 && list.All(n => n.Length is > 0 and < 10 && n.All(char.IsAsciiDigit)))
            list.Sort((a, b) => int.Parse(a).CompareTo(int.Parse(b)) is var c and not 0 ? c : string.CompareOrdinal(a, b));
        else
            list.Sort(StringComparer.Ordinal);
        return list;
    }
}
