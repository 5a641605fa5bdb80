using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Data.Readers;

/// <summary>
/// Reads one DICOM file (GDCM: raw, deflated, JPEG baseline/lossless, JPEG-LS, JPEG 2000, RLE).
/// </summary>
/// <remarks>
/// <para>A single-frame file gives a 2-D image <c>[C, H, W]</c> (C = samples per pixel, H = rows, W = columns);
/// a multi-frame file gives a 3-D volume <c>[C, D, H, W]</c> with frames along D:</para>
/// <list type="bullet">
/// <item>frames with positions (enhanced multi-frame PerFrameFunctionalGroups, RT dose GridFrameOffsetVector) are
/// sorted along the slice normal n = row cosine x column cosine, must be evenly spaced (else
/// <see cref="ImageReadException"/>), and the affine is LPS with k column n * spacing;</item>
/// <item>frames without positions (cine, ultrasound, secondary capture) keep their file order, with frame spacing
/// SpacingBetweenSlices (else 1) and CoordinateSpace.Pixel unless the file has ImagePositionPatient and
/// ImageOrientationPatient.</item>
/// </list>
/// <para>Geometry: affine columns row_cosine * PixelSpacing[1] (i / W axis), column_cosine * PixelSpacing[0]
/// (j / H axis), n * slice spacing (k / D axis), origin ImagePositionPatient, Space LPS. Spacing is in tensor
/// order ([sy, sx] or [sz, sy, sx]). Values are rescaled to real units (float32, e.g. HU; RT dose in Gy with
/// DoseGridScaling) when slope/intercept are not (1, 0); otherwise the stored dtype is kept (uint8, int16, int32
/// for unsigned 16-bit, int64 for unsigned 32-bit). Only the low BitsStored bits are the value: unsigned samples are
/// masked and signed ones sign-extended from BitsStored (PS3.5 8.1.1), whatever the codec returned. Display
/// conventions (<see cref="ImageReadOptions"/>, defaults on): YBR_FULL / YBR_FULL_422 become RGB, MONOCHROME1
/// becomes MONOCHROME2 (window centre mapped too); WindowCenter/WindowWidth of the file are in
/// <see cref="ImageMeta"/> for the <c>Window</c> transform (a VOI LUT sequence is not applied). The rescale is
/// computed in float64 and cast as <see cref="ImageReadOptions.RescaledType"/> says (an overflow is an error).
/// Only geometry/scaling tags are read: no patient identifier reaches the metadata or errors.</para>
/// </remarks>
public sealed class DicomReader : IImageReader
{
    /// <inheritdoc/>
    public string Name => "dicom (GDCM)";

    /// <summary>True for DICOM content (<see cref="CanReadContent"/>), or a .dcm/.dicom file (the pre-check then says what is wrong).</summary>
    public bool CanRead(string path, ReadOnlySpan<byte> header) =>
        CanReadContent(header) || (header.Length > 0 && (path.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase)
                                                          || path.EndsWith(".dicom", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// "DICM" at byte 128, or a preamble-less dataset: a first element of group 0002 or 0008 (little endian) with an
    /// explicit VR or a small implicit length.
    /// </summary>
    public bool CanReadContent(ReadOnlySpan<byte> header) =>
        HasMagic(header) || (header.Length >= 8 && header[0] is 2 or 8 && header[1] == 0 && header[3] == 0
                             && ((IsUpper(header[4]) && IsUpper(header[5])) || (header[6] == 0 && header[7] == 0)));

    private static bool IsUpper(byte b) => b is >= (byte)'A' and <= (byte)'Z';

    internal static bool HasMagic(ReadOnlySpan<byte> header) =>
        header.Length >= 132 && header[128] == (byte)'D' && header[129] == (byte)'I' && header[130] == (byte)'C' && header[131] == (byte)'M';

    /// <inheritdoc/>
    public MedicalImage Read(string path) => Read(path, ImageReadOptions.Default);

    /// <inheritdoc/>
    public MedicalImage Read(string path, ImageReadOptions options)
    {
        using var scope = DisposeScope.Open();
        var f = Open(path, options);
        var (slope, intercept) = DicomGeometry.Scaling(f);
        var (stored, colorSpace, windowCenter) = DicomDisplay.Convert(f, options);
        var rowSp = f.PixelSpacing?[0] ?? 1;
        var colSp = f.PixelSpacing?[1] ?? 1;
        var hasGeometry = f.ImageOrientationPatient is not null && f.ImagePositionPatient is not null;
        var meta = new ImageMeta
        {
            SourcePath = path,
            BitsStored = f.BitsStored,
            RescaleSlope = slope,
            RescaleIntercept = intercept,
            WindowCenter = windowCenter,
            WindowWidth = f.WindowWidth,
            VoiLutFunction = f.VoiLutFunction.Length == 0 ? null : f.VoiLutFunction,
            VoiLut = DicomDisplay.Lut(f, options),
            Modality = f.Modality.Length == 0 ? null : f.Modality,
            ColorSpace = colorSpace,
            Space = hasGeometry ? CoordinateSpace.LPS : CoordinateSpace.Pixel,
        };
        var pixels = DicomDisplay.Rescaled(path, stored, slope, intercept, options); // [F, H, W, S]
        if (f.Frames == 1)
        {
            var nominal = f.SpacingBetweenSlices ?? f.SliceThickness ?? 1;
            var image = pixels.Select(0, 0).Permute(2, 0, 1).Contiguous();
            return new MedicalImage(image, meta with
            {
                SpatialDims = 2,
                Spacing = [rowSp, colSp],
                Affine = hasGeometry
                    ? DicomGeometry.Affine(f.ImageOrientationPatient!, rowSp, colSp, nominal, f.ImagePositionPatient!)
                    : DicomGeometry.Diagonal(colSp, rowSp, 1),
            });
        }

        double sliceSp;
        double[]? origin = f.ImagePositionPatient;
        if (f.FramePositions is { } posTensor && f.ImageOrientationPatient is { } iop)
        {
            var flat = posTensor.ToArray<double>();
            var positions = Enumerable.Range(0, (int)f.Frames).Select(k => flat.AsSpan(3 * k, 3).ToArray()).ToList();
            var (order, spacing, problem) = DicomGeometry.Stack(positions, DicomGeometry.Normal(iop), "frame");
            if (problem is not null) throw new ImageReadException(path, problem);
            if (!order.SequenceEqual(Enumerable.Range(0, order.Length)))
                pixels = pixels.IndexSelect(0, torch.FromArray(order.Select(i => (long)i).ToArray()));
            sliceSp = spacing;
            origin = positions[order[0]];
            meta = meta with { Space = CoordinateSpace.LPS };
        }
        else
        {
            sliceSp = f.SpacingBetweenSlices ?? 1;
        }
        var volume = pixels.Permute(3, 0, 1, 2).Contiguous();
        return new MedicalImage(volume, meta with
        {
            SpatialDims = 3,
            Spacing = [sliceSp, rowSp, colSp],
            Affine = meta.Space == CoordinateSpace.LPS
                ? DicomGeometry.Affine(f.ImageOrientationPatient!, rowSp, colSp, sliceSp, origin!)
                : DicomGeometry.Diagonal(colSp, rowSp, sliceSp),
        });
    }

    /// <summary>Decodes a file, mapping binding errors to <see cref="ImageReadException"/> naming the file.</summary>
    internal static DicomFile Open(string path, ImageReadOptions options)
    {
        try
        {
            return DicomFile.Read(path, options.DicomLimits);
        }
        catch (DicomReadException e)
        {
            throw new ImageReadException(path, e.Message, e);
        }
    }
}
