using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// The source file's own display mapping when it has one: an image whose meta carries a VOI LUT or a window (DICOM
/// VOI LUT Sequence, WindowCenter/WindowWidth with its VOI LUT Function) is cast to float32 and mapped to [0, 1] by
/// <see cref="VoiTransform"/>; any other image passes unchanged (so <see cref="ScaleIntensity"/> then scales it by its
/// bit depth). MONOCHROME1 files are already inverted by the reader, with the window centre in the inverted sense.
/// </summary>
public sealed class FileVoi : ITransform
{
    private readonly VoiTransform _voi = new();

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var meta = sample.Meta;
        if (meta.VoiLut is null && (meta.WindowCenter is null || meta.WindowWidth is null)) return sample;
        var image = sample.Image;
        if (!image.DType.IsFloatingPoint()) sample.Image = TransformHelpers.Scoped(() => image.To(DType.Float32));
        return _voi.Apply(sample, context);
    }
}
