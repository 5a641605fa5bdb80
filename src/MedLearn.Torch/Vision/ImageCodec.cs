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

/// <summary>A JPEG's frame header: full-resolution size and number of colour components.</summary>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Components">1 (gray), 3 (YCbCr/RGB) or 4 (CMYK/YCCK).</param>
public readonly record struct JpegHeader(long Height, long Width, int Components)
{
    /// <summary>Size of the image decoded at 1/<paramref name="reduce"/>: <c>ceil(H/reduce) x ceil(W/reduce)</c> (libjpeg's DCT scaling).</summary>
    public (long Height, long Width) Reduced(int reduce) => ((Height + reduce - 1) / reduce, (Width + reduce - 1) / reduce);
}

/// <summary>
/// PNG / JPEG / BMP / TIFF decoding and encoding in the native shim: gray/RGB JPEGs are decoded by libjpeg-turbo
/// directly into the tensor (RGB, no colour swap or copy), everything else through OpenCV's imgcodecs. OpenCV runs
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
    public static DecodedImage Decode(ReadOnlySpan<byte> encoded, int reduce = 1) =>
        Decode(encoded, reduce, greyPaletteAsSingleChannel: false, invertMinIsWhite: false);

    /// <inheritdoc cref="Decode(ReadOnlySpan{byte}, int)"/>
    /// <param name="encoded">The whole file content.</param>
    /// <param name="reduce">1, 2, 4 or 8 (see above).</param>
    /// <param name="greyPaletteAsSingleChannel">A palette PNG whose palette is all grey (no transparency) gives 1 channel.</param>
    /// <param name="invertMinIsWhite">A MINISWHITE TIFF is inverted (max - x) so that higher is brighter.</param>
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> encoded, int reduce, bool greyPaletteAsSingleChannel, bool invertMinIsWhite)
    {
        if (reduce is not (1 or 2 or 4 or 8)) throw new ArgumentOutOfRangeException(nameof(reduce), reduce, "reduce must be 1, 2, 4 or 8");
        if (encoded.IsEmpty) throw new InvalidDataException("empty image buffer");
        int bits = 0;
        IntPtr handle;
        fixed (byte* p = encoded)
            handle = Native.ml_image_decode(p, encoded.Length, reduce, (greyPaletteAsSingleChannel ? 1 : 0) | (invertMinIsWhite ? 2 : 0), &bits);
        if (handle == IntPtr.Zero)
        {
            try { Native.ThrowLastError(); }
            catch (TorchException e) when (e is not TorchOutOfMemoryException) { throw new InvalidDataException(e.Message, e); }
        }
        return new DecodedImage(Tensor.Wrap(handle), bits);
    }

    /// <summary>
    /// Reads a JPEG's frame header (size, components) without decoding pixels. Returns false when
    /// <paramref name="encoded"/> is not a JPEG (no FF D8 FF signature).
    /// </summary>
    /// <exception cref="InvalidDataException">A JPEG whose header is corrupt or missing.</exception>
    public static unsafe bool TryReadJpegHeader(ReadOnlySpan<byte> encoded, out JpegHeader header)
    {
        header = default;
        if (encoded.IsEmpty) return false;
        long h = 0, w = 0;
        int c = 0, r;
        fixed (byte* p = encoded)
            r = Native.ml_jpeg_info(p, encoded.Length, &h, &w, &c);
        if (r < 0)
        {
            try { Native.ThrowLastError(); }
            catch (TorchException e) when (e is not TorchOutOfMemoryException) { throw new InvalidDataException(e.Message, e); }
        }
        if (r == 0) return false;
        header = new JpegHeader(h, w, c);
        return true;
    }

    /// <summary>
    /// Decodes only the box (<paramref name="top"/>, <paramref name="left"/>, <paramref name="height"/>,
    /// <paramref name="width"/>) of a 1- or 3-component JPEG, straight to RGB (or gray) in a new <c>[height, width, C]</c>
    /// uint8 tensor (or <c>[C, height, width]</c>), with libjpeg-turbo: rows above the box are skipped, decoding stops after its last row, and only
    /// the iMCU columns covering it are decoded (<c>jpeg_crop_scanline</c>).
    /// </summary>
    /// <remarks>
    /// <para>With <paramref name="reduce"/> = 1 the pixels equal the same box of <see cref="Decode(ReadOnlySpan{byte}, int)"/>'s full decode
    /// (same library, ISLOW IDCT and fancy upsampling; the column window is widened so the box edges see their real
    /// neighbours). With 2, 4 or 8 the image is decoded at 1/reduce in the DCT domain (like PIL's draft mode) and the
    /// box is in the coordinates of that reduced image (<see cref="JpegHeader.Reduced"/>); its pixels are close to,
    /// but not equal to, an area downscale of the full decode.</para>
    /// </remarks>
    /// <exception cref="InvalidDataException">Not a JPEG, a truncated or corrupt one, a CMYK JPEG, or a box outside the
    /// (reduced) image.</exception>
    /// <param name="encoded">The whole file content.</param>
    /// <param name="top">First row of the box (in the reduced image).</param>
    /// <param name="left">First column of the box (in the reduced image).</param>
    /// <param name="height">Rows of the box.</param>
    /// <param name="width">Columns of the box.</param>
    /// <param name="reduce">1, 2, 4 or 8: decode at 1/reduce of each side.</param>
    /// <param name="channelsFirst">Return <c>[C, height, width]</c> (contiguous, de-interleaved row by row while
    /// decoding) instead of <c>[height, width, C]</c>.</param>
    public static unsafe Tensor DecodeJpegRegion(ReadOnlySpan<byte> encoded, long top, long left, long height, long width, int reduce = 1,
        bool channelsFirst = false)
    {
        if (reduce is not (1 or 2 or 4 or 8)) throw new ArgumentOutOfRangeException(nameof(reduce), reduce, "reduce must be 1, 2, 4 or 8");
        if (encoded.IsEmpty) throw new InvalidDataException("empty image buffer");
        IntPtr handle;
        fixed (byte* p = encoded)
            handle = Native.ml_jpeg_decode_region(p, encoded.Length, top, left, height, width, reduce, channelsFirst ? 1 : 0);
        if (handle == IntPtr.Zero)
        {
            try { Native.ThrowLastError(); }
            catch (TorchException e) when (e is not TorchOutOfMemoryException) { throw new InvalidDataException(e.Message, e); }
        }
        return Tensor.Wrap(handle);
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
