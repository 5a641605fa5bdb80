using MedLearn.Torch;

namespace MedLearn.Data;

/// <summary>
/// An image or volume tensor with its metadata. The tensor is channel-first (<c>[C, H, W]</c> or
/// <c>[C, D, H, W]</c>, see <see cref="ImageMeta"/>) in the source's own precision: uint8 for 8-bit,
/// int32 for 16-bit (libtorch 1.13 has no uint16; values are never squashed to 8 bits), int16/float32 etc.
/// for volumes, float32 after DICOM/NIfTI rescaling. This object owns the tensor (it is not in any dispose
/// scope) and frees it on <see cref="Dispose"/>.
/// </summary>
public sealed class MedicalImage : IDisposable
{
    /// <summary>Wraps <paramref name="data"/>, taking it out of any dispose scope.</summary>
    public MedicalImage(Tensor data, ImageMeta meta)
    {
        var expected = meta.SpatialDims + 1;
        if (data.Dim != expected)
            throw new ArgumentException($"a {meta.SpatialDims}-D image needs a {expected}-D channel-first tensor, got shape [{string.Join(", ", data.Shape)}]");
        Data = data.DetachFromDisposeScope();
        Meta = meta;
    }

    /// <summary>Pixel/voxel data, channel-first.</summary>
    public Tensor Data { get; }

    /// <summary>Geometry and provenance.</summary>
    public ImageMeta Meta { get; }

    /// <summary>Number of channels.</summary>
    public long Channels => Data.Size(0);

    /// <summary>Spatial size in tensor order ([H, W] or [D, H, W]).</summary>
    public long[] SpatialShape => Data.Shape[1..];

    public void Dispose() => Data.Dispose();
}
