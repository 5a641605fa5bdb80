namespace MedLearn.Data.Readers;

/// <summary>The readers MedLearn ships, in the order they are tried. Each format adds itself here.</summary>
internal static class BuiltInReaders
{
    public static IEnumerable<IImageReader> Create()
    {
// Content checks first (DICOM "DICM" at 128, NIfTI magic, image magic); folders (DICOM series) last.
        yield return new DicomReader();
        yield return new NiftiReader();
        yield return new RasterImageReader();
        yield return new DicomSeriesReader();
    }
}
