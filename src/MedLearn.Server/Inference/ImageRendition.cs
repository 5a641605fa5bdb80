using MedLearn.Data.Readers;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Server.Inference;

/// <summary>
/// An uploaded image decoded for the web viewer, which cannot decode 16-bit PNG, TIFF, DICOM or NIfTI itself: float32
/// samples in real units (after DICOM/NIfTI rescaling), slice-major <c>[slices, channels, height, width]</c> (1 slice for
/// 2-D images; gray = 1 channel, colour = the first 3), reduced by area averaging to at most
/// <see cref="MaxSide"/> pixels per side and <see cref="MaxSamples"/> samples in all, with the source's display window
/// (DICOM WindowCenter/Width) when it has one. No other metadata is returned: nothing identifies a patient.
/// </summary>
public sealed record ImageRendition(int Width, int Height, int Slices, int Channels, int SourceWidth, int SourceHeight, int BitsStored,
    string? Modality, double Min, double Max, double? WindowCenter, double? WindowWidth, string Pixels)
{
    /// <summary>Longest side sent to the viewer.</summary>
    public const int MaxSide = 1024;

    /// <summary>Most float32 samples sent (32 MB).</summary>
    public const long MaxSamples = 8L << 20;

    /// <summary>Reads <paramref name="path"/> with <paramref name="options"/> and builds its rendition (see the type).</summary>
    /// <exception cref="ImageReadException">The image cannot be read or is over a limit.</exception>
    public static ImageRendition Create(string path, ImageReadOptions options)
    {
        using var scope = DisposeScope.Open();
        using var image = ImageReader.Read(path, options);
        var x = image.Data.To(DType.Float32);
        var channels = x.Size(0) >= 3 ? 3 : 1;
        x = x.Narrow(0, 0, channels);
        x = image.Meta.SpatialDims == 3 ? x.Transpose(0, 1) : x.Unsqueeze(0); // [D, C, H, W]
        long slices = x.Size(0), height = x.Size(2), width = x.Size(3);
        var scale = Math.Min(1.0, Math.Min((double)MaxSide / Math.Max(height, width), Math.Sqrt((double)MaxSamples / (slices * channels * height * width))));
        if (scale < 1)
            x = Functional.Interpolate(x.Contiguous(), size: [Math.Max(1, (long)(height * scale)), Math.Max(1, (long)(width * scale))], mode: InterpolateMode.Area);
        var values = x.Contiguous().ToArray<float>();
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return new ImageRendition((int)x.Size(3), (int)x.Size(2), (int)slices, (int)channels, (int)width, (int)height, image.Meta.BitsStored,
            image.Meta.Modality, values.Length == 0 ? 0 : values.Min(), values.Length == 0 ? 0 : values.Max(),
            image.Meta.WindowCenter, image.Meta.WindowWidth, Convert.ToBase64String(bytes));
    }
}
