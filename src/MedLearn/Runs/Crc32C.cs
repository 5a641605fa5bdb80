namespace MedLearn.Runs;

/// <summary>
/// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF, table driven.
/// Check value: crc32c("123456789") = 0xE3069283. <see cref="Mask"/> is the TFRecord masking
/// <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c> (mod 2^32).
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TFRecord's masked CRC: rotate right by 15 bits, add 0xa282ead8.</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}
