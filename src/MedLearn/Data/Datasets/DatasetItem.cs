namespace MedLearn.Data.Datasets;

/// <summary>
/// One entry of a dataset: where the image (and optional mask / label map) is, its class and its role.
/// </summary>
/// <param name="Path">Absolute path of the image file (or DICOM series folder).</param>
/// <param name="Label">
/// Class index into the dataset's <see cref="ImageDataset.Classes"/>, or -1 when the item has no class. For
/// segmentation datasets (<see cref="VolumeDataset"/>) it is 0 for every item with a mask and -1 otherwise.
/// </param>
/// <param name="ClassName">Name of the class (null when <paramref name="Label"/> is -1 or classes are unnamed).</param>
/// <param name="MaskPath">Absolute path of the mask / label map aligned with the image, or null.</param>
/// <param name="Labeled">
/// True when the label may be used for supervision. A semi-supervised partition keeps the true
/// <paramref name="Label"/> (for evaluation and stratification) but clears this flag; the loaded
/// <see cref="Sample.Label"/> is then -1.
/// </param>
/// <param name="Split">"train", "val" or "test" when the item belongs to a split, else null.</param>
public sealed record DatasetItem(
    string Path,
    int Label = -1,
    string? ClassName = null,
    string? MaskPath = null,
    bool Labeled = true,
    string? Split = null)
{
    /// <summary>The label a loaded sample carries: <see cref="Label"/> when <see cref="Labeled"/>, else -1.</summary>
    public int SupervisedLabel => Labeled ? Label : -1;
}
