using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using MedLearn.Torch;

namespace MedLearn.Data.Readers;

/// <summary>
/// Reads NIfTI-1 and NIfTI-2 single-file images (<c>.nii</c>, and gzip-compressed <c>.nii.gz</c>), either byte order.
/// </summary>
/// <remarks>
/// <para>Layout: the file stores voxels with i fastest, then j, k, then the 4th..7th dimensions. The tensor is
/// <c>[C, D, H, W]</c> = <c>[dim4*..*dim7, dim3, dim2, dim1]</c> (time points / vector components become channels);
/// a header with <c>dim[0] &lt;= 2</c> gives a 2-D image <c>[1, H, W]</c>. RGB24 / RGBA32 voxels give 3 / 4 channels
/// (times the number of volumes).</para>
/// <para>Types: uint8, int8, int16, int32, int64, float32, float64 are kept; uint16 becomes int32 and uint32 becomes
/// int64 (libtorch has no unsigned wide types). Other datatypes (bool, complex, float128, uint64) are rejected.
/// When <c>scl_slope</c> is finite and non-zero and (slope, inter) is not (1, 0), values are rescaled to
/// <c>raw * slope + inter</c> as float32 (float64 for float64 data) and the factors are recorded in the metadata.</para>
/// <para>Geometry: the affine is the sform when <c>sform_code &gt; 0</c>, else the qform quaternion when
/// <c>qform_code &gt; 0</c>, else plain pixdim scaling (NIfTI "method 1", no offset). Metres and microns in
/// <c>xyzt_units</c> are converted to millimetres (affine and spacing); unknown units are taken as mm. The space is
/// <see cref="CoordinateSpace.RAS"/>. Spacing is |pixdim[1..3]| in tensor order <c>[sz, sy, sx]</c> (1 where
/// pixdim is zero or not finite).</para>
/// <para>Robustness: the header is validated before any allocation; the voxel buffer is bounded by the file size
/// (and, for gzip, by the maximum deflate ratio), so a corrupt header gives an <see cref="ImageReadException"/>,
/// never an out-of-memory or index error. The declared size is checked against <see cref="ImageReadOptions.MaxPixels"/>
/// and <see cref="ImageReadOptions.MaxDecodedBytes"/> before anything is allocated; the volume must also fit in one
/// .NET array (under 2 GB of voxel data).</para>
/// <para>Header/image pairs: a NIfTI-1 pair ("ni1", <c>.hdr</c> + <c>.img</c>) and ANALYZE 7.5 (<c>.hdr</c> without
/// magic + <c>.img</c>) are read from either file name; the data sit in the <c>.img</c> at vox_offset. ANALYZE has no
/// orientation: the affine is nibabel's (x flipped, origin at the volume centre: diag(-dx, dy, dz) with translation
/// -(dim - 1) / 2 * zooms) and no intensity scaling is applied. Complex, binary, uint64 and float128 datatypes are
/// refused by design (no tensor type for them in training; convert magnitude/phase first).</para>
/// <para>Gzip: a file is inflated when its content starts with the gzip magic, whatever its name; a corrupt stream
/// is reported as "corrupt gzip stream (CRC mismatch)" or "(invalid deflate data)".</para>
/// <para>Rescaling: computed in float64 and cast as <see cref="ImageReadOptions.RescaledType"/> says (overflow rule there).</para>
/// </remarks>
public sealed class NiftiReader : IImageReader
{
    /// <summary>Deflate cannot expand more than ~1032:1; anything claiming more is corrupt.</summary>
    private const long MaxGzipRatio = 1100;

    /// <inheritdoc />
    public string Name => "nifti-1/2 (.nii, .nii.gz)";

    /// <inheritdoc />
    public bool CanRead(string path, ReadOnlySpan<byte> header)
    {
        if (CanReadContent(header)) return true;
        var name = path.ToLowerInvariant();
        return name.EndsWith(".nii", StringComparison.Ordinal) || name.EndsWith(".nii.gz", StringComparison.Ordinal)
            || name.EndsWith(".hdr", StringComparison.Ordinal) || (name.EndsWith(".img", StringComparison.Ordinal) && File.Exists(PairHeader(path)));
    }

