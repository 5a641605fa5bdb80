using System.Text;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Vision;

/// <summary>Why a DICOM file could not be read.</summary>
public enum DicomErrorKind
{
    /// <summary>Not a DICOM file, or its header is truncated/corrupt.</summary>
    Unreadable = 1,
    /// <summary>A valid DICOM object without pixel data (DICOMDIR, structured report, RT plan...).</summary>
    NoPixelData = 2,
    /// <summary>Pixel data present but not decodable (truncated, corrupt, unsupported encoding).</summary>
    DecodeFailed = 3,
    /// <summary>A pixel format the toolkit does not handle.</summary>
    Unsupported = 4,
}

/// <summary>A DICOM file could not be read. The message never contains tag values (no identifiers, no UIDs).</summary>
public sealed class DicomReadException(DicomErrorKind kind, string message, Exception? inner = null)
    : IOException(message, inner)
{
    /// <summary>What went wrong.</summary>
    public DicomErrorKind Kind { get; } = kind;

    /// <summary>The file that failed, when known (the message itself holds only the reason).</summary>
    public string? Path { get; init; }
}

/// <summary>Where <see cref="DicomFile.FramePositions"/> came from.</summary>
public enum DicomFramePositions
{
    /// <summary>The file has no per-frame positions.</summary>
    None = 0,
    /// <summary>Enhanced multi-frame: PerFrameFunctionalGroupsSequence / PlanePositionSequence / ImagePositionPatient.</summary>
    FunctionalGroups = 1,
    /// <summary>RT dose: ImagePositionPatient + GridFrameOffsetVector[k] * slice normal.</summary>
    GridFrameOffsets = 2,
}

/// <summary>
/// One DICOM file decoded by GDCM through the shim (every transfer syntax GDCM supports: raw little/big endian,
/// implicit VR, deflated, JPEG baseline/extended/lossless, JPEG-LS, JPEG 2000, RLE). Only pixel data and the
/// geometry/scaling tags are read; patient identifiers are never read.
/// </summary>
/// <remarks>
/// Geometry is raw DICOM, in the patient coordinate system LPS (millimetres): <see cref="ImagePositionPatient"/>
/// is the centre of the first transmitted pixel (row 0, column 0); <see cref="ImageOrientationPatient"/> holds
/// the row direction cosine (the direction of increasing column index) then the column direction cosine (increasing
/// row index); <see cref="PixelSpacing"/> is [spacing between rows, spacing between columns] as in the tag.
/// </remarks>
public sealed class DicomFile
{
    private DicomFile() { }

    /// <summary>
    /// Decoded pixels shaped <c>[frames, rows, cols, samples]</c>, samples interleaved (planar files are
    /// reordered), in the stored precision: uint8, int8, int16, int32 (unsigned 16-bit and signed 32-bit; libtorch
    /// 1.13 has no uint16), int64 (unsigned 32-bit), float32/float64 (float pixel data). Raw stored values: no
    /// rescale applied. Registered in the current <see cref="DisposeScope"/>.
    /// </summary>
    public required Tensor Pixels { get; init; }

    /// <summary>ImagePositionPatient of every frame, float64 <c>[frames, 3]</c> (LPS mm), or null (see <see cref="FramePositionSource"/>).</summary>
    public Tensor? FramePositions { get; private init; }

    /// <summary>How <see cref="FramePositions"/> was obtained.</summary>
    public DicomFramePositions FramePositionSource { get; private init; }

