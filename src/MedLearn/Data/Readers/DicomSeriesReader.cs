using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Data.Readers;

/// <summary>
/// Reads a DICOM series from a FOLDER into a volume <c>[C, D, H, W]</c> (C = samples per pixel, normally 1).
/// </summary>
/// <remarks>
/// <para>Files are the folder's top-level files that start with "DICM" at offset 128 or end in .dcm; files
/// without pixel data (DICOMDIR, reports) are skipped. They are grouped by SeriesInstanceUID: several series in
/// one folder are an error unless one is chosen with the constructor (see <see cref="SeriesUids"/>).</para>
/// <para>Slices are sorted by ImagePositionPatient projected onto the slice normal n = row cosine x column cosine
/// (not by file name or InstanceNumber). The slice spacing is the mean gap between those projections (NOT
/// SliceThickness); gaps that differ by more than 5% (a missing slice), duplicate positions, positions off the
/// normal (gantry tilt), different orientations, pixel spacings or sizes, multi-frame files or slices without
/// ImagePositionPatient/ImageOrientationPatient throw <see cref="ImageReadException"/> naming the folder (or the
/// file) and the problem.</para>
/// <para>Values: when any slice has RescaleSlope/Intercept other than (1, 0), each slice is rescaled with its own
/// values to float32 real units (e.g. HU); otherwise the stored dtype is kept. <see cref="ImageMeta.RescaleSlope"/>
/// / Intercept record the first slice's. Geometry: affine columns row_cosine * PixelSpacing[1] (i / W),
/// column_cosine * PixelSpacing[0] (j / H), n * slice spacing (k / D), origin = ImagePositionPatient of the first
/// slice along n, Space LPS; Spacing = [sz, sy, sx]. Patient identifiers are never read.</para>
/// </remarks>
public sealed class DicomSeriesReader(string? seriesInstanceUid = null) : IImageReader
{
    /// <summary>The series to read when the folder holds several (null: the folder must hold exactly one).</summary>
    public string? SeriesInstanceUid { get; } = seriesInstanceUid;

    /// <inheritdoc/>
    public string Name => "dicom series folder (GDCM)";

    /// <summary>True for a directory (the header is empty for directories).</summary>
    public bool CanRead(string path, ReadOnlySpan<byte> header) => header.IsEmpty && Directory.Exists(path);

