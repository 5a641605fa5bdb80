using System.Buffers.Binary;
using System.Text;

namespace MedLearn.Data.Readers;

/// <summary>
/// The fields of a NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header that MedLearn uses, parsed by hand.
/// Byte order is detected from <c>sizeof_hdr</c> (348 or 540 read little- or big-endian).
/// </summary>
internal sealed class NiftiHeader
{
    public const int Nifti1Size = 348;
    public const int Nifti2Size = 540;

    /// <summary>1 or 2 (NIfTI-1/2), 0 for an ANALYZE 7.5 header (no magic; always a .hdr/.img pair).</summary>
    public int Version { get; init; }
    public bool BigEndian { get; init; }
    /// <summary>dim[0..7].</summary>
    public long[] Dim { get; init; } = new long[8];
    public int DataType { get; init; }
    public int BitPix { get; init; }
    /// <summary>pixdim[0..7] (pixdim[0] is qfac).</summary>
    public double[] PixDim { get; init; } = new double[8];
    public double VoxOffset { get; init; }
    public double SclSlope { get; init; }
    public double SclInter { get; init; }
    public int XyztUnits { get; init; }
    public int QformCode { get; init; }
    public int SformCode { get; init; }
    public double[] Quatern { get; init; } = new double[3];
    public double[] QOffset { get; init; } = new double[3];
    /// <summary>srow_x, srow_y, srow_z (12 values, row-major).</summary>
    public double[] SRow { get; init; } = new double[12];
    /// <summary>True for "ni1" / "ni2" (header and data in separate .hdr/.img files).</summary>
    public bool PairedFiles { get; init; }

    /// <summary>Size of the header in bytes for <paramref name="start"/> (the first 4 bytes), or 0 if it is no NIfTI header.</summary>
    public static int DetectSize(ReadOnlySpan<byte> start, out bool bigEndian)
    {
        bigEndian = false;
        if (start.Length < 4) return 0;
        var le = BinaryPrimitives.ReadInt32LittleEndian(start);
        if (le is Nifti1Size or Nifti2Size) return le;
        var be = BinaryPrimitives.ReadInt32BigEndian(start);
        bigEndian = true;
        return be is Nifti1Size or Nifti2Size ? be : 0;
    }

    /// <summary>True for a 348-byte header without the NIfTI-1 magic whose dim[0] is 1..7: ANALYZE 7.5.</summary>
    public static bool IsAnalyze(ReadOnlySpan<byte> h)
    {
        if (h.Length < Nifti1Size || DetectSize(h, out var big) != Nifti1Size) return false;
        if (h[344] == (byte)'n' && h[346] == (byte)'1') return false;
        var ndim = big ? BinaryPrimitives.ReadInt16BigEndian(h[40..]) : BinaryPrimitives.ReadInt16LittleEndian(h[40..]);
        return ndim is >= 1 and <= 7;
    }

    /// <summary>
    /// Parses a complete header; throws <see cref="ImageReadException"/> for anything that is not NIfTI-1/2, or
    /// ANALYZE 7.5 when <paramref name="allowAnalyze"/> (the header of a .hdr/.img pair).
    /// </summary>
    public static NiftiHeader Parse(string path, ReadOnlySpan<byte> h, bool allowAnalyze = false)
    {
        var size = DetectSize(h, out var big);
        if (size == 0) throw new ImageReadException(path, "not a NIfTI file (sizeof_hdr is neither 348 nor 540)");
        if (h.Length < size) throw new ImageReadException(path, $"truncated NIfTI header ({h.Length} of {size} bytes)");
        var r = new FieldReader(h, big);
        if (size == Nifti1Size)
        {
            var magic = Encoding.ASCII.GetString(h.Slice(344, 3));
            var analyze = magic is not ("n+1" or "ni1");
            if (analyze && !(allowAnalyze && IsAnalyze(h)))
                throw new ImageReadException(path, "NIfTI-1 magic missing (an ANALYZE 7.5 header must be read as a .hdr/.img pair)");
            var dim = new long[8];
            for (var i = 0; i < 8; i++) dim[i] = r.I16(40 + 2 * i);
            var pixdim = new double[8];
            for (var i = 0; i < 8; i++) pixdim[i] = r.F32(76 + 4 * i);
            var srow = new double[12];
            for (var i = 0; i < 12; i++) srow[i] = r.F32(280 + 4 * i);
            if (analyze)
            {
                // ANALYZE 7.5: same field offsets for dim/datatype/bitpix/pixdim/vox_offset; no scaling, units or
                // orientation fields (nibabel's AnalyzeImage ignores "funused1" too).
                return new NiftiHeader
                {
                    Version = 0, BigEndian = big, Dim = dim, DataType = r.I16(70), BitPix = r.I16(72), PixDim = pixdim,
                    VoxOffset = r.F32(108), SclSlope = double.NaN, SclInter = 0, XyztUnits = 2, PairedFiles = true,
                };
            }
            return new NiftiHeader
            {
                Version = 1, BigEndian = big, Dim = dim, DataType = r.I16(70), BitPix = r.I16(72), PixDim = pixdim,
                VoxOffset = r.F32(108), SclSlope = r.F32(112), SclInter = r.F32(116), XyztUnits = h[123],
                QformCode = r.I16(252), SformCode = r.I16(254),
                Quatern = [r.F32(256), r.F32(260), r.F32(264)], QOffset = [r.F32(268), r.F32(272), r.F32(276)],
                SRow = srow, PairedFiles = magic == "ni1",
            };
        }
        else
        {
            var magic = Encoding.ASCII.GetString(h.Slice(4, 3));
            if (magic is not ("n+2" or "ni2")) throw new ImageReadException(path, "NIfTI-2 magic missing");
            var dim = new long[8];
            for (var i = 0; i < 8; i++) dim[i] = r.I64(16 + 8 * i);
            var pixdim = new double[8];
            for (var i = 0; i < 8; i++) pixdim[i] = r.F64(104 + 8 * i);
            var srow = new double[12];
            for (var i = 0; i < 12; i++) srow[i] = r.F64(400 + 8 * i);
            var vox = r.I64(168);
            return new NiftiHeader
            {
                Version = 2, BigEndian = big, Dim = dim, DataType = r.I16(12), BitPix = r.I16(14), PixDim = pixdim,
                VoxOffset = vox, SclSlope = r.F64(176), SclInter = r.F64(184), XyztUnits = r.I32(500),
                QformCode = r.I32(344), SformCode = r.I32(348),
                Quatern = [r.F64(352), r.F64(360), r.F64(368)], QOffset = [r.F64(376), r.F64(384), r.F64(392)],
                SRow = srow, PairedFiles = magic == "ni2",
            };
        }
    }

