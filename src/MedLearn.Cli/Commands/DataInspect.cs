using System.Globalization;
using MedLearn.Data.Datasets;
using MedLearn.Data.Readers;
using MedLearn.Torch;

namespace MedLearn.Cli.Commands;

/// <summary><c>medlearn data inspect</c>: opens a dataset the way training would and summarises its files.</summary>
internal static class DataInspect
{
    private static readonly string[] ImageExtensions = [.. FolderDataset.DefaultExtensions.Union(VolumeDataset.DefaultExtensions)];

    /// <summary>
    /// Opens <paramref name="path"/>: a manifest CSV (path,label[,mask]) or volume CSV (image,mask); a folder with
    /// imagesTr/+labelsTr/ (Decathlon), with labels.csv (manifest), with class sub-folders, or with images only.
    /// </summary>
    /// <exception cref="DatasetException">The dataset is invalid or not found.</exception>
    public static (ImageDataset Dataset, string Kind) Open(string path)
    {
        if (File.Exists(path))
        {
            var header = File.ReadLines(path).FirstOrDefault() ?? "";
            var columns = header.Split(',').Select(c => c.Trim().Trim('"').ToLowerInvariant()).ToHashSet();
            return columns.Contains("image") && !columns.Contains("path")
                ? (VolumeDataset.FromCsv(path), "segmentation (CSV)")
                : (ManifestDataset.Load(path), "manifest");
        }
        if (!Directory.Exists(path)) throw new DatasetException($"{Path.GetFullPath(path)}: not found");
        if (Directory.Exists(Path.Combine(path, "imagesTr"))) return (VolumeDataset.FromDecathlon(path), "segmentation (Decathlon imagesTr/labelsTr)");
        var labels = Path.Combine(path, "labels.csv");
        if (File.Exists(labels)) return (ManifestDataset.Load(labels), "manifest (labels.csv)");
        if (Directory.GetDirectories(path).Any(d => !Path.GetFileName(d).StartsWith('.'))) return (FolderDataset.Load(path), "class folders");
        var files = Directory.GetFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.') && HasExtension(f))
            .Order(StringComparer.Ordinal).Select(f => new DatasetItem(Path.GetFullPath(f))).ToList();
        if (files.Count == 0) throw new DatasetException($"{Path.GetFullPath(path)}: no images, class folders, labels.csv or imagesTr/");
        return (new ImageDataset(files, []), "unlabeled image folder");
    }

    private static bool HasExtension(string path) =>
        ImageExtensions.Any(e => Path.GetFileName(path).Length > e.Length && path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private sealed record Probe(string Size, long Channels, int Bits, string Spacing, string DType);

    public static int Run(string path, int maxFiles, TextWriter output)
    {
        ImageDataset dataset;
        string kind;
        try
        {
            (dataset, kind) = Open(path);
        }
        catch (DatasetException e)
        {
            Console.Error.WriteLine($"data inspect: {e.Message}");
            return ExitCodes.UsageOrData;
        }
        var items = maxFiles > 0 ? dataset.Items.Take(maxFiles).ToList() : [.. dataset.Items];
        var sizes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var channels = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var bits = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var spacings = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var dtypes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var maskSizes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var unreadable = new List<string>();
        static void Count(SortedDictionary<string, int> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;
        foreach (var item in items)
        {
            if (TryProbe(item.Path, out var p, out var error))
            {
                Count(sizes, p!.Size);
                Count(channels, p.Channels.ToString(CultureInfo.InvariantCulture));
                Count(bits, p.Bits.ToString(CultureInfo.InvariantCulture));
                Count(spacings, p.Spacing);
                Count(dtypes, p.DType);
            }
            else unreadable.Add($"{item.Path}: {error}");
            if (item.MaskPath is { } mask)
            {
                if (TryProbe(mask, out var m, out var maskError))
                {
                    Count(maskSizes, m!.Size);
                    if (p is not null && m.Size != p.Size) unreadable.Add($"{mask}: mask size {m.Size} differs from image size {p.Size}");
                }
                else unreadable.Add($"{mask} (mask): {maskError}");
            }
        }

        output.WriteLine($"dataset: {Path.GetFullPath(path)}");
        output.WriteLine($"layout: {kind}");
        var withMasks = dataset.Items.Count(i => i.MaskPath is not null);
        var unlabeled = dataset.Items.Count(i => i.Label < 0 || !i.Labeled);
        output.WriteLine($"items: {dataset.Count} (with masks {withMasks}, unlabeled {unlabeled}){(items.Count < dataset.Count ? $"; read the first {items.Count}" : "")}");
        if (dataset.Classes.Count > 0)
        {
            output.WriteLine($"classes: {dataset.Classes.Count}");
            for (var c = 0; c < dataset.Classes.Count; c++)
                output.WriteLine($"  {dataset.Classes[c],-16} {dataset.Items.Count(i => i.Label == c)}");
        }
        void Table(string name, SortedDictionary<string, int> d)
        {
            if (d.Count == 0) return;
            output.WriteLine($"{name}: " + string.Join(", ", d.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} ({kv.Value})")));
        }
        Table("sizes", sizes);
        Table("channels", channels);
        Table("bit depth", bits);
        Table("dtype", dtypes);
        Table("spacing", spacings);
        Table("mask sizes", maskSizes);
        output.WriteLine($"unreadable: {unreadable.Count}");
        foreach (var u in unreadable) output.WriteLine($"  {u}");
        return unreadable.Count == 0 ? 0 : 1;
    }

    private static bool TryProbe(string path, out Probe? probe, out string error)
    {
        probe = null;
        error = "";
        using var scope = DisposeScope.Open();
        try
        {
            using var image = ImageReader.Read(path);
            probe = new Probe(string.Join("x", image.SpatialShape), image.Channels, image.Meta.BitsStored,
                string.Join("x", image.Meta.Spacing.Select(s => s.ToString("0.###", CultureInfo.InvariantCulture))), image.Data.DType.ToString());
            return true;
        }
        catch (Exception e) when (e is ImageReadException or IOException or UnauthorizedAccessException or TorchException or InvalidDataException)
        {
            error = e.Message;
            return false;
        }
    }
}
