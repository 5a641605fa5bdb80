using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Data.Readers;

/// <summary>
/// How images are read: resource limits and display conventions. Immutable; <see cref="Default"/> is what
/// <see cref="ImageReader.Read(string)"/> and every reader's <c>Read(path)</c> use.
/// </summary>
/// <remarks>
/// <para>Limits are checked from the file's header before anything is allocated (DICOM Rows/Columns/frames, NIfTI
/// dim, PNG IHDR, JPEG SOF, TIFF IFD, BMP header) and while inflating (deflated DICOM, .nii.gz): a file over a limit
/// is an <see cref="ImageReadException"/> naming the size and the limit. The defaults (2^30 pixels, 2 GiB decoded)
/// fit any real mammogram (about 4096 x 5600), tomosynthesis stack or CT (512 x 512 x 4000 slices).</para>
/// <para>Decoded bytes count the returned tensor: 1 byte per 8-bit sample, 4 per 16-bit sample (int32, as libtorch
/// 1.13 has no uint16), 2/4/8 for int16/32/float64 NIfTI and so on.</para>
/// </remarks>
public sealed record ImageReadOptions
{
    /// <summary>The defaults described on each property.</summary>
    public static ImageReadOptions Default { get; } = new();

    /// <summary>Largest image accepted, in pixels (rows x columns x frames/slices, channels not counted). Default 2^30.</summary>
    public long MaxPixels { get; init; } = 1L << 30;

    /// <summary>Largest decoded tensor (and inflated stream) accepted, in bytes. Default 2^31 (2 GiB).</summary>
    public long MaxDecodedBytes { get; init; } = 1L << 31;

    /// <summary>
    /// DICOM MONOCHROME1 (minimum = white, common in mammography and CR) is inverted to MONOCHROME2 so that higher
    /// values are brighter: stored x becomes lo + hi - x over the stored range (unsigned: (2^BitsStored - 1) - x;
    /// signed: -1 - x) before rescaling, and WindowCenter c becomes lo' + hi' - c in rescaled units. Default true;
    /// ColorSpace is then "gray" (else "MONOCHROME1").
    /// </summary>
    public bool InvertMonochrome1 { get; init; } = true;

    /// <summary>
    /// DICOM YBR_FULL / YBR_FULL_422 (8-bit) pixels are converted to RGB as pydicom's convert_color_space does
    /// (ITU-R BT.601 full range: R = Y + 1.402 (Cr - 128), G = Y - 0.344136 (Cb - 128) - 0.714136 (Cr - 128),
    /// B = Y + 1.772 (Cb - 128), rounded half up and clamped to [0, 255]). Default true; ColorSpace is then "rgb".
    /// </summary>
    public bool ConvertYbrToRgb { get; init; } = true;

    /// <summary>A palette PNG whose palette is all grey (R = G = B, no transparency) is returned with 1 channel. Default true.</summary>
    public bool GreyPaletteAsSingleChannel { get; init; } = true;

    /// <summary>A MINISWHITE TIFF (0 = white) is inverted so that higher values are brighter: max - x. Default true.</summary>
    public bool InvertMinIsWhite { get; init; } = true;

    /// <summary>
    /// Type of rescaled values (DICOM RescaleSlope/Intercept or DoseGridScaling, NIfTI scl_slope/scl_inter): the
    /// product is always computed in float64, then cast. <see cref="DType.Float32"/> (default; float64 NIfTI data
    /// stays float64) refuses a file whose finite stored values rescale beyond float32's range (e.g. scl_slope = 3e38)
    /// with an error instead of silently returning infinities; <see cref="DType.Float64"/> keeps the float64 result.
    /// </summary>
    public DType RescaledType { get; init; } = DType.Float32;

    internal DicomLimits DicomLimits => new(MaxPixels, MaxDecodedBytes);

    /// <summary>Throws when an image of <paramref name="pixels"/> pixels and <paramref name="bytes"/> decoded bytes exceeds a limit.</summary>
    internal void CheckSize(string path, string what, Int128 pixels, Int128 bytes)
    {
        if (pixels > MaxPixels)
            throw new ImageReadException(path, $"image too large: {what} = {pixels} pixels exceeds the limit of {MaxPixels} (ImageReadOptions.MaxPixels)");
        if (bytes > MaxDecodedBytes)
            throw new ImageReadException(path, $"image too large: {what} needs {bytes} bytes decoded, over the limit of {MaxDecodedBytes} (ImageReadOptions.MaxDecodedBytes)");
    }
}