    /// <summary>NIfTI-1/2 magic (or an ANALYZE 7.5 header), also inside gzip content.</summary>
    public bool CanReadContent(ReadOnlySpan<byte> header)
    {
        if (IsGzip(header))
        {
            Span<byte> inner = stackalloc byte[NiftiHeader.Nifti2Size];
            var n = GzipPrefix(header, inner);
            return LooksLikeHeader(inner[..n]);
        }
        return LooksLikeHeader(header);
    }

    private static bool LooksLikeHeader(ReadOnlySpan<byte> h)
    {
        var size = h.Length >= 4 ? NiftiHeader.DetectSize(h, out _) : 0;
        if (size == NiftiHeader.Nifti1Size && h.Length >= NiftiHeader.Nifti1Size)
            return (h[344] == (byte)'n' && h[346] == (byte)'1') || NiftiHeader.IsAnalyze(h);
        if (size == NiftiHeader.Nifti2Size && h.Length >= 8) return h[4] == (byte)'n' && h[6] == (byte)'2';
        return false;
    }

    internal static bool IsGzip(ReadOnlySpan<byte> h) => h.Length >= 2 && h[0] == 0x1F && h[1] == 0x8B;

    /// <summary>Inflates as much of a gzip prefix as it holds into <paramref name="output"/>; returns the byte count.</summary>
    internal static int GzipPrefix(ReadOnlySpan<byte> gz, Span<byte> output)
    {
        // raw deflate after the gzip header: a prefix has no trailer, and a bad CRC must not hide the content
        var body = GzipCheck.BodyOffset(gz);
        if (body < 0) return 0;
        try
        {
            using var stream = new DeflateStream(new MemoryStream(gz[body..].ToArray()), CompressionMode.Decompress);
            return stream.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            return 0;
        }
    }

    private static string PairHeader(string path) => Path.ChangeExtension(path, path.EndsWith(".IMG", StringComparison.Ordinal) ? ".HDR" : ".hdr");

    private static string PairImage(string path) => Path.ChangeExtension(path, path.EndsWith(".HDR", StringComparison.Ordinal) ? ".IMG" : ".img");

    /// <inheritdoc />
    public MedicalImage Read(string path) => Read(path, ImageReadOptions.Default);

