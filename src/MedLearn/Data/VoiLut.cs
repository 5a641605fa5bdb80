namespace MedLearn.Data;

/// <summary>
/// A DICOM VOI LUT (first item of the VOI LUT Sequence (0028,3010), PS3.3 C.11.2.1.1): input value
/// <c>FirstMapped + i</c> maps to <c>Data[i]</c>; inputs below <see cref="FirstMapped"/> map to <c>Data[0]</c>,
/// inputs above the last mapped value to the last entry. Entries range over [0, 2^<see cref="BitsPerEntry"/> − 1].
/// </summary>
/// <param name="FirstMapped">LUT Descriptor (0028,3002) second value (signed when PixelRepresentation = 1).</param>
/// <param name="BitsPerEntry">LUT Descriptor third value (8 to 16).</param>
/// <param name="Data">LUT Data (0028,3006), one entry per input value (descriptor first value; 0 means 65536).</param>
/// <param name="Explanation">LUT Explanation (0028,3003), "" when absent.</param>
public sealed record VoiLut(long FirstMapped, int BitsPerEntry, long[] Data, string Explanation);
