using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Data.Readers;

/// <summary>
/// Reads PNG, JPEG, BMP and TIFF photographs / screenshots through OpenCV (<see cref="ImageCodec"/>), recognised by
/// their magic bytes (extension only when the content cannot tell).
/// </summary>
/// <remarks>
/// <para>Result: a 2-D <see cref="MedicalImage"/> <c>[C, H, W]</c> (contiguous) with C = 1 (gray), 3 (RGB) or 4 (RGBA;
/// gray+alpha PNGs come back as RGBA). 8-bit samples are uint8; 16-bit samples are int32 holding 0..65535
/// (never squashed to 8 bits); float TIFFs are float32. <see cref="ImageMeta.BitsStored"/> is 8, 16 or 32,
/// spacing is [1, 1], the affine is the identity and the space is <see cref="CoordinateSpace.Pixel"/>.</para>
/// <para>Limits: a multi-page TIFF yields its FIRST page only; EXIF orientation is not applied; truncated JPEG/PNG
/// files (no end-of-image marker / IEND chunk) are rejected rather than returned half-decoded. The size declared in
/// the header (PNG IHDR, JPEG SOF, TIFF IFD, BMP header) is checked against <see cref="ImageReadOptions.MaxPixels"/> /
/// <see cref="ImageReadOptions.MaxDecodedBytes"/> before decoding.</para>
/// <para>Conventions (<see cref="ImageReadOptions"/>): a palette PNG whose palette is all grey comes back with one
/// channel; a MINISWHITE TIFF is inverted (max - x). PNGs are decoded by libpng directly (its warnings never reach
/// stderr). Refused by design: planar (PlanarConfiguration 2) 16-bit RGB TIFF and 32-bit unsigned integer TIFF,
/// which OpenCV cannot decode ("cannot decode image"); convert them to interleaved 16-bit / float TIFF.</para>
/// <para>Region decoding (<see cref="OpenRegion(string)"/>): gray and RGB JPEGs only (libjpeg-turbo decodes just the box's
/// rows and iMCU columns, optionally DCT-scaled); other files return null and are read whole.</para>
/// </remarks>
public sealed class RasterImageReader : IRegionImageReader
{
    /// <summary>Creates a reader decoding at full size (<paramref name="reduce"/> = 1) or at 1/2, 1/4, 1/8 of each side.</summary>
    /// <param name="reduce">1, 2, 4 or 8; JPEGs then use libjpeg's fast reduced decode (8-bit output).</param>
    public RasterImageReader(int reduce = 1)
    {
        if (reduce is not (1 or 2 or 4 or 8)) throw new ArgumentOutOfRangeException(nameof(reduce), reduce, "reduce must be 1, 2, 4 or 8");
        Reduce = reduce;
    }

    /// <summary>Downscale factor applied while decoding (1 = full size).</summary>
    public int Reduce { get; }

    /// <inheritdoc />
    public string Name => "png/jpeg/bmp/tiff (OpenCV)";

    private static readonly string[] s_extensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"];

    /// <inheritdoc />
    public bool CanReadContent(ReadOnlySpan<byte> header) => FormatOf(header) is not null;

    /// <inheritdoc />
    public bool CanRead(string path, ReadOnlySpan<byte> header)
    {
        if (FormatOf(header) is not null) return true;
        // Extension fallback: the decoder then reports what is wrong with the content.
        return s_extensions.Contains(Path.GetExtension(path).ToLowerInvariant());
    }

    /// <summary>"png", "jpeg", "bmp", "tiff" from the magic bytes, or null.</summary>
    internal static string? FormatOf(ReadOnlySpan<byte> h)
    {
        if (h.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return "png";
        if (h.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "jpeg";
        if (h.StartsWith("II*\0"u8) || h.StartsWith("MM\0*"u8)) return "tiff";
        if (h.Length >= 26 && h.StartsWith("BM"u8) && h[6] == 0 && h[7] == 0 && h[8] == 0 && h[9] == 0) return "bmp";
        return null;
    }

    /// <inheritdoc />
    public MedicalImage Read(string path) => Read(path, ImageReadOptions.Default);

    /// <inheritdoc />
    public MedicalImage Read(string path, ImageReadOptions options)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageReadException(path, $"cannot read: {e.Message}", e);
        }
        return Decode(bytes, path, Reduce, options);
    }

