using System.Globalization;
using MedLearn.Data.Datasets;
using MedLearn.Data.Readers;
using MedLearn.Torch;

namespace MedLearn.Cli.Commands;

/// <summary><c>medlearn data inspect</c>: opens a dataset the way training would and summarises its files.</summary>
internal static class DataInspect
{
    /// <summary>Opens <paramref name="path"/> by the rule training uses (<see cref="DatasetLayout.Open"/>).</summary>
    /// <exception cref="DatasetException">The dataset is invalid or not found.</exception>
    public static (ImageDataset Dataset, string Kind) Open(string path)
    {
        var (dataset, kind) = DatasetLayout.Open(path);
        return (dataset, DatasetLayout.Describe(kind));
    }

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
