using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Data.Readers;

/// <summary>
/// DICOM display conventions applied to decoded stored values (<see cref="ImageReadOptions"/>): YBR_FULL /
/// YBR_FULL_422 to RGB, MONOCHROME1 to MONOCHROME2, and the rescale to real units.
/// </summary>
internal static class DicomDisplay
{
    // pydicom's convert_color_space YBR_FULL -> RGB matrix (rows: Y, Cb, Cr; columns: R, G, B), float32 like pydicom.
    private static readonly float[] s_ybrToRgb =
    [
        1.000f, 1.000f, 1.000f,
        0.000f, (float)(-0.114 * 1.772 / 0.587), 1.772f,
        1.402f, (float)(-0.299 * 1.402 / 0.587), 0.000f,
    ];

    /// <summary>
    /// Stored values of <paramref name="f"/> (<c>[F, H, W, S]</c>) with the colour conventions applied, the
    /// resulting colour space name and the window centre in the same (inverted) sense, before rescaling.
    /// </summary>
    public static (Tensor Pixels, string ColorSpace, double? WindowCenter) Convert(DicomFile f, ImageReadOptions options)
    {
        var pixels = f.Pixels;
        var pi = f.PhotometricInterpretation;
        var center = f.WindowCenter;
        if (options.ConvertYbrToRgb && pi is "YBR_FULL" or "YBR_FULL_422" && f.SamplesPerPixel == 3 && pixels.DType == DType.UInt8)
        {
            // y = floor((x - [0, 128, 128]) @ M + 0.5) clamped to [0, 255]: pydicom's rounding.
            using var offset = torch.FromArray(new float[] { 0, 128, 128 }, 3);
            using var m = torch.FromArray(s_ybrToRgb, 3, 3);
            pixels = pixels.To(DType.Float32).Sub(offset).MatMul(m).Add(0.5).Floor().Clamp(0, 255).To(DType.UInt8);
            pi = "RGB";
        }
        if (options.InvertMonochrome1 && pi == "MONOCHROME1" && pixels.DType is DType.UInt8 or DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64)
        {
            var (lo, hi) = StoredRange(f);
            pixels = torch.FullLike(pixels, lo + hi).Sub(pixels); // lo + hi - x, in the stored dtype
            var (slope, intercept) = DicomGeometry.Scaling(f);
            if (center is { } c) center = (lo * slope + intercept) + (hi * slope + intercept) - c;
            pi = "MONOCHROME2";
        }
        return (pixels, DicomGeometry.ColorSpace(pi), center);
    }

    /// <summary>
    /// The file's VOI LUT for <see cref="ImageMeta.VoiLut"/>, or null when it has none or when the reader inverted
    /// MONOCHROME1 (the LUT's input is the un-inverted value: applying it to inverted pixels would be silently wrong,
    /// so it is dropped and the inverted window is used instead).
    /// </summary>
    public static VoiLut? Lut(DicomFile f, ImageReadOptions options) =>
        f.VoiLut is not { } l || (options.InvertMonochrome1 && f.PhotometricInterpretation == "MONOCHROME1")
            ? null
            : new VoiLut(l.FirstMapped, l.BitsPerEntry, l.Data, l.Explanation);

    /// <summary>Smallest and largest stored value BitsStored allows: [0, 2^b - 1] unsigned, [-2^(b-1), 2^(b-1) - 1] signed.</summary>
    public static (double Lo, double Hi) StoredRange(DicomFile f)
    {
        var bits = Math.Clamp(f.BitsStored, 1, 63);
        return f.IsSigned ? (-Math.Pow(2, bits - 1), Math.Pow(2, bits - 1) - 1) : (0, Math.Pow(2, bits) - 1);
    }

    /// <summary>stored * slope + intercept (<see cref="Rescale.Apply"/>), or the stored tensor when (slope, intercept) = (1, 0).</summary>
    public static Tensor Rescaled(string path, Tensor stored, double slope, double intercept, ImageReadOptions options) =>
        slope == 1 && intercept == 0 ? stored : Rescale.Apply(path, stored, slope, intercept, options.RescaledType);
}
