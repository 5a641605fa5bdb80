namespace MedLearn.Data.Datasets;

/// <summary>
/// A classification dataset laid out as <c>root/&lt;class&gt;/&lt;file&gt;</c> (torchvision's ImageFolder):
/// class names are the sub-folder names sorted ordinally (label i = i-th name), files are those whose
/// extension is in <see cref="DefaultExtensions"/> (or the given list), sorted ordinally within each class;
/// items are ordered by class, then file. Hidden entries (name starting with '.') are ignored; files directly
/// under the root are ignored.
/// </summary>
public sealed class FolderDataset : ImageDataset
{
    /// <summary>Extensions accepted by default (case-insensitive).</summary>
    public static readonly IReadOnlyList<string> DefaultExtensions =
        [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".dcm", ".nii", ".nii.gz", ".nrrd", ".mha"];

    private FolderDataset(string root, IReadOnlyList<DatasetItem> items, IReadOnlyList<string> classes)
        : base(items, classes) => Root = root;

    /// <summary>The root folder (absolute).</summary>
    public string Root { get; }

    /// <summary>
    /// True when the root holds a single class folder. Allowed (e.g. an unlabeled pool or a one-class
    /// anomaly set) but flagged, since a classifier cannot learn from one class.
    /// </summary>
    public bool IsSingleClass => Classes.Count == 1;

    /// <summary>Scans <paramref name="root"/>.</summary>
    /// <param name="root">Folder whose sub-folders are the classes.</param>
    /// <param name="extensions">Accepted extensions with the dot (".png"; multi-part ".nii.gz" allowed), case-insensitive; null = <see cref="DefaultExtensions"/>.</param>
    /// <exception cref="DatasetException">The root does not exist, has no class folders, or a class folder has no image (the message names every such folder).</exception>
    public static FolderDataset Load(string root, IEnumerable<string>? extensions = null)
    {
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new DatasetException($"{full}: dataset folder not found");
        var exts = (extensions ?? DefaultExtensions).ToArray();
        var classes = ImageDataset.SortClassesOrdinal(
            Directory.GetDirectories(full).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')));
        if (classes.Count == 0) throw new DatasetException($"{full}: no class folders (expected root/<class>/<image>)");
        var items = new List<DatasetItem>();
        var problems = new List<string>();
        for (var label = 0; label < classes.Count; label++)
        {
            var dir = Path.Combine(full, classes[label]);
            var files = Directory.GetFiles(dir)
                .Where(f => !Path.GetFileName(f).StartsWith('.') && HasExtension(f, exts))
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                problems.Add($"class folder '{classes[label]}' ({dir}) contains no image with extension {string.Join("/", exts)}");
            items.AddRange(files.Select(f => new DatasetItem(f, label, classes[label])));
        }
        if (problems.Count > 0) throw new DatasetException(full, problems);
        return new FolderDataset(full, items, classes);
    }

    internal static bool HasExtension(string path, IReadOnlyList<string> extensions)
    {
        var name = Path.GetFileName(path);
        foreach (var e in extensions)
            if (name.Length > e.Length && name.EndsWith(e, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
