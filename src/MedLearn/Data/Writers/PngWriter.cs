using MedLearn.Torch.Serialization;
using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Data.Writers;

/// <summary>
/// Writes channel-first images as PNG: <c>[C, H, W]</c> with C = 1 (gray), 3 (RGB) or 4 (RGBA). uint8 tensors give
/// 8-bit PNGs; int16/int32/int64 tensors give 16-bit PNGs (values must lie in [0, 65535]). The file is written to a
/// temporary sibling and renamed, so a reader never sees a partial file. Reading the file back with
/// <see cref="Readers.RasterImageReader"/> returns exactly the same values (uint8, or int32 for 16-bit).
/// </summary>
public static class PngWriter
{
    /// <summary>Writes <paramref name="chw"/> (<c>[C, H, W]</c>, or <c>[H, W]</c> for gray) to <paramref name="path"/>.</summary>
    /// <param name="chw">Pixels; uint8 for 8-bit, int16/int32/int64 for 16-bit.</param>
    /// <param name="path">Destination; the folder is created if missing; an existing file is replaced.</param>
    /// <param name="compression">zlib level 0-9 (negative: OpenCV's default, 1).</param>
    /// <exception cref="ArgumentException">Wrong rank, channel count or dtype, or 16-bit values outside [0, 65535].</exception>
    public static void Write(Tensor chw, string path, int compression = -1)
    {
        ArgumentNullException.ThrowIfNull(chw);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Encode(chw, compression);
        AtomicFile.Write(path, s => s.Write(bytes), durable: false, createDirectory: true);
    }

    /// <summary>Writes the tensor of <paramref name="image"/> (a 2-D image) to <paramref name="path"/>.</summary>
    public static void Write(MedicalImage image, string path, int compression = -1)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Meta.SpatialDims != 2) throw new ArgumentException("PNG stores 2-D images only", nameof(image));
        Write(image.Data, path, compression);
    }

    /// <summary>The PNG file content for <paramref name="chw"/> (same rules as <see cref="Write(Tensor, string, int)"/>).</summary>
    public static byte[] Encode(Tensor chw, int compression = -1)
    {
        ArgumentNullException.ThrowIfNull(chw);
        using var scope = DisposeScope.Open();
        var t = chw.Dim switch
        {
            2 => chw.Unsqueeze(0),
            3 => chw,
            _ => throw new ArgumentException($"PNG needs a [C, H, W] tensor, got shape [{string.Join(", ", chw.Shape)}]", nameof(chw)),
        };
        if (t.Size(0) is not (1 or 3 or 4))
            throw new ArgumentException($"PNG needs 1, 3 or 4 channels, got {t.Size(0)}", nameof(chw));
        if (chw.DType is not (DType.UInt8 or DType.Int16 or DType.Int32 or DType.Int64))
            throw new ArgumentException($"PNG needs a uint8 (8-bit) or integer (16-bit) tensor, got {chw.DType}", nameof(chw));
        return ImageCodec.Encode(t.Permute(1, 2, 0), ImageFormat.Png, compression);
    }
}
