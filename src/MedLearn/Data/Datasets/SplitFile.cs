using System.Text;

namespace MedLearn.Data.Datasets;

/// <summary>
/// Split files: CSV with header <c>path,split,label</c>, one row per dataset item in dataset order. Paths under
/// the split file's folder are written relative to it (with '/'), others absolute; <c>label</c> is the class
/// name (the index when the dataset has no class names, empty when the item has no label). Reading a split
/// file back against the same dataset reproduces the identical split.
/// </summary>
public static class SplitFile
{
    /// <summary>Writes <paramref name="split"/> (all three parts) to <paramref name="csvPath"/>, creating the folder.</summary>
    public static void Write(string csvPath, DatasetSplit split)
    {
        var full = Path.GetFullPath(csvPath);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var sb = new StringBuilder("path,split,label\n");
        foreach (var name in DatasetSplit.Names)
            foreach (var item in split[name].Items)
                sb.Append(CsvTable.Escape(Relative(item.Path, dir))).Append(',').Append(name).Append(',')
                  .Append(CsvTable.Escape(LabelText(split[name], item))).Append('\n');
        AtomicText.Write(full, sb.ToString());
    }

    /// <summary>
    /// Re-reads a split file and applies it to <paramref name="dataset"/>.
    /// </summary>
    /// <exception cref="DatasetException">
    /// The file is unreadable or malformed, or it does not match the dataset: a row names a path the dataset does
    /// not have, a path appears twice, a row's label differs from the dataset's, a split name is unknown, or a
    /// dataset item has no row. All problems are reported together, each naming its row (header = row 1).
    /// </exception>
    public static DatasetSplit Read(string csvPath, ImageDataset dataset)
    {
        var full = Path.GetFullPath(csvPath);
        string text;
        try { text = File.ReadAllText(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{full}: cannot read the split file: {e.Message}", e);
        }
        var dir = Path.GetDirectoryName(full)!;
        var rows = CsvTable.Parse(new StringReader(text), full);
        if (rows.Count == 0) throw new DatasetException($"{full} row 1: header required (path,split,label)");
        var header = CsvTable.Header(rows[0], full);
        if (!header.TryGetValue("path", out var pathCol) || !header.TryGetValue("split", out var splitCol) || !header.TryGetValue("label", out var labelCol))
            throw new DatasetException($"{full} row 1: header required with columns path,split,label");
        var byPath = dataset.Items.Select((item, i) => (item.Path, i)).ToDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);
        var assignment = new string?[dataset.Count];
        var rowOf = new int[dataset.Count];
        var problems = new List<string>();
        foreach (var row in rows.Skip(1))
        {
            var n = row.Number;
            if (row.Fields.Length != rows[0].Fields.Length) { problems.Add($"row {n}: expected {rows[0].Fields.Length} fields, found {row.Fields.Length}"); continue; }
            var raw = row.Fields[pathCol].Trim();
            var split = row.Fields[splitCol].Trim().ToLowerInvariant();
            var path = ManifestDataset.Resolve(raw, dir, out var err);
            if (path is null) { problems.Add($"row {n}: invalid path '{raw}': {err}"); continue; }
            if (!byPath.TryGetValue(path, out var i)) { problems.Add($"row {n}: '{raw}' is not in the dataset"); continue; }
            if (assignment[i] is not null) { problems.Add($"row {n}: duplicate path '{raw}' (first at row {rowOf[i]})"); continue; }
            if (!DatasetSplit.Names.Contains(split)) { problems.Add($"row {n}: unknown split '{split}' (train/val/test)"); continue; }
            var expected = LabelText(dataset, dataset.Items[i]);
            var label = row.Fields[labelCol].Trim();
            if (label != expected) { problems.Add($"row {n}: label '{label}' of '{raw}' differs from the dataset's '{expected}'"); continue; }
            assignment[i] = split;
            rowOf[i] = n;
        }
        var missing = Enumerable.Range(0, dataset.Count).Where(i => assignment[i] is null && !problems.Any()).ToList();
        problems.AddRange(missing.Take(20).Select(i => $"dataset item '{dataset.Items[i].Path}' has no row"));
        if (missing.Count > 20) problems.Add($"{missing.Count - 20} more dataset items have no row");
        if (problems.Count > 0) throw new DatasetException($"{full} does not match the dataset", problems);
        return DatasetSplitter.FromAssignment(dataset, assignment!);
    }

    private static string LabelText(ImageDataset dataset, DatasetItem item) =>
        item.Label < 0 ? "" : dataset.Classes.Count > 0 ? dataset.Classes[item.Label] : item.Label.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Relative(string path, string dir)
    {
        var rel = Path.GetRelativePath(dir, path);
        return rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel) ? path : rel.Replace('\\', '/');
    }
}
