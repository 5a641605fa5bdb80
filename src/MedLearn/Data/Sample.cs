using MedLearn.Torch;

namespace MedLearn.Data;

/// <summary>
/// One training/evaluation item as it flows through transforms and the loader (MONAI's dictionary style, typed):
/// the image, an optional mask/label map aligned with it, the class label and bookkeeping. Spatial transforms
/// move <see cref="Image"/> and <see cref="Mask"/> together (masks with nearest-neighbour sampling).
/// </summary>
/// <remarks>
/// Tensors are channel-first (<c>[C, H, W]</c> / <c>[C, D, H, W]</c>); the mask has the image's spatial size
/// and one channel. Transforms replace tensors with new ones created in the caller's dispose scope; the loader
/// opens a scope per sample and moves the final tensors out.
/// </remarks>
public sealed class Sample
{
    /// <summary>The image tensor.</summary>
    public required Tensor Image { get; set; }

    /// <summary>Segmentation mask / label map with the image's spatial size, or null.</summary>
    public Tensor? Mask { get; set; }

    /// <summary>Geometry and provenance; spatial transforms update spacing where they change it.</summary>
    public ImageMeta Meta { get; set; } = new();

    /// <summary>Class index, or -1 when the sample is unlabeled.</summary>
    public long Label { get; init; } = -1;

    /// <summary>True when the label may be used for supervision (semi-supervised partitions).</summary>
    public bool IsLabeled => Label >= 0;

    /// <summary>Index of the sample in its dataset (drives the per-sample random stream).</summary>
    public long Index { get; init; }

    /// <summary>Further named tensors (e.g. a distance map) that travel with the sample.</summary>
    public Dictionary<string, Tensor> Extra { get; } = [];

    /// <summary>Number of spatial dimensions of <see cref="Image"/>.</summary>
    public int SpatialDims => Image.Dim - 1;
}