    /// <inheritdoc />
    public IRegionSource? OpenRegion(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageReadException(path, $"cannot read: {e.Message}", e);
        }
        return OpenRegion(bytes, path);
    }

    /// <summary>
    /// <see cref="OpenRegion(string)"/> on an in-memory file: a region source for a gray/RGB JPEG, else null.
    /// The array is kept (not copied) by the source.
    /// </summary>
    public static IRegionSource? OpenRegion(byte[] bytes, string path)
    {
        JpegHeader header;
        try
        {
            if (!ImageCodec.TryReadJpegHeader(bytes, out header)) return null;
        }
        catch (InvalidDataException e)
        {
            throw new ImageReadException(path, e.Message, e);
        }
        return header.Components is 1 or 3 ? new JpegRegionSource(bytes, path, header) : null;
    }

    private sealed class JpegRegionSource(byte[] bytes, string path, JpegHeader header) : IRegionSource
    {
        public long Height => header.Height;

        public long Width => header.Width;

        public (MedicalImage Region, int Reduce) ReadRegion(long top, long left, long height, long width, int reduce)
        {
            if (reduce is not (1 or 2 or 4 or 8)) throw new ArgumentOutOfRangeException(nameof(reduce), reduce, "reduce must be 1, 2, 4 or 8");
            if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > Height || left + width > Width)
                throw new ArgumentOutOfRangeException(nameof(top), $"box [{top}, {left}, {height}, {width}] outside the {Height}x{Width} image");
            // Box on the reduced grid: rounded start and end, at least one pixel.
            var (rh, rw) = header.Reduced(reduce);
            long R(long v) => (long)Math.Round((double)v / reduce, MidpointRounding.ToEven);
            var t0 = Math.Min(R(top), rh - 1);
            var l0 = Math.Min(R(left), rw - 1);
            // a box reaching the image's last row/column keeps the reduced image's last (partial) one
            var t1 = Math.Clamp(top + height == Height ? rh : R(top + height), t0 + 1, rh);
            var l1 = Math.Clamp(left + width == Width ? rw : R(left + width), l0 + 1, rw);
            using var scope = DisposeScope.Open();
            Tensor chw;
            try
            {
                chw = ImageCodec.DecodeJpegRegion(bytes, t0, l0, t1 - t0, l1 - l0, reduce, channelsFirst: true);
            }
            catch (InvalidDataException e)
            {
                throw new ImageReadException(path, e.Message, e);
            }
            var meta = MetaFor(path, 8, header.Components == 3 ? 3 : 1);
            return (new MedicalImage(chw, meta), reduce);
        }
    }

    private static ImageMeta MetaFor(string path, int bits, long channels) => new()
    {
        SourcePath = path,
        SpatialDims = 2,
        Spacing = [1, 1],
        Space = CoordinateSpace.Pixel,
        BitsStored = bits,
        ColorSpace = channels switch { 3 => "rgb", 4 => "rgba", _ => "gray" },
    };

    /// <summary>Decodes an in-memory encoded image as <see cref="Read(string)"/> does; <paramref name="path"/> names it in errors.</summary>
    public static MedicalImage Decode(ReadOnlySpan<byte> bytes, string path, int reduce = 1) => Decode(bytes, path, reduce, ImageReadOptions.Default);

    /// <inheritdoc cref="Decode(ReadOnlySpan{byte}, string, int)"/>
    public static MedicalImage Decode(ReadOnlySpan<byte> bytes, string path, int reduce, ImageReadOptions options)
    {
        if (bytes.IsEmpty) throw new ImageReadException(path, "the file is empty");
        if (RasterHeader.Read(bytes) is { } declared)
            options.CheckSize(path, $"{declared.Width} x {declared.Height}", (Int128)declared.Width * declared.Height,
                (Int128)declared.Width * declared.Height * declared.Channels * declared.BytesPerSample);
        using var scope = DisposeScope.Open();
        DecodedImage decoded;
        try
        {
            // Gray/RGB JPEG: decoded straight into a contiguous [C, H, W] tensor (no HWC->CHW copy).
            if (ImageCodec.TryReadJpegHeader(bytes, out var jpeg) && jpeg.Components is 1 or 3)
            {
                var (rh, rw) = jpeg.Reduced(reduce);
                var planes = ImageCodec.DecodeJpegRegion(bytes, 0, 0, rh, rw, reduce, channelsFirst: true);
                return new MedicalImage(planes, MetaFor(path, 8, planes.Size(0)));
            }
            decoded = ImageCodec.Decode(bytes, reduce, options.GreyPaletteAsSingleChannel, options.InvertMinIsWhite);
        }
        catch (InvalidDataException e)
        {
            throw new ImageReadException(path, e.Message, e);
        }
        var chw = decoded.Pixels.Permute(2, 0, 1).Contiguous();
        return new MedicalImage(chw, MetaFor(path, decoded.BitsPerSample, chw.Size(0)));
    }
}