    /// <inheritdoc />
    public MedicalImage Read(string path, ImageReadOptions options)
    {
        try
        {
            return ReadCore(path, options);
        }
        catch (EndOfStreamException e)
        {
            throw new ImageReadException(path, "truncated NIfTI file: the voxel data ends early", e);
        }
        catch (InvalidDataException e)
        {
            throw new ImageReadException(path, GzipCheck.Diagnose(path, options.MaxDecodedBytes), e);
        }
        catch (OverflowException e)
        {
            throw new ImageReadException(path, "NIfTI header declares an impossibly large image", e);
        }
        catch (IOException e) when (e is not ImageReadException)
        {
            throw new ImageReadException(path, $"cannot read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ImageReadException(path, $"cannot open: {e.Message}", e);
        }
    }

    private static MedicalImage ReadCore(string path, ImageReadOptions options)
    {
        // A pair is named by either file: the header comes from the .hdr, the voxels from the .img.
        var headerPath = path.EndsWith(".img", StringComparison.OrdinalIgnoreCase) ? PairHeader(path) : path;
        var (head, n) = ReadHeaderBytes(headerPath);
        if (n < 4) throw new ImageReadException(path, "file too short for a NIfTI header");
        var h = NiftiHeader.Parse(path, head.AsSpan(0, n), allowAnalyze: true);
        var dataPath = h.PairedFiles ? PairImage(headerPath) : headerPath;
        if (h.PairedFiles && !File.Exists(dataPath))
            throw new ImageReadException(path, $"the image file {Path.GetFileName(dataPath)} of this .hdr/.img pair is missing");
        using var file = new FileStream(dataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var fileLength = file.Length;
        Span<byte> magic = stackalloc byte[2];
        var gz = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && IsGzip(magic);
        file.Position = 0;
        using Stream stream = gz ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        if (!h.PairedFiles)
        {
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        else
        {
            n = 0; // the .img holds voxels only: nothing of it has been read yet
        }
        var headerSize = h.PairedFiles ? 0 : h.Version == 1 ? NiftiHeader.Nifti1Size : NiftiHeader.Nifti2Size;

        // --- dimensions ---------------------------------------------------------------------------
        var ndim = h.Dim[0];
        if (ndim is < 1 or > 7) throw new ImageReadException(path, $"invalid dim[0] = {ndim} (must be 1..7)");
        var size = new long[8];
        for (var i = 1; i < 8; i++)
        {
            if (i <= ndim && h.Dim[i] < 1) throw new ImageReadException(path, $"invalid dim[{i}] = {h.Dim[i]} (must be >= 1)");
            size[i] = i <= ndim ? h.Dim[i] : 1;
        }
        long nx = size[1], ny = size[2], nz = size[3];
        long nt = 1;
        for (var i = 4; i < 8; i++) nt = checked(nt * size[i]);
        var (elemBytes, components, bits) = TypeInfo(path, h.DataType);
        var voxels = checked(nx * ny * nz * nt);
        var nbytes = checked(voxels * elemBytes);
        // uint16 / uint32 are widened to int32 / int64: the tensor takes twice the stored bytes
        var tensorBytes = h.DataType is 512 or 768 ? 2 * nbytes : nbytes;
        options.CheckSize(path, $"{nx} x {ny} x {nz} x {nt} voxels", voxels, tensorBytes);

        // --- data location and size bounds (before allocating) -------------------------------------
        var vox = h.VoxOffset;
        if (!double.IsFinite(vox) || vox < 0 || vox != Math.Floor(vox) || vox > long.MaxValue / 2)
            throw new ImageReadException(path, $"invalid vox_offset {vox}");
        var offset = (long)vox;
        if (offset < headerSize) throw new ImageReadException(path, $"vox_offset {offset} lies inside the {headerSize}-byte header");
        var needed = checked(offset + nbytes);
        if (!gz)
        {
            if (offset > fileLength) throw new ImageReadException(path, $"vox_offset {offset} is beyond the end of the file ({fileLength} bytes)");
            if (needed > fileLength)
                throw new ImageReadException(path, $"truncated NIfTI file: the header declares {nbytes} bytes of voxel data at offset {offset}, the file has {fileLength} bytes");
        }
        else if (needed > checked(fileLength * MaxGzipRatio + (1 << 20)))
        {
            throw new ImageReadException(path, $"truncated or corrupt NIfTI file: the header declares {nbytes} bytes of voxel data, more than a {fileLength}-byte gzip file can hold");
        }
        if (nbytes > Array.MaxLength) throw new ImageReadException(path, $"volume too large ({nbytes} bytes of voxel data; the limit is 2 GB)");

        // --- read voxels ----------------------------------------------------------------------------
        var raw = new byte[nbytes];
        var have = 0L;
        if (offset < n)
        {
            have = Math.Min(n - offset, nbytes);
            Array.Copy(head, offset, raw, 0, have);
        }
        else if (gz)
        {
            Skip(stream, offset - n);
        }
        else
        {
            file.Position = offset;
        }
        if (have < nbytes) stream.ReadExactly(raw, (int)have, (int)(nbytes - have));
        if (h.BigEndian && elemBytes > 1 && components == 1) SwapBytes(raw, elemBytes);

        // --- tensor ---------------------------------------------------------------------------------
        using var scope = DisposeScope.Open();
        long[] fileShape = [nt, nz, ny, nx];
        var data = ToTensor(path, raw, h.DataType, fileShape, components);
        string colorSpace = components switch { 3 => "rgb", 4 => "rgba", _ => "gray" };

        double slope = h.SclSlope, inter = double.IsFinite(h.SclInter) ? h.SclInter : 0;
        var scaled = double.IsFinite(slope) && slope != 0 && !(slope == 1 && inter == 0);
        if (scaled)
        {
            var target = data.DType == DType.Float64 ? DType.Float64 : options.RescaledType;
            data = Rescale.Apply(path, data, slope, inter, target);
        }

        var twoD = ndim <= 2 && components == 1;
        if (twoD) data = data.Reshape(data.Size(0), ny, nx);
        data = data.Contiguous();

        var unit = (h.XyztUnits & 7) switch { 1 => 1000.0, 3 => 0.001, _ => 1.0 };
        var affine = Affine(h);
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 4; c++) affine[r * 4 + c] *= unit;
        double Zoom(int i) => double.IsFinite(h.PixDim[i]) && h.PixDim[i] != 0 ? Math.Abs(h.PixDim[i]) * unit : 1;
        var meta = new ImageMeta
        {
            SourcePath = path,
            SpatialDims = twoD ? 2 : 3,
            Spacing = twoD ? [Zoom(2), Zoom(1)] : [Zoom(3), Zoom(2), Zoom(1)],
            Affine = affine,
            Space = CoordinateSpace.RAS,
            BitsStored = bits,
            RescaleSlope = scaled ? slope : 1,
            RescaleIntercept = scaled ? inter : 0,
            ColorSpace = colorSpace,
        };
        return new MedicalImage(data, meta);
    }

    /// <summary>(bytes per voxel, components per voxel, bits per sample) of a NIfTI datatype code.</summary>
    private static (int ElemBytes, int Components, int Bits) TypeInfo(string path, int datatype) => datatype switch
    {
        2 => (1, 1, 8),       // uint8
        256 => (1, 1, 8),     // int8
        4 => (2, 1, 16),      // int16
        512 => (2, 1, 16),    // uint16
        8 => (4, 1, 32),      // int32
        768 => (4, 1, 32),    // uint32
        1024 => (8, 1, 64),   // int64
        16 => (4, 1, 32),     // float32
        64 => (8, 1, 64),     // float64
        128 => (3, 3, 8),     // RGB24
        2304 => (4, 4, 8),    // RGBA32
        _ => throw new ImageReadException(path, $"unsupported NIfTI datatype {datatype}" + datatype switch
        {
            1 => " (binary)",
            32 or 1792 or 2048 => " (complex)",
            1280 => " (uint64)",
            1536 => " (float128)",
            0 => " (unknown)",
            _ => "",
        }),
    };

    private static Tensor ToTensor(string path, byte[] raw, int datatype, long[] shape, int components)
    {
        ReadOnlySpan<byte> b = raw;
        switch (datatype)
        {
            case 2: return torch.FromSpan(b, shape);
            case 256: return torch.FromSpan(MemoryMarshal.Cast<byte, sbyte>(b), shape);
            case 4: return torch.FromSpan(MemoryMarshal.Cast<byte, short>(b), shape);
            case 8: return torch.FromSpan(MemoryMarshal.Cast<byte, int>(b), shape);
            case 1024: return torch.FromSpan(MemoryMarshal.Cast<byte, long>(b), shape);
            case 16: return torch.FromSpan(MemoryMarshal.Cast<byte, float>(b), shape);
            case 64: return torch.FromSpan(MemoryMarshal.Cast<byte, double>(b), shape);
            case 512:
            {
                var src = MemoryMarshal.Cast<byte, ushort>(b);
                var wide = new int[src.Length];
                for (var i = 0; i < src.Length; i++) wide[i] = src[i];
                return torch.FromSpan<int>(wide, shape);
            }
            case 768:
            {
                var src = MemoryMarshal.Cast<byte, uint>(b);
                var wide = new long[src.Length];
                for (var i = 0; i < src.Length; i++) wide[i] = src[i];
                return torch.FromSpan<long>(wide, shape);
            }
            case 128 or 2304:
            {
                // Interleaved per voxel: [T, Z, Y, X, comp] -> [comp * T, Z, Y, X].
                var t = torch.FromSpan(b, [.. shape, components]);
                return t.Permute(4, 0, 1, 2, 3).Reshape(components * shape[0], shape[1], shape[2], shape[3]);
            }
            default: throw new ImageReadException(path, $"unsupported NIfTI datatype {datatype}");
        }
    }

    /// <summary>The first bytes of a header file (inflated when gzip), enough for a NIfTI-2 header.</summary>
    private static (byte[] Head, int Count) ReadHeaderBytes(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12);
        Span<byte> magic = stackalloc byte[2];
        var gz = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && IsGzip(magic);
        file.Position = 0;
        using Stream stream = gz ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        var head = new byte[NiftiHeader.Nifti2Size];
        return (head, stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false));
    }