    /// <summary>Columns (0028,0011): pixels per row.</summary>
    public long Columns { get; private init; }
    /// <summary>Rows (0028,0010).</summary>
    public long Rows { get; private init; }
    /// <summary>NumberOfFrames (1 for single-frame files).</summary>
    public long Frames { get; private init; }
    /// <summary>SamplesPerPixel (1 grey, 3 colour).</summary>
    public long SamplesPerPixel { get; private init; }
    /// <summary>BitsAllocated (0028,0100).</summary>
    public int BitsAllocated { get; private init; }
    /// <summary>BitsStored (0028,0101).</summary>
    public int BitsStored { get; private init; }
    /// <summary>PixelRepresentation = 1: signed samples.</summary>
    public bool IsSigned { get; private init; }
    /// <summary>PlanarConfiguration as stored in the file (<see cref="Pixels"/> is always interleaved).</summary>
    public int PlanarConfiguration { get; private init; }
    /// <summary>Photometric interpretation of <see cref="Pixels"/> after decoding (e.g. MONOCHROME2, RGB, YBR_FULL).</summary>
    public string PhotometricInterpretation { get; private init; } = "";
    /// <summary>Transfer syntax UID of the file.</summary>
    public string TransferSyntaxUid { get; private init; } = "";
    /// <summary>Modality (0008,0060), e.g. "CT"; empty when absent.</summary>
    public string Modality { get; private init; } = "";
    /// <summary>SOPClassUID (0008,0016).</summary>
    public string SopClassUid { get; private init; } = "";
    /// <summary>SeriesInstanceUID (0020,000E), for grouping a series. Not an identifier, but never print it.</summary>
    public string SeriesInstanceUid { get; private init; } = "";
    /// <summary>ImagePositionPatient (0020,0032) [x, y, z] LPS mm (first frame for enhanced multi-frame), or null.</summary>
    public double[]? ImagePositionPatient { get; private init; }
    /// <summary>ImageOrientationPatient (0020,0037): row cosine [3] then column cosine [3], or null.</summary>
    public double[]? ImageOrientationPatient { get; private init; }
    /// <summary>PixelSpacing (0028,0030): [row spacing (between rows, mm), column spacing (between columns, mm)], or null.</summary>
    public double[]? PixelSpacing { get; private init; }
    /// <summary>SliceThickness (0018,0050) in mm (nominal; not the slice spacing).</summary>
    public double? SliceThickness { get; private init; }
    /// <summary>SpacingBetweenSlices (0018,0088) in mm.</summary>
    public double? SpacingBetweenSlices { get; private init; }
    /// <summary>RescaleSlope (0028,1053): real value = stored * slope + intercept.</summary>
    public double? RescaleSlope { get; private init; }
    /// <summary>RescaleIntercept (0028,1052).</summary>
    public double? RescaleIntercept { get; private init; }
    /// <summary>WindowCenter (0028,1050), first value, in rescaled units.</summary>
    public double? WindowCenter { get; private init; }
    /// <summary>WindowWidth (0028,1051), first value.</summary>
    public double? WindowWidth { get; private init; }
    /// <summary>What the native decoders (GDCM, OpenJPEG) reported while reading, ';'-separated ("" when silent).
    /// Captured instead of reaching the process's stderr.</summary>
    public string DecoderWarnings { get; private init; } = "";
    /// <summary>VOI LUT Function (0028,1056): "LINEAR", "LINEAR_EXACT", "SIGMOID"; empty when absent.</summary>
    public string VoiLutFunction { get; private init; } = "";
    /// <summary>First item of the VOI LUT Sequence (0028,3010): descriptor, LUT Data entries as stored, explanation;
    /// or null when the file has none.</summary>
    public (long FirstMapped, int BitsPerEntry, long[] Data, string Explanation)? VoiLut { get; private init; }
    /// <summary>DoseGridScaling (3004,000E) of RT dose files (Gy per stored unit).</summary>
    public double? DoseGridScaling { get; private init; }

    /// <summary>
    /// Reads and decodes <paramref name="path"/>. Throws <see cref="DicomReadException"/> (kind + reason, no tag
    /// values) when the file is not DICOM, is truncated, has no pixel data or cannot be decoded. The file's
    /// structure is checked in managed code first (<see cref="DicomStructure"/>): a truncated or corrupt file must
    /// never reach GDCM, whose assertions abort the process.
    /// </summary>
    public static DicomFile Read(string path) => Read(path, DicomLimits.Default);

