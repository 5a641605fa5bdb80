using MedLearn.Data.Readers;

namespace MedLearn.Data.Datasets;

/// <summary>One image given to <c>predict</c> or <c>explain</c>, with its true class when the input says it.</summary>
/// <param name="Path">Absolute path of the image file (or DICOM series folder).</param>
/// <param name="TrueLabel">Class name from the class folder or the manifest, or null.</param>
public sealed record InputImage(string Path, string? TrueLabel);

/// <summary>
/// Turns the inputs of <c>medlearn predict</c> and <c>explain</c> into images. Each argument is:
/// <list type="bullet">
/// <item>a CSV manifest (path[,label...]): its rows, with their labels;</item>
/// <item>a folder that is a DICOM series (no sub-folders, its first file is DICOM by content): one image;</item>
/// <item>any other folder: by <see cref="DatasetLayout.Open"/> — class folders (true label = folder name), a folder
/// with labels.csv, or the image files in it;</item>
/// <item>a pattern with <c>*</c> or <c>?</c> in its last part (quoted, so the shell does not expand it): the matching
/// files of that folder, in ordinal order;</item>
/// <item>any other path: one image file.</item>
/// </list>
/// Order is kept; an image named twice is kept once.
/// </summary>
public static class ImageInputs
{
    /// <summary>Resolves <paramref name="arguments"/>.</summary>
    /// <exception cref="DatasetException">A path does not exist, a pattern matches nothing, or a manifest or folder is invalid.</exception>
    public static IReadOnlyList<InputImage> Resolve(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var result = new List<InputImage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string path, string? label)
        {
            var full = System.IO.Path.GetFullPath(path);
            if (seen.Add(full)) result.Add(new InputImage(full, label));
        }
        foreach (var arg in arguments)
        {
            if (File.Exists(arg) && arg.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                foreach (var item in ManifestDataset.Load(arg).Items) Add(item.Path, item.ClassName);
            else if (Directory.Exists(arg))
            {
                if (IsDicomSeries(arg)) { Add(arg, null); continue; }
                var (dataset, _) = DatasetLayout.Open(arg);
                foreach (var item in dataset.Items) Add(item.Path, item.Label >= 0 && dataset.Classes.Count > 0 ? dataset.Classes[item.Label] : null);
            }
            else if (System.IO.Path.GetFileName(arg).IndexOfAny(['*', '?']) >= 0)
            {
                var folder = System.IO.Path.GetDirectoryName(arg) is { Length: > 0 } d ? d : ".";
                var matches = Directory.Exists(folder)
                    ? Directory.GetFiles(folder, System.IO.Path.GetFileName(arg)).Where(f => !System.IO.Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList()
                    : [];
                if (matches.Count == 0) throw new DatasetException($"{arg}: no file matches the pattern");
                foreach (var m in matches) Add(m, null);
            }
            else if (File.Exists(arg)) Add(arg, null);
            else throw new DatasetException($"{System.IO.Path.GetFullPath(arg)}: not found");
        }
        return result;
    }

    /// <summary>
    /// True when <paramref name="folder"/> holds a DICOM series: no (non-hidden) sub-folder and its first file in ordinal
    /// order is DICOM by content ("DICM" at byte 128). A folder of PNGs is not, whatever its name.
    /// </summary>
    public static bool IsDicomSeries(string folder)
    {
        if (Directory.GetDirectories(folder).Any(d => !System.IO.Path.GetFileName(d).StartsWith('.'))) return false;
        var first = Directory.GetFiles(folder).Where(f => !System.IO.Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).FirstOrDefault();
        if (first is null) return false;
        Span<byte> header = stackalloc byte[132];
        try
        {
            using var stream = File.OpenRead(first);
            return DicomReader.HasMagic(header[..stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false)]);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