    /// <summary>The voxel-to-world affine (row-major 4x4, file units) chosen as the NIfTI standard says.</summary>
    internal static double[] Affine(NiftiHeader h)
    {
        if (h.Version == 0)
        {
            // ANALYZE 7.5, as nibabel: zooms with x flipped (radiological storage), origin at the volume centre.
            double Z(int i) => double.IsFinite(h.PixDim[i]) && h.PixDim[i] != 0 ? Math.Abs(h.PixDim[i]) : 1;
            double[] z = [-Z(1), Z(2), Z(3)];
            double[] o = [(Math.Max(h.Dim[1], 1) - 1) / 2.0, (Math.Max(h.Dim[2], 1) - 1) / 2.0, (Math.Max(h.Dim[3], 1) - 1) / 2.0];
            return [z[0], 0, 0, -o[0] * z[0], 0, z[1], 0, -o[1] * z[1], 0, 0, z[2], -o[2] * z[2], 0, 0, 0, 1];
        }
        if (h.SformCode > 0 && h.SRow.All(double.IsFinite))
            return [.. h.SRow, 0, 0, 0, 1];
        double dx = Fin(h.PixDim[1]), dy = Fin(h.PixDim[2]), dz = Fin(h.PixDim[3]);
        if (h.QformCode > 0 && h.Quatern.All(double.IsFinite) && h.QOffset.All(double.IsFinite))
        {
            double b = h.Quatern[0], c = h.Quatern[1], d = h.Quatern[2];
            var a2 = 1 - (b * b + c * c + d * d);
            double a;
            if (a2 < 1e-7)
            {
                // b, c, d is (nearly) a unit vector: a 180-degree rotation.
                a = 0;
                var norm = Math.Sqrt(b * b + c * c + d * d);
                if (norm > 0) { b /= norm; c /= norm; d /= norm; }
            }
            else
            {
                a = Math.Sqrt(a2);
            }
            double[] r =
            [
                a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
                2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b),
                2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b,
            ];
            var qfac = h.PixDim[0] < 0 ? -1.0 : 1.0;
            dx = Math.Abs(dx); dy = Math.Abs(dy); dz = Math.Abs(dz) * qfac;
            return
            [
                r[0] * dx, r[1] * dy, r[2] * dz, h.QOffset[0],
                r[3] * dx, r[4] * dy, r[5] * dz, h.QOffset[1],
                r[6] * dx, r[7] * dy, r[8] * dz, h.QOffset[2],
                0, 0, 0, 1,
            ];
        }
        return [Math.Abs(dx), 0, 0, 0, 0, Math.Abs(dy), 0, 0, 0, 0, Math.Abs(dz), 0, 0, 0, 0, 1];

        static double Fin(double v) => double.IsFinite(v) && v != 0 ? v : 1;
    }

    private static void Skip(Stream s, long count)
    {
        var buffer = new byte[(int)Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            var read = s.Read(buffer, 0, (int)Math.Min(count, buffer.Length));
            if (read == 0) throw new EndOfStreamException();
            count -= read;
        }
    }

    private static void SwapBytes(byte[] raw, int size)
    {
        var span = raw.AsSpan();
        switch (size)
        {
            case 2:
                var s16 = MemoryMarshal.Cast<byte, short>(span);
                for (var i = 0; i < s16.Length; i++) s16[i] = BinaryPrimitives.ReverseEndianness(s16[i]);
                break;
            case 4:
                var s32 = MemoryMarshal.Cast<byte, int>(span);
                for (var i = 0; i < s32.Length; i++) s32[i] = BinaryPrimitives.ReverseEndianness(s32[i]);
                break;
            case 8:
                var s64 = MemoryMarshal.Cast<byte, long>(span);
                for (var i = 0; i < s64.Length; i++) s64[i] = BinaryPrimitives.ReverseEndianness(s64[i]);
                break;
        }
    }
}
