namespace MedLearn.Data.Datasets;

/// <summary>
/// A segmentation dataset of image + label-map pairs (volumes or 2-D images). Items have label 0 when they
/// have a mask and -1 when not (unlabeled); <see cref="ImageDataset.Classes"/> is empty. The mask must have
/// one channel and the image's spatial shape: this is checked when a sample is loaded
/// (<see cref="ImageDataset.LoadSample"/> throws a <see cref="DatasetException"/> naming both files), since
/// shapes are only known after decoding.
/// </summary>
public sealed class VolumeDataset : ImageDataset
{
    /// <summary>Extensions recognised in Decathlon folders by default.</summary>
    public static readonly IReadOnlyList<string> DefaultExtensions = [".nii.gz", ".nii", ".nrrd", ".mha", ".npy", ".png", ".tif", ".tiff"];

    private VolumeDataset(IReadOnlyList<DatasetItem> items) : base(items, []) { }

    /// <summary>
    /// Medical Segmentation Decathlon layout: <c>root/imagesTr/X</c> paired with <c>root/labelsTr/X</c> by
    /// file name (sorted ordinally). Hidden files (e.g. macOS "._X") are ignored.
    /// </summary>
    /// <exception cref="DatasetException">A folder is missing or empty, or an image has no label file or a label has no image (all listed).</exception>
    public static VolumeDataset FromDecathlon(string root, string imagesFolder = "imagesTr", string labelsFolder = "labelsTr", IEnumerable<string>? extensions = null)
    {
        var full = Path.GetFullPath(root);
        var exts = (extensions ?? DefaultExtensions).ToArray();
        var imagesDir = Path.Combine(full, imagesFolder);
        var labelsDir = Path.Combine(full, labelsFolder);
        foreach (var d in new[] { imagesDir, labelsDir })
            if (!Directory.Exists(d)) throw new DatasetException($"{d}: folder not found (expected {imagesFolder}/ and {labelsFolder}/ under {full})");
        static Dictionary<string, string> Files(string dir, string[] exts) => Directory.GetFiles(dir)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && FolderDataset.HasExtension(f, exts))
            .ToDictionary(f => Path.GetFileName(f), f => f, StringComparer.Ordinal);
        var images = Files(imagesDir, exts);
        var labels = Files(labelsDir, exts);
        if (images.Count == 0) throw new DatasetException($"{imagesDir}: no images with extension {string.Join("/", exts)}");
        var problems = new List<string>();
        problems.AddRange(images.Keys.Where(k => !labels.ContainsKey(k)).Order(StringComparer.Ordinal)
            .Select(k => $"image '{k}' has no label map in {labelsFolder}/"));
        problems.AddRange(labels.Keys.Where(k => !images.ContainsKey(k)).Order(StringComparer.Ordinal)
            .Select(k => $"label map '{k}' has no image in {imagesFolder}/"));
        if (problems.Count > 0) throw new DatasetException(full, problems);
        return new VolumeDataset([.. images.Keys.Order(StringComparer.Ordinal).Select(k => new DatasetItem(images[k], 0, null, labels[k]))]);
    }

    /// <summary>
    /// A CSV with a header and columns <c>image,mask</c> (relative paths against the CSV's folder; an empty mask
    /// = unlabeled item). Rows are numbered from 1 = header; all problems are reported together.
    /// </summary>
    /// <exception cref="DatasetException">Missing columns, empty/duplicate/missing image paths, missing mask files.</exception>
    public static VolumeDataset FromCsv(string csvPath, bool checkFiles = true)
    {
        var full = Path.GetFullPath(csvPath);
        string text;
        try { text = File.ReadAllText(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{full}: cannot read: {e.Message}", e);
        }
        var baseDir = Path.GetDirectoryName(full)!;
        var rows = CsvTable.Parse(new StringReader(text), full);
        if (rows.Count == 0) throw new DatasetException($"{full} row 1: header required (columns image,mask)");
        var header = CsvTable.Header(rows[0], full);
        if (!header.TryGetValue("image", out var imageCol) || !header.TryGetValue("mask", out var maskCol))
            throw new DatasetException($"{full} row 1: header required with columns image and mask, found '{string.Join(",", rows[0].Fields)}'");
        var problems = new List<string>();
        var items = new List<DatasetItem>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows.Skip(1))
        {
            var n = row.Number;
            if (row.Fields.Length != rows[0].Fields.Length) { problems.Add($"row {n}: expected {rows[0].Fields.Length} fields, found {row.Fields.Length}"); continue; }
            var rawImage = row.Fields[imageCol].Trim();
            var rawMask = row.Fields[maskCol].Trim();
            if (rawImage.Length == 0) { problems.Add($"row {n}: empty image path"); continue; }
            var image = ManifestDataset.Resolve(rawImage, baseDir, out var err);
            if (image is null) { problems.Add($"row {n}: invalid image path '{rawImage}': {err}"); continue; }
            if (!seen.TryAdd(image, n)) { problems.Add($"row {n}: duplicate image '{rawImage}' (first at row {seen[image]})"); continue; }
            if (checkFiles && !File.Exists(image) && !Directory.Exists(image)) problems.Add($"row {n}: file not found: {image}");
            string? mask = null;
            if (rawMask.Length > 0)
            {
                mask = ManifestDataset.Resolve(rawMask, baseDir, out var merr);
                if (mask is null) { problems.Add($"row {n}: invalid mask path '{rawMask}': {merr}"); continue; }
                if (checkFiles && !File.Exists(mask) && !Directory.Exists(mask)) problems.Add($"row {n}: mask file not found: {mask}");
            }
            items.Add(new DatasetItem(image, mask is null ? -1 : 0, null, mask, Labeled: mask is not null));
        }
        if (problems.Count > 0) throw new DatasetException(full, problems);
        if (items.Count == 0) throw new DatasetException($"{full}: no data rows");
        return new VolumeDataset(items);
    }
}
