namespace MedLearn.Data.Readers;

/// <summary>One image format. Readers are registered with <see cref="ImageReader"/>.</summary>
public interface IImageReader
{
    /// <summary>Short name shown in errors and <c>medlearn data inspect</c>, e.g. "png/jpeg/bmp/tiff (OpenCV)".</summary>
    string Name { get; }

    /// <summary>
    /// True when this reader handles <paramref name="path"/>: decided from the first bytes of the file
    /// (<paramref name="header"/>, up to 512 bytes; for a directory it is empty) and, only where content cannot
    /// tell, from the extension.
    /// </summary>
    bool CanRead(string path, ReadOnlySpan<byte> header);

    /// <summary>
    /// True when the CONTENT alone (magic bytes) is this reader's format. <see cref="ImageReader"/> asks every reader
    /// this first and falls back to <see cref="CanRead"/> (extensions) only when no reader recognises the content,
    /// so a PNG named <c>.dcm</c> goes to the PNG reader. Default: false (extension-only readers).
    /// </summary>
    bool CanReadContent(ReadOnlySpan<byte> header) => false;

    /// <summary>Reads the image; throws <see cref="ImageReadException"/> naming the file and the problem.</summary>
    MedicalImage Read(string path);

    /// <summary>
    /// Reads the image with <paramref name="options"/> (limits, display conventions). Default: <see cref="Read(string)"/>
    /// (readers written before the options existed ignore them).
    /// </summary>
    MedicalImage Read(string path, ImageReadOptions options) => Read(path);
}
