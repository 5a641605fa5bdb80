namespace MedLearn.Data.Readers;

/// <summary>
/// A reader that can decode part of a 2-D image: first the header (size), then only a box, optionally at reduced
/// resolution. Used by datasets whose transform plans its crop before decoding
/// (<see cref="Transforms.ICropAwareTransform"/>).
/// </summary>
public interface IRegionImageReader : IImageReader
{
    /// <summary>
    /// Opens <paramref name="path"/> for region decoding, or returns null when this file cannot be region-decoded
    /// (then use <see cref="IImageReader.Read(string)"/>).
    /// </summary>
    /// <exception cref="ImageReadException">The file cannot be read or its header is corrupt.</exception>
    IRegionSource? OpenRegion(string path);
}

/// <summary>An opened image whose size is known and any box of which can be decoded.</summary>
public interface IRegionSource
{
    /// <summary>Full-resolution rows.</summary>
    long Height { get; }

    /// <summary>Full-resolution columns.</summary>
    long Width { get; }

    /// <summary>
    /// Decodes the full-resolution box (<paramref name="top"/>, <paramref name="left"/>, <paramref name="height"/>,
    /// <paramref name="width"/>) at 1/<paramref name="reduce"/> (1 = exact pixels of the full decode's box). Returns
    /// the region as <c>[C, h, w]</c> with the FULL image's meta (spacing, affine, bits), and the reduction actually
    /// used (a source may support fewer reductions than asked; it never uses more).
    /// </summary>
    /// <exception cref="ImageReadException">Truncated or corrupt data.</exception>
    (MedicalImage Region, int Reduce) ReadRegion(long top, long left, long height, long width, int reduce);
}
