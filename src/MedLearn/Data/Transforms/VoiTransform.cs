using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Applies the source file's VOI transformation (DICOM PS3.3 C.11.2), output scaled to [0, 1]. When the meta has a
/// <see cref="ImageMeta.VoiLut"/> it wins (as pydicom's <c>apply_voi_lut(prefer_lut=True)</c>):
/// <c>y = Data[floor(clamp(x − FirstMapped, 0, n − 1))] / (2^BitsPerEntry − 1)</c>, so inputs below the first mapped value take the first entry and inputs above the last take the last entry
/// (C.11.2.1.1). Otherwise the window (<see cref="ImageMeta.WindowCenter"/> c, <see cref="ImageMeta.WindowWidth"/> w)
/// with <see cref="ImageMeta.VoiLutFunction"/>:
/// <list type="bullet">
/// <item>LINEAR (the default when the function is absent, C.11.2.1.2.1): <c>y = clamp((x − (c − 0.5)) / (w − 1) + 0.5, 0, 1)</c>,
/// i.e. 0 for <c>x ≤ c − 0.5 − (w − 1)/2</c>, 1 for <c>x &gt; c − 0.5 + (w − 1)/2</c>; needs w ≥ 1 (w = 1 is a step at c − 0.5).</item>
/// <item>LINEAR_EXACT (C.11.2.1.3.2): <c>y = clamp((x − c) / w + 0.5, 0, 1)</c>; needs w &gt; 0.</item>
/// <item>SIGMOID (C.11.2.1.3.1): <c>y = 1 / (1 + exp(−4 (x − c) / w))</c>; needs w &gt; 0.</item>
/// </list>
/// These are pydicom's <c>apply_voi_lut</c> outputs divided by their output range. The mask is untouched.
/// </summary>
/// <remarks>
/// Edge cases: an image with neither a VOI LUT nor a window is an <see cref="InvalidOperationException"/> naming the
/// source file; an unknown function name or a width outside the function's domain is an <see cref="ArgumentException"/>;
/// NaN input stays NaN for the window functions (the LUT path requires finite input: NaN is an error). The image
/// must be floating point and in the units the file's VOI expects (the reader's rescaled values). Unlike
/// <see cref="Window"/> (continuous, MONAI-style) this reproduces the file's own display mapping.
/// </remarks>
public sealed class VoiTransform : ITransform
{
    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckFloat(sample, nameof(VoiTransform));
        var meta = sample.Meta;
        var img = sample.Image;
        if (meta.VoiLut is { } lut)
        {
            sample.Image = TransformHelpers.Scoped(() => ApplyLut(img, lut, meta.SourcePath));
            return sample;
        }
        if (meta.WindowCenter is not { } c || meta.WindowWidth is not { } w)
            throw new InvalidOperationException($"VoiTransform: {Source(meta.SourcePath)} has neither a VOI LUT Sequence (0028,3010) nor a window (0028,1050/1051)");
        var function = string.IsNullOrWhiteSpace(meta.VoiLutFunction) ? "LINEAR" : meta.VoiLutFunction.Trim().ToUpperInvariant();
        sample.Image = TransformHelpers.Scoped(() => function switch
        {
            "LINEAR" when w < 1 => throw new ArgumentException($"VoiTransform: {Source(meta.SourcePath)}: LINEAR needs a window width >= 1, got {w}"),
            "LINEAR" when w == 1 => img.Gt(c - 0.5).To(img.DType),
            "LINEAR" => img.Sub(c - 0.5).Div(w - 1).Add(0.5).Clamp(0, 1),
            "LINEAR_EXACT" or "SIGMOID" when w <= 0 => throw new ArgumentException($"VoiTransform: {Source(meta.SourcePath)}: {function} needs a window width > 0, got {w}"),
            "LINEAR_EXACT" => img.Sub(c).Div(w).Add(0.5).Clamp(0, 1),
            "SIGMOID" => img.Sub(c).Mul(4 / w).Sigmoid(),
            _ => throw new ArgumentException($"VoiTransform: {Source(meta.SourcePath)}: unsupported VOI LUT Function '{meta.VoiLutFunction}' (LINEAR, LINEAR_EXACT, SIGMOID)"),
        });
        return sample;
    }

    private static Tensor ApplyLut(Tensor img, VoiLut lut, string? path)
    {
        if (lut.Data.Length == 0) throw new ArgumentException($"VoiTransform: {Source(path)}: the VOI LUT has no entries");
        using var finite = img.IsFinite().All();
        if (finite.ToDouble() == 0) throw new ArgumentException($"VoiTransform: {Source(path)}: the image has NaN/inf values, which a VOI LUT cannot map");
        var scale = Math.Pow(2, lut.BitsPerEntry) - 1;
        using var table = torch.FromArray(lut.Data, lut.Data.Length).To(img.DType).Div(scale);
        // Clamp in floating point, then truncate: pydicom's integer index for x >= FirstMapped, 0 below it.
        var index = img.To(DType.Float64).Sub(lut.FirstMapped).Clamp(0, lut.Data.Length - 1).To(DType.Int64);
        return table.IndexSelect(0, index.Flatten()).Reshape(img.Shape);
    }

    private static string Source(string? path) => path is null ? "the image" : $"'{path}'";
}