    private readonly ref struct FieldReader(ReadOnlySpan<byte> h, bool big)
    {
        private readonly ReadOnlySpan<byte> _h = h;
        public short I16(int o) => big ? BinaryPrimitives.ReadInt16BigEndian(_h[o..]) : BinaryPrimitives.ReadInt16LittleEndian(_h[o..]);
        public int I32(int o) => big ? BinaryPrimitives.ReadInt32BigEndian(_h[o..]) : BinaryPrimitives.ReadInt32LittleEndian(_h[o..]);
        public long I64(int o) => big ? BinaryPrimitives.ReadInt64BigEndian(_h[o..]) : BinaryPrimitives.ReadInt64LittleEndian(_h[o..]);
        public double F32(int o) => big ? BinaryPrimitives.ReadSingleBigEndian(_h[o..]) : BinaryPrimitives.ReadSingleLittleEndian(_h[o..]);
        public double F64(int o) => big ? BinaryPrimitives.ReadDoubleBigEndian(_h[o..]) : BinaryPrimitives.ReadDoubleLittleEndian(_h[o..]);
    }

    /// <summary>
    /// NIfTI-1 header (348 bytes, little-endian, magic "n+1") for a single-file .nii with data at byte 352.
    /// </summary>
    public static byte[] BuildNifti1(long[] dim, int datatype, int bitpix, double[] pixdim, int qformCode, double[] quatern,
        double[] qoffset, int sformCode, double[] srow)
    {
        var h = new byte[Nifti1Size];
        var s = h.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(s, Nifti1Size);
        h[38] = (byte)'r';
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteInt16LittleEndian(s[(40 + 2 * i)..], checked((short)dim[i]));
        BinaryPrimitives.WriteInt16LittleEndian(s[70..], (short)datatype);
        BinaryPrimitives.WriteInt16LittleEndian(s[72..], (short)bitpix);
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteSingleLittleEndian(s[(76 + 4 * i)..], (float)pixdim[i]);
        BinaryPrimitives.WriteSingleLittleEndian(s[108..], 352f);
        // scl_slope = 0: no intensity scaling (the data are written in real units).
        h[123] = 2 | 8; // xyzt_units: mm, seconds
        Encoding.ASCII.GetBytes("MedLearn").CopyTo(s[148..]);
        BinaryPrimitives.WriteInt16LittleEndian(s[252..], (short)qformCode);
        BinaryPrimitives.WriteInt16LittleEndian(s[254..], (short)sformCode);
        for (var i = 0; i < 3; i++) BinaryPrimitives.WriteSingleLittleEndian(s[(256 + 4 * i)..], (float)quatern[i]);
        for (var i = 0; i < 3; i++) BinaryPrimitives.WriteSingleLittleEndian(s[(268 + 4 * i)..], (float)qoffset[i]);
        for (var i = 0; i < 12; i++) BinaryPrimitives.WriteSingleLittleEndian(s[(280 + 4 * i)..], (float)srow[i]);
        "n+1\0"u8.CopyTo(s[344..]);
        return h;
    }
}
