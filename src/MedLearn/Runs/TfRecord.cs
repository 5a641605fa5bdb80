using System.Buffers.Binary;

namespace MedLearn.Runs;

/// <summary>
/// TFRecord framing: <c>uint64 length</c> (little-endian), <c>uint32 masked_crc32c(length bytes)</c>, the data,
/// <c>uint32 masked_crc32c(data)</c>.
/// </summary>
internal static class TfRecord
{
    /// <summary>Writes one framed record to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Mask(Crc32C.Compute(header[..8])));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Mask(Crc32C.Compute(data)));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }
}
