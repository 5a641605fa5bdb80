using System.Buffers.Binary;
using System.IO.Compression;
using MedLearn.Torch;

namespace MedLearn.Data.Synthetic;

/// <summary>
/// Minimal NIfTI-1 single-file encoder (float32 or uint8, sform from <see cref="ImageMeta.Affine"/>, gzip) used
/// by the synthetic dataset writer until the toolkit's general NIfTI writer is available.
/// </summary>
internal static class SynthNifti
{
    /// <summary>Encodes [1, D, H, W] (float32 or uint8) as .nii.gz bytes.</summary>
    public static byte[] EncodeGz(Tensor cdhw, ImageMeta meta)
    {
        if (cdhw.Dim != 4 || cdhw.Size(0) != 1) throw new ArgumentException("expected a [1, D, H, W] tensor");
        var (code, bitpix) = cdhw.DType switch
        {
            DType.UInt8 => ((short)2, (short)8),
            DType.Float32 => ((short)16, (short)32),
            _ => throw new ArgumentException($"unsupported dtype {cdhw.DType}"),
        };
        long d = cdhw.Size(1), h = cdhw.Size(2), w = cdhw.Size(3);
        var header = new byte[352];
        var s = header.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(s, 348);
        BinaryPrimitives.WriteInt16LittleEndian(s[40..], 3);
        BinaryPrimitives.WriteInt16LittleEndian(s[42..], (short)w);
        BinaryPrimitives.WriteInt16LittleEndian(s[44..], (short)h);
        BinaryPrimitives.WriteInt16LittleEndian(s[46..], (short)d);
        for (var i = 48; i < 56; i += 2) BinaryPrimitives.WriteInt16LittleEndian(s[i..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(s[70..], code);
        BinaryPrimitives.WriteInt16LittleEndian(s[72..], bitpix);
        // pixdim: qfac, then x, y, z spacing (file order = reversed tensor order).
        BinaryPrimitives.WriteSingleLittleEndian(s[76..], 1f);
        BinaryPrimitives.WriteSingleLittleEndian(s[80..], (float)meta.Spacing[2]);
        BinaryPrimitives.WriteSingleLittleEndian(s[84..], (float)meta.Spacing[1]);
        BinaryPrimitives.WriteSingleLittleEndian(s[88..], (float)meta.Spacing[0]);
        BinaryPrimitives.WriteSingleLittleEndian(s[108..], 352f);  // vox_offset
        BinaryPrimitives.WriteSingleLittleEndian(s[112..], 1f);    // scl_slope
        s[123] = 10;                                               // xyzt_units: mm, s
        BinaryPrimitives.WriteInt16LittleEndian(s[252..], 0);      // qform_code
        BinaryPrimitives.WriteInt16LittleEndian(s[254..], 1);      // sform_code: scanner
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 4; c++)
                BinaryPrimitives.WriteSingleLittleEndian(s[(280 + r * 16 + c * 4)..], (float)meta.Affine[r * 4 + c]);
        "n+1\0"u8.CopyTo(s[344..]);

        var data = new byte[cdhw.NumBytesOf()];
        if (cdhw.DType == DType.UInt8) cdhw.Contiguous().CopyTo<byte>(data);
        else cdhw.Contiguous().CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data.AsSpan()));
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(header);
            gz.Write(data);
        }
        return output.ToArray();
    }

    private static long NumBytesOf(this Tensor t) => t.NumEl * (t.DType == DType.UInt8 ? 1 : 4);
}
