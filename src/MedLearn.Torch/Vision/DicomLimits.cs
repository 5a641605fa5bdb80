namespace MedLearn.Torch.Vision;

/// <summary>
/// Largest DICOM image the reader decodes, checked from the header before anything is allocated
/// (<see cref="DicomStructure"/>) and while a deflated dataset is inflated.
/// </summary>
/// <param name="MaxPixels">Rows x columns x frames.</param>
/// <param name="MaxDecodedBytes">Bytes of the decoded tensor (and of an inflated dataset).</param>
public readonly record struct DicomLimits(long MaxPixels, long MaxDecodedBytes)
{
    /// <summary>2^30 pixels and 2^31 bytes (8 GiB-class machines): any real mammogram, tomosynthesis stack or CT.</summary>
    public static DicomLimits Default { get; } = new(1L << 30, 1L << 31);
}
