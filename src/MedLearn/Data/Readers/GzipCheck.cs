using System.Buffers.Binary;
using System.IO.Compression;

namespace MedLearn.Data.Readers;

/// <summary>
/// Says what is wrong with a gzip file .NET refused ("unsupported compression method" is all GZipStream reports for
/// a CRC mismatch): re-reads it and checks, in order, the magic and method, the deflate data, then the trailer's
/// CRC-32 and length (single-member gzip, trailer = last 8 bytes).
/// </summary>
internal static class GzipCheck
{
    private static readonly uint[] s_table = BuildTable();

    /// <summary>A reason such as "corrupt gzip stream (CRC mismatch)"; inflates at most <paramref name="maxBytes"/>.</summary>
    public static string Diagnose(string path, long maxBytes)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 18 || bytes[0] != 0x1F || bytes[1] != 0x8B) return "corrupt gzip stream (not gzip, or shorter than a gzip header and trailer)";
            if (bytes[2] != 8) return $"corrupt gzip stream (unsupported compression method {bytes[2]})";
            var pos = BodyOffset(bytes);
            if (pos <= 0 || pos > bytes.Length - 8) return "corrupt gzip stream (header fields run past the end)";
            uint crc = 0xFFFFFFFF;
            long size = 0;
            using (var inflater = new DeflateStream(new MemoryStream(bytes, pos, bytes.Length - 8 - pos), CompressionMode.Decompress))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = inflater.Read(buffer)) > 0)
                {
                    size += n;
                    if (size > maxBytes) return $"gzip stream inflates to more than {maxBytes} bytes (ImageReadOptions.MaxDecodedBytes)";
                    for (var i = 0; i < n; i++) crc = s_table[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
                }
            }
            crc ^= 0xFFFFFFFF;
            var expected = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8));
            var isize = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
            if (crc != expected) return "corrupt gzip stream (CRC mismatch)";
            if (isize != (uint)size) return "corrupt gzip stream (length mismatch in the trailer)";
            return "corrupt gzip stream";
        }
        catch (InvalidDataException)
        {
            return "corrupt gzip stream (invalid deflate data)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"corrupt gzip stream (cannot re-read: {e.Message})";
        }
    }

    /// <summary>Offset of the deflate data after a gzip member header (RFC 1952 flags FEXTRA, FNAME, FCOMMENT, FHCRC), or -1.</summary>
    public static int BodyOffset(ReadOnlySpan<byte> b)
    {
        if (b.Length < 10 || b[0] != 0x1F || b[1] != 0x8B || b[2] != 8) return -1;
        var flags = b[3];
        var pos = 10;
        if ((flags & 4) != 0)
        {
            if (pos + 2 > b.Length) return -1;
            pos += 2 + BinaryPrimitives.ReadUInt16LittleEndian(b[pos..]);
        }
        for (var bit = 8; bit <= 16; bit <<= 1)
        {
            if ((flags & bit) == 0) continue;
            if (pos > b.Length) return -1;
            var end = b[pos..].IndexOf((byte)0);
            if (end < 0) return -1;
            pos += end + 1;
        }
        if ((flags & 2) != 0) pos += 2;
        return pos <= b.Length ? pos : -1;
    }

    private static uint[] BuildTable()
    {
        // CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as gzip's trailer.
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }
}
