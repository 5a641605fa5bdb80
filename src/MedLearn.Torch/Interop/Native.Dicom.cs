using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

/// <summary>Mirror of the shim's <c>ml_dicom_info</c> (native/src/dicom.cpp); missing numeric tags are NaN.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DicomInfoNative
{
    public long Cols;
    public long Rows;
    public long Frames;
    public long Samples;
    public int BitsAllocated;
    public int BitsStored;
    public int PixelRepresentation;
    public int PlanarConfiguration;
    public int Status;
    public int FramePositionsKind;
    public fixed double ImagePosition[3];
    public fixed double ImageOrientation[6];
    public fixed double PixelSpacing[2];
    public double SliceThickness;
    public double SpacingBetweenSlices;
    public double RescaleSlope;
    public double RescaleIntercept;
    public double WindowCenter;
    public double WindowWidth;
    public double DoseGridScaling;
    public fixed byte Modality[32];
    public fixed byte Photometric[32];
    public fixed byte SopClassUid[72];
    public fixed byte SeriesUid[72];
    public fixed byte TransferSyntax[72];
    public fixed byte Warnings[256];
    public fixed byte VoiFunction[16];
    public fixed byte VoiLutExplanation[64];
    public long VoiLutFirst;
    public int VoiLutBits;
    public int VoiLutReserved;
    public IntPtr VoiLutData;
}

internal static partial class Native
{
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial IntPtr ml_dicom_read(string path, DicomInfoNative* info, IntPtr* positions);

    [LibraryImport(Lib)] internal static partial long ml_dicom_info_size();
}
