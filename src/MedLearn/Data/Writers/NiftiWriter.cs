using MedLearn.Torch.Serialization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using MedLearn.Data.Readers;
using MedLearn.Torch;

namespace MedLearn.Data.Writers;

/// <summary>
/// Writes images as single-file NIfTI-1 (<c>.nii</c>; gzip-compressed when the path ends with <c>.gz</c>), little-endian,
/// voxel data at byte 352, atomically (temporary sibling + rename).
/// </summary>
/// <remarks>
/// <para>Layout: a <c>[C, D, H, W]</c> tensor is written with dim = (W, H, D) and, when C &gt; 1, C as the 4th
/// dimension; a 2-D <c>[C, H, W]</c> image gets dim = (W, H) (C = 1) or (W, H, 1, C). <see cref="NiftiReader"/> reads
/// the file back with the same values, shape and affine (a multi-channel 2-D image comes back as 3-D with D = 1).</para>
/// <para>Types: uint8, int8, int16, int32, int64, float32 and float64 are written as such; bool becomes uint8 and
/// float16/bfloat16 become float32. No intensity scaling is recorded (scl_slope = 0): values are stored as they are.</para>
/// <para>Geometry: both sform and qform are written from <see cref="ImageMeta.Affine"/> (converted from LPS to RAS
/// when <see cref="ImageMeta.Space"/> is LPS) with code 1 (scanner) for RAS/LPS and 2 (aligned) for pixel-space
/// images; the qform is omitted (code 0) when the affine has shear. pixdim[1..3] are the affine's column norms, units
/// are mm and seconds. Header fields are float32, so the affine is rounded to single precision.</para>
/// </remarks>
public static class NiftiWriter
{
    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> (see the class remarks for the format).</summary>
    public static void Write(MedicalImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        Write(image.Data, image.Meta, path);
    }

