using System.Buffers.Binary;

namespace MedLearn.Data.Readers;

/// <summary>
/// Image size declared in a PNG (IHDR), JPEG (SOFn), TIFF (first IFD) or BMP header, read before decoding so that the
/// reader limits (<see cref="ImageReadOptions"/>) refuse a huge image in our words, before any decoder allocates.
/// </summary>
internal readonly record struct RasterHeader(long Width, long Height, int Channels, int BytesPerSample)
{
    /// <summary>The declared size, or null when the header cannot be read (the decoder then reports the problem).</summary>
    public static RasterHeader? Read(ReadOnlySpan<byte> b) => RasterImageReader.FormatOf(b) switch
    {
        "png" => Png(b),
        "jpeg" => Jpeg(b),
        "tiff" => Tiff(b),
        "bmp" => Bmp(b),
        _ => null,
    };

    private static RasterHeader? Png(ReadOnlySpan<byte> b)
    {
        if (b.Length < 29 || !b[12..16].SequenceEqual("IHDR"u8)) return null;
        long w = BinaryPrimitives.ReadUInt32BigEndian(b[16..]), h = BinaryPrimitives.ReadUInt32BigEndian(b[20..]);
        int depth = b[24], type = b[25];
        var channels = type switch { 0 => 1, 2 or 3 => 3, _ => 4 };
        return new RasterHeader(w, h, channels, depth == 16 ? 4 : 1);
    }

    private static RasterHeader? Jpeg(ReadOnlySpan<byte> b)
    {
        var i = 2;
        while (i + 9 < b.Length)
        {
            if (b[i] != 0xFF) return null;
            var m = b[i + 1];
            if (m == 0xFF) { i++; continue; }
            var seg = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            if (m is >= 0xC0 and <= 0xCF && m is not (0xC4 or 0xC8 or 0xCC))
                return new RasterHeader(BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]), Math.Max((int)b[i + 9], 1), 1);
            if (m == 0xDA) return null;
            i += 2 + seg;
        }
        return null;
    }

    private static RasterHeader? Tiff(ReadOnlySpan<byte> b)
    {
        if (b.Length < 8) return null;
        var le = b[0] == 'I';
        var ifd = U32(b, le, 4);
        if (ifd + 2 > (uint)b.Length) return null;
        long w = -1, h = -1;
        int spp = 1, bits = 8;
        var n = (int)U16(b, le, (int)ifd);
        for (var k = 0; k < n; k++)
        {
            var e = (int)ifd + 2 + 12 * k;
            if (e + 12 > b.Length) break;
            var tag = U16(b, le, e);
            var type = U16(b, le, e + 2);
            var value = type == 3 ? U16(b, le, e + 8) : U32(b, le, e + 8);
            switch (tag)
            {
                case 256: w = value; break;
                case 257: h = value; break;
                case 258: if (U32(b, le, e + 4) == 1) bits = (int)value; else bits = 16; break; // several samples: assume the widest
                case 277: spp = (int)value; break;
            }
        }
        return w < 0 || h < 0 ? null : new RasterHeader(w, h, Math.Max(spp, 1), bits <= 8 ? 1 : 4);
    }

    private static uint U16(ReadOnlySpan<byte> b, bool le, int o) =>
        le ? BinaryPrimitives.ReadUInt16LittleEndian(b[o..]) : BinaryPrimitives.ReadUInt16BigEndian(b[o..]);

    private static uint U32(ReadOnlySpan<byte> b, bool le, int o) =>
        le ? BinaryPrimitives.ReadUInt32LittleEndian(b[o..]) : BinaryPrimitives.ReadUInt32BigEndian(b[o..]);

    private static RasterHeader? Bmp(ReadOnlySpan<byte> b)
    {
        if (b.Length < 26) return null;
        long w = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(b[18..])), h = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(b[22..]));
        return new RasterHeader(w, h, 4, 1);
    }
}
