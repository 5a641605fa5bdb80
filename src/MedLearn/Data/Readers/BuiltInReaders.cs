namespace MedLearn.Data.Readers;

/// <summary>The readers MedLearn ships, in the order they are tried. Each format adds itself here.</summary>
internal static class BuiltInReaders
{
    public static IEnumerable<IImageReader> Create()
    {
        yield return new NiftiReader();
        yield return new RasterImageReader();
    }
}
