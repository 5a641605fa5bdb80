using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Vision;

/// <summary>Encoded image formats <see cref="ImageCodec.Encode"/> can write.</summary>
public enum ImageFormat
{
    /// <summary>PNG: lossless, 8- or 16-bit, gray / RGB / RGBA.</summary>
    Png,
    /// <summary>JPEG: lossy, 8-bit gray or RGB.</summary>
    Jpeg,
    /// <summary>BMP: 8-bit, uncompressed.</summary>
    Bmp,
    /// <summary>TIFF: 8-, 16-bit or float32.</summary>
    Tiff,
}

/// <summary>A decoded image: the <c>[H, W, C]</c> pixel tensor and the source's bits per sample.</summary>
/// <param name="Pixels">Height x width x channels, channels in RGB(A) order (1 for grayscale).</param>
/// <param name="BitsPerSample">8, 16, 32 or 64, as stored in the file (16-bit samples arrive as int32).</param>
public readonly record struct DecodedImage(Tensor Pixels, int BitsPerSample);

/// <summary>
/// PNG / JPEG / BMP / TIFF decoding and encoding through OpenCV's imgcodecs in the native shim. OpenCV runs
/// single-threaded (parallelise per image). Decoding keeps the stored precision (IMREAD_UNCHANGED): 8-bit
/// samples give uint8, unsigned 16-bit give int32 (libtorch 1.13 has no uint16; values 0..65535 are kept, never
/// squashed to 8 bits), signed 16-bit give int16, 32-bit float TIFF gives float32. Colour images come back RGB
/// or RGBA (OpenCV's BGR order is swapped); grayscale keeps one channel. EXIF orientation is NOT applied.
/// A multi-page TIFF yields its first page only.
/// </summary>
public static class ImageCodec
{
    /// <summary>
    /// Decodes an encoded image into a new <c>[H, W, C]</c> tensor (registered with the current dispose scope).
    /// </summary>
    /// <param name="encoded">The whole file content.</param>
    /// <param name="reduce">1 for full size, or 2, 4, 8 to decode at 1/reduce of each side (JPEG uses libjpeg's
    /// fast DCT-domain reduction, giving 8-bit output; other formats are area-downscaled keeping their depth).</param>
    /// <exception cref="InvalidDataException">Empty, truncated (a JPEG without end-of-image marker after its last
    /// scan, a PNG without IEND, a BMP shorter than its header says), corrupt or unrecognised data.</exception>
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> encoded, int reduce = 1)
    {
        if (reduce is not (1 or 2 or 4 or 8)) throw new ArgumentOutOfRangeException(nameof(reduce), reduce, "reduce must be 1, 2, 4 or 8");
        if (encoded.IsEmpty) throw new InvalidDataException("empty image buffer");
        int bits = 0;
        IntPtr handle;
        fixed (byte* p = encoded)
            handle = Native.ml_image_decode(p, encoded.Length, reduce, &bits);
        if (handle == IntPtr.Zero)
        {
            try { Native.ThrowLastError(); }
            catch (TorchException e) when (e is not TorchOutOfMemoryException) { throw new InvalidDataException(e.Message, e); }
        }
        return new DecodedImage(Tensor.Wrap(handle), bits);
    }

    /// <summary>
    /// Encodes an <c>[H, W, C]</c> image (C = 1 gray, 3 RGB or 4 RGBA). uint8 gives 8-bit samples; int16/int32/int64
    /// with values in [0, 65535] give 16-bit samples (PNG and TIFF only); float32 is accepted by TIFF only.
    /// </summary>
    /// <param name="image">Pixels, any layout (made contiguous internally).</param>
    /// <param name="format">Output format.</param>
    /// <param name="quality">JPEG quality 0-100 or PNG compression level 0-9; negative keeps OpenCV's default
    /// (JPEG 95, PNG 1).</param>
    /// <returns>The encoded file content.</returns>
    /// <exception cref="ArgumentException">Wrong rank or channel count, unsupported dtype for the format, or 16-bit
    /// values outside [0, 65535].</exception>
    public static byte[] Encode(Tensor image, ImageFormat format, int quality = -1)
    {
        var ext = format switch
        {
            ImageFormat.Png => ".png",
            ImageFormat.Jpeg => ".jpg",
            ImageFormat.Bmp => ".bmp",
            ImageFormat.Tiff => ".tif",
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown image format"),
        };
        var handle = Native.ml_image_encode(image.Handle, ext, quality);
        GC.KeepAlive(image);
        if (handle == IntPtr.Zero)
        {
            try { Native.ThrowLastError(); }
            catch (TorchException e) when (e is not TorchOutOfMemoryException) { throw new ArgumentException(e.Message, nameof(image), e); }
        }
        using var bytes = Tensor.Wrap(handle).DetachFromDisposeScope();
        return bytes.ToArray<byte>();
    }
}
