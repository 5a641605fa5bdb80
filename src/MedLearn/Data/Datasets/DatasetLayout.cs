namespace MedLearn.Data.Datasets;

/// <summary>
/// The one rule that decides what kind of dataset a path is, shared by training, evaluation, prediction and
/// <c>medlearn data inspect</c>:
/// <list type="number">
/// <item>a file: a segmentation CSV when its header has <c>image</c> and no <c>path</c> column, else a manifest;</item>
/// <item>a folder with <c>imagesTr/</c>: a Decathlon segmentation dataset;</item>
/// <item>a folder with <see cref="ManifestFileName"/> at its root (what <c>medlearn data synth</c> writes): that manifest;</item>
/// <item>a folder with (non-hidden) sub-folders: class folders <c>root/&lt;class&gt;/&lt;image&gt;</c>;</item>
/// <item>a folder with image files only: an unlabeled image folder.</item>
/// </list>
/// </summary>
public static class DatasetLayout
{
    /// <summary>The manifest a dataset folder may hold at its root.</summary>
    public const string ManifestFileName = "labels.csv";

    /// <summary>Image file extensions of 2D and 3D datasets (case-insensitive).</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [.. FolderDataset.DefaultExtensions.Union(VolumeDataset.DefaultExtensions)];

    /// <summary>Opens <paramref name="path"/> by the rule above.</summary>
    /// <param name="path">A CSV file or a folder.</param>
    /// <param name="manifest">Options for a manifest (CSV or labels.csv).</param>
    /// <exception cref="DatasetException">Not found, or the dataset is invalid (the message names the file).</exception>
    public static (ImageDataset Dataset, DatasetKind Kind) Open(string path, ManifestOptions? manifest = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            string header;
            try { header = File.ReadLines(path).FirstOrDefault() ?? ""; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DatasetException($"{Path.GetFullPath(path)}: cannot read: {e.Message}", e);
            }
            var columns = header.Split(',').Select(c => c.Trim().Trim('"').ToLowerInvariant()).ToHashSet();
            return columns.Contains("image") && !columns.Contains("path")
                ? (VolumeDataset.FromCsv(path), DatasetKind.SegmentationCsv)
                : (ManifestDataset.Load(path, manifest), DatasetKind.Manifest);
        }
        if (!Directory.Exists(path)) throw new DatasetException($"{Path.GetFullPath(path)}: not found");
        if (Directory.Exists(Path.Combine(path, "imagesTr"))) return (VolumeDataset.FromDecathlon(path), DatasetKind.Decathlon);
        var labels = Path.Combine(path, ManifestFileName);
        if (File.Exists(labels)) return (ManifestDataset.Load(labels, manifest), DatasetKind.FolderManifest);
        if (Directory.GetDirectories(path).Any(d => !Path.GetFileName(d).StartsWith('.'))) return (FolderDataset.Load(path), DatasetKind.ClassFolders);
        var files = ImageFiles(path);
        if (files.Count == 0) throw new DatasetException($"{Path.GetFullPath(path)}: no images, class folders, {ManifestFileName} or imagesTr/");
        return (new ImageDataset([.. files.Select(f => new DatasetItem(f))], []), DatasetKind.UnlabeledFolder);
    }

    /// <summary>The image files directly in <paramref name="folder"/> (not hidden, known extension), absolute, in ordinal order.</summary>
    public static IReadOnlyList<string> ImageFiles(string folder) =>
        [.. Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.') && FolderDataset.HasExtension(f, ImageExtensions))
            .Select(Path.GetFullPath).Order(StringComparer.Ordinal)];

    /// <summary>How <paramref name="kind"/> is described to users.</summary>
    public static string Describe(DatasetKind kind) => kind switch
    {
        DatasetKind.Manifest => "manifest",
        DatasetKind.FolderManifest => $"manifest ({ManifestFileName})",
        DatasetKind.SegmentationCsv => "segmentation (CSV)",
        DatasetKind.Decathlon => "segmentation (Decathlon imagesTr/labelsTr)",
        DatasetKind.ClassFolders => "class folders",
        _ => "unlabeled image folder",
    };
}

/// <summary>The layouts <see cref="DatasetLayout.Open"/> recognises.</summary>
public enum DatasetKind
{
    /// <summary>A CSV manifest file (path,label[,split][,labeled][,mask]).</summary>
    Manifest,
    /// <summary>A folder with labels.csv at its root.</summary>
    FolderManifest,
    /// <summary>A segmentation CSV (image,mask).</summary>
    SegmentationCsv,
    /// <summary>A Decathlon folder (imagesTr/ + labelsTr/).</summary>
    Decathlon,
    /// <summary>Class folders root/&lt;class&gt;/&lt;image&gt;.</summary>
    ClassFolders,
    /// <summary>Image files without labels.</summary>
    UnlabeledFolder,
}