    /// <summary><see cref="Read(string)"/> refusing images larger than <paramref name="limits"/> before decoding.</summary>
    public static unsafe DicomFile Read(string path, DicomLimits limits)
    {
        ArgumentNullException.ThrowIfNull(path);
        DicomStructure.ValidateFile(path, limits);
        Native.EnsureLoaded();
        if (Native.ml_dicom_info_size() != sizeof(DicomInfoNative))
            throw new InvalidOperationException("DicomInfoNative does not match the shim's ml_dicom_info: rebuild the shim");
        DicomInfoNative info;
        IntPtr positions = IntPtr.Zero;
        var pixels = Native.ml_dicom_read(path, &info, &positions);
        if (pixels == IntPtr.Zero)
        {
            var kind = info.Status is >= 1 and <= 4 ? (DicomErrorKind)info.Status : DicomErrorKind.Unreadable;
            try { Native.ThrowLastError(); }
            catch (TorchException e) { throw new DicomReadException(kind, e.Message, e) { Path = path }; }
            throw new DicomReadException(kind, "unreadable DICOM file") { Path = path };
        }
        var pix = Tensor.Wrap(pixels);
        var pos = positions == IntPtr.Zero ? null : Tensor.Wrap(positions);
        (long, int, long[], string)? voiLut = null;
        if (info.VoiLutData != IntPtr.Zero)
        {
            using var lut = Tensor.Wrap(info.VoiLutData);
            voiLut = (info.VoiLutFirst, info.VoiLutBits, lut.ToArray<long>(), Str(info.VoiLutExplanation, 64));
        }
        return new DicomFile
        {
            Pixels = pix,
            FramePositions = pos,
            FramePositionSource = pos is null ? DicomFramePositions.None : (DicomFramePositions)info.FramePositionsKind,
            Columns = info.Cols,
            Rows = info.Rows,
            Frames = info.Frames,
            SamplesPerPixel = info.Samples,
            BitsAllocated = info.BitsAllocated,
            BitsStored = info.BitsStored,
            IsSigned = info.PixelRepresentation == 1,
            PlanarConfiguration = info.PlanarConfiguration,
            PhotometricInterpretation = Str(info.Photometric, 32),
            TransferSyntaxUid = Str(info.TransferSyntax, 72),
            Modality = Str(info.Modality, 32),
            SopClassUid = Str(info.SopClassUid, 72),
            SeriesInstanceUid = Str(info.SeriesUid, 72),
            ImagePositionPatient = Vec(info.ImagePosition, 3),
            ImageOrientationPatient = Vec(info.ImageOrientation, 6),
            PixelSpacing = Vec(info.PixelSpacing, 2),
            SliceThickness = Opt(info.SliceThickness),
            SpacingBetweenSlices = Opt(info.SpacingBetweenSlices),
            RescaleSlope = Opt(info.RescaleSlope),
            RescaleIntercept = Opt(info.RescaleIntercept),
            WindowCenter = Opt(info.WindowCenter),
            WindowWidth = Opt(info.WindowWidth),
            DoseGridScaling = Opt(info.DoseGridScaling),
            DecoderWarnings = Str(info.Warnings, 256),
            VoiLutFunction = Str(info.VoiFunction, 16),
            VoiLut = voiLut,
        };
    }

    private static double? Opt(double v) => double.IsNaN(v) ? null : v;

    private static unsafe double[]? Vec(double* p, int n)
    {
        var v = new double[n];
        for (var i = 0; i < n; i++)
        {
            if (double.IsNaN(p[i])) return null;
            v[i] = p[i];
        }
        return v;
    }

    private static unsafe string Str(byte* p, int cap)
    {
        var span = new ReadOnlySpan<byte>(p, cap);
        var end = span.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? span : span[..end]);
    }
}
