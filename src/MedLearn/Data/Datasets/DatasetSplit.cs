namespace MedLearn.Data.Datasets;

/// <summary>Train/validation/test partition of a dataset; each part keeps the source's class list and item order.</summary>
public sealed record DatasetSplit(ImageDataset Train, ImageDataset Val, ImageDataset Test)
{
    /// <summary>The split names used in split files and manifests.</summary>
    public static readonly IReadOnlyList<string> Names = ["train", "val", "test"];

    /// <summary>The part called <paramref name="name"/> ("train", "val" or "test").</summary>
    public ImageDataset this[string name] => name switch
    {
        "train" => Train,
        "val" => Val,
        "test" => Test,
        _ => throw new ArgumentException($"unknown split '{name}' (train/val/test)", nameof(name)),
    };
}