    /// <summary>Writes <paramref name="cdhw"/> (<c>[C, D, H, W]</c>, or <c>[C, H, W]</c> for 2-D) with the geometry of <paramref name="meta"/>.</summary>
    /// <exception cref="ArgumentException">Wrong rank, a dimension above 32767, or an unsupported dtype.</exception>
    public static void Write(Tensor cdhw, ImageMeta meta, string path)
    {
        ArgumentNullException.ThrowIfNull(cdhw);
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Encode(cdhw, meta);
        var gz = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, s =>
        {
            if (!gz)
            {
                s.Write(bytes.Header);
                s.Write(bytes.Data);
                return;
            }
            using var z = new GZipStream(s, CompressionLevel.Fastest, leaveOpen: true);
            z.Write(bytes.Header);
            z.Write(bytes.Data);
        }, durable: false, createDirectory: true);
    }

    private static (byte[] Header, byte[] Data) Encode(Tensor t, ImageMeta meta)
    {
        if (t.Dim is not (3 or 4))
            throw new ArgumentException($"NIfTI needs a [C, D, H, W] or [C, H, W] tensor, got shape [{string.Join(", ", t.Shape)}]", nameof(t));
        var shape = t.Shape;
        long c = shape[0], w = shape[^1], hgt = shape[^2], d = t.Dim == 4 ? shape[1] : 1;
        var dim = new long[8];
        if (t.Dim == 3 && c == 1) { dim[0] = 2; dim[1] = w; dim[2] = hgt; }
        else if (c == 1) { dim[0] = 3; dim[1] = w; dim[2] = hgt; dim[3] = d; }
        else { dim[0] = 4; dim[1] = w; dim[2] = hgt; dim[3] = d; dim[4] = c; }
        for (var i = 1; i < 8; i++)
        {
            if (i > dim[0]) dim[i] = 1;
            if (dim[i] > short.MaxValue) throw new ArgumentException($"NIfTI-1 dimensions are limited to {short.MaxValue}, got {dim[i]}", nameof(t));
        }

        using var scope = DisposeScope.Open();
        var x = t.DType switch
        {
            DType.Bool => t.To(DType.UInt8),
            DType.Float16 or DType.BFloat16 => t.To(DType.Float32),
            _ => t,
        };
        // Tensor order [C, D, H, W] is exactly the file order (i fastest, then j, k, t).
        x = x.Contiguous();
        var (datatype, bitpix, data) = x.DType switch
        {
            DType.UInt8 => (2, 8, x.ToArray<byte>()),
            DType.Int8 => (256, 8, MemoryMarshal.AsBytes<sbyte>(x.ToArray<sbyte>()).ToArray()),
            DType.Int16 => (4, 16, MemoryMarshal.AsBytes<short>(x.ToArray<short>()).ToArray()),
            DType.Int32 => (8, 32, MemoryMarshal.AsBytes<int>(x.ToArray<int>()).ToArray()),
            DType.Int64 => (1024, 64, MemoryMarshal.AsBytes<long>(x.ToArray<long>()).ToArray()),
            DType.Float32 => (16, 32, MemoryMarshal.AsBytes<float>(x.ToArray<float>()).ToArray()),
            DType.Float64 => (64, 64, MemoryMarshal.AsBytes<double>(x.ToArray<double>()).ToArray()),
            var other => throw new ArgumentException($"NIfTI cannot store {other} tensors", nameof(t)),
        };

        var a = (double[])meta.Affine.Clone();
        if (a.Length != 16) throw new ArgumentException("ImageMeta.Affine must have 16 values", nameof(meta));
        if (meta.Space == CoordinateSpace.LPS)
            for (var col = 0; col < 4; col++) { a[col] = -a[col]; a[4 + col] = -a[4 + col]; }
        var code = meta.Space == CoordinateSpace.Pixel ? 2 : 1;

        var pixdim = new double[8];
        pixdim[0] = 1;
        for (var i = 4; i < 8; i++) pixdim[i] = 1;
        var zooms = new double[3];
        for (var col = 0; col < 3; col++)
        {
            zooms[col] = Math.Sqrt(a[col] * a[col] + a[4 + col] * a[4 + col] + a[8 + col] * a[8 + col]);
            pixdim[col + 1] = zooms[col] == 0 ? 1 : zooms[col];
        }
        var (qformOk, quatern, qfac) = Quaternion(a, zooms);
        if (qformOk) pixdim[0] = qfac;
        double[] srow = [.. a[..12]];
        var header = NiftiHeader.BuildNifti1(dim, datatype, bitpix, pixdim, qformOk ? code : 0, quatern,
            [a[3], a[7], a[11]], code, srow);
        var full = new byte[NiftiHeader.Nifti1Size + 4]; // + 4-byte extension flag (no extensions)
        header.CopyTo(full, 0);
        return (full, data);
    }

    /// <summary>Quaternion (b, c, d) and qfac of the rotation part of <paramref name="a"/>, if it is a rotation times zooms.</summary>
    private static (bool Ok, double[] Quatern, double Qfac) Quaternion(double[] a, double[] zooms)
    {
        if (zooms.Any(z => z == 0 || !double.IsFinite(z))) return (false, [0, 0, 0], 1);
        var r = new double[9];
        for (var row = 0; row < 3; row++)
            for (var col = 0; col < 3; col++) r[row * 3 + col] = a[row * 4 + col] / zooms[col];
        var det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
        var qfac = 1.0;
        if (det < 0)
        {
            qfac = -1;
            r[2] = -r[2]; r[5] = -r[5]; r[8] = -r[8];
        }
        // Orthonormal? (R^T R = I within float precision)
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
            {
                var dot = r[i] * r[j] + r[3 + i] * r[3 + j] + r[6 + i] * r[6 + j];
                if (Math.Abs(dot - (i == j ? 1 : 0)) > 1e-4) return (false, [0, 0, 0], 1);
            }
        double r11 = r[0], r12 = r[1], r13 = r[2], r21 = r[3], r22 = r[4], r23 = r[5], r31 = r[6], r32 = r[7], r33 = r[8];
        double qa, qb, qc, qd;
        var trace = r11 + r22 + r33 + 1;
        if (trace > 0.5)
        {
            qa = 0.5 * Math.Sqrt(trace);
            qb = 0.25 * (r32 - r23) / qa; qc = 0.25 * (r13 - r31) / qa; qd = 0.25 * (r21 - r12) / qa;
        }
        else
        {
            double xd = 1 + r11 - (r22 + r33), yd = 1 + r22 - (r11 + r33), zd = 1 + r33 - (r11 + r22);
            if (xd > 1)
            {
                qb = 0.5 * Math.Sqrt(xd); qc = 0.25 * (r12 + r21) / qb; qd = 0.25 * (r13 + r31) / qb; qa = 0.25 * (r32 - r23) / qb;
            }
            else if (yd > 1)
            {
                qc = 0.5 * Math.Sqrt(yd); qb = 0.25 * (r12 + r21) / qc; qd = 0.25 * (r23 + r32) / qc; qa = 0.25 * (r13 - r31) / qc;
            }
            else
            {
                qd = 0.5 * Math.Sqrt(zd); qb = 0.25 * (r13 + r31) / qd; qc = 0.25 * (r23 + r32) / qd; qa = 0.25 * (r21 - r12) / qd;
            }
            if (qa < 0) { qb = -qb; qc = -qc; qd = -qd; }
        }
        return (true, [qb, qc, qd], qfac);
    }
}