    /// <summary>The distinct SeriesInstanceUIDs of the image files in <paramref name="folder"/> (decodes every file).</summary>
    public static IReadOnlyList<string> SeriesUids(string folder)
    {
        using var scope = DisposeScope.Open();
        return [.. Load(folder, ImageReadOptions.Default).Select(s => s.File.SeriesInstanceUid).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc/>
    public MedicalImage Read(string path) => Read(path, ImageReadOptions.Default);

    /// <inheritdoc/>
    public MedicalImage Read(string path, ImageReadOptions options)
    {
        using var scope = DisposeScope.Open();
        var all = Load(path, options);
        if (all.Count == 0) throw new ImageReadException(path, "no DICOM image files in the folder");
        var groups = all.GroupBy(s => s.File.SeriesInstanceUid).ToList();
        List<(string Path, DicomFile File)> slices;
        if (SeriesInstanceUid is { } uid)
        {
            slices = [.. all.Where(s => s.File.SeriesInstanceUid == uid)];
            if (slices.Count == 0)
                throw new ImageReadException(path, $"the requested series is not in the folder ({groups.Count} series found)");
        }
        else if (groups.Count > 1)
        {
            throw new ImageReadException(path,
                $"the folder holds {groups.Count} series; choose one with new DicomSeriesReader(seriesInstanceUid) (see DicomSeriesReader.SeriesUids)");
        }
        else
        {
            slices = [.. all];
        }

        var first = slices[0].File;
        foreach (var (file, f) in slices)
        {
            if (f.Frames != 1)
                throw new ImageReadException(file, "multi-frame file inside a series folder: read it on its own with DicomReader");
            if (f.ImagePositionPatient is null || f.ImageOrientationPatient is null)
                throw new ImageReadException(file, "slice without ImagePositionPatient/ImageOrientationPatient: cannot order the series");
            if (f.Rows != first.Rows || f.Columns != first.Columns || f.SamplesPerPixel != first.SamplesPerPixel)
                throw new ImageReadException(path,
                    $"slices have different sizes ({first.Rows}x{first.Columns}x{first.SamplesPerPixel} vs {f.Rows}x{f.Columns}x{f.SamplesPerPixel} rows x columns x samples)");
            if (!Near(f.ImageOrientationPatient, first.ImageOrientationPatient!, 1e-4))
                throw new ImageReadException(path, "slices have different orientations (ImageOrientationPatient)");
            if (!Near(f.PixelSpacing ?? [1, 1], first.PixelSpacing ?? [1, 1], 1e-4))
                throw new ImageReadException(path, "slices have different pixel spacings");
        }

        var iop = first.ImageOrientationPatient!;
        var (order, spacing, problem) = DicomGeometry.Stack([.. slices.Select(s => s.File.ImagePositionPatient!)], DicomGeometry.Normal(iop), "slice");
        if (problem is not null) throw new ImageReadException(path, problem);
        if (double.IsNaN(spacing)) spacing = first.SpacingBetweenSlices ?? first.SliceThickness ?? 1;

        var rescale = slices.Any(s => DicomGeometry.Scaling(s.File) != (1, 0));
        double? windowCenter = null;
        var colorSpace = "gray";
        var planes = order.Select(i =>
        {
            var f = slices[i].File;
            var (slope, intercept) = DicomGeometry.Scaling(f);
            var (stored, cs, wc) = DicomDisplay.Convert(f, options);
            if (ReferenceEquals(f, first)) (windowCenter, colorSpace) = (wc, cs);
            return rescale ? Rescale.Apply(slices[i].Path, stored, slope, intercept, options.RescaledType) : stored;
        }).ToList();
        var volume = torch.Cat(planes, 0).Permute(3, 0, 1, 2).Contiguous(); // [F=D, H, W, S] -> [S, D, H, W]
        var (s0, i0) = DicomGeometry.Scaling(slices[order[0]].File);
        var rowSp = first.PixelSpacing?[0] ?? 1;
        var colSp = first.PixelSpacing?[1] ?? 1;
        return new MedicalImage(volume, new ImageMeta
        {
            SourcePath = path,
            SpatialDims = 3,
            Spacing = [spacing, rowSp, colSp],
            Affine = DicomGeometry.Affine(iop, rowSp, colSp, spacing, slices[order[0]].File.ImagePositionPatient!),
            Space = CoordinateSpace.LPS,
            BitsStored = first.BitsStored,
            RescaleSlope = rescale ? s0 : 1,
            RescaleIntercept = rescale ? i0 : 0,
            WindowCenter = windowCenter,
            WindowWidth = first.WindowWidth,
            VoiLutFunction = first.VoiLutFunction.Length == 0 ? null : first.VoiLutFunction,
            VoiLut = DicomDisplay.Lut(first, options),
            Modality = first.Modality.Length == 0 ? null : first.Modality,
            ColorSpace = colorSpace,
        });
    }

    private static int DTypeBytes(DType t) => t switch { DType.UInt8 or DType.Int8 => 1, DType.Int16 => 2, DType.Int32 or DType.Float32 => 4, _ => 8 };

    private static bool Near(double[] a, double[] b, double tol) =>
        a.Length == b.Length && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= tol);

    /// <summary>Decodes every DICOM image file of the folder (tensors in the caller's scope).</summary>
    private static List<(string Path, DicomFile File)> Load(string folder, ImageReadOptions options)
    {
        Int128 pixels = 0, bytes = 0;
        if (!Directory.Exists(folder)) throw new ImageReadException(folder, "folder not found");
        var result = new List<(string, DicomFile)>();
        Span<byte> header = stackalloc byte[132];
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file).Equals("DICOMDIR", StringComparison.OrdinalIgnoreCase)) continue;
            int n;
            try
            {
                using var stream = File.OpenRead(file);
                n = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ImageReadException(file, $"cannot open: {e.Message}", e);
            }
            if (!DicomReader.HasMagic(header[..n]) && !file.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase)) continue;
            try
            {
                var f = DicomFile.Read(file, options.DicomLimits);
                result.Add((file, f));
                // the volume is the sum of its slices: the limits hold for the whole series too
                pixels += (Int128)f.Rows * f.Columns * f.Frames;
                bytes += (Int128)f.Pixels.NumEl * DTypeBytes(f.Pixels.DType);
                options.CheckSize(folder, $"the series so far ({result.Count} files)", pixels, bytes);
            }
            catch (DicomReadException e) when (e.Kind == DicomErrorKind.NoPixelData)
            {
                // DICOMDIR, structured reports, RT plans...: not part of an image series.
            }
            catch (DicomReadException e)
            {
                throw new ImageReadException(file, e.Message, e);
            }
        }
        return result;
    }
}
