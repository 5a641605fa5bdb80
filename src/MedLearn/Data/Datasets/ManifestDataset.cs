namespace MedLearn.Data.Datasets;

/// <summary>
/// A dataset described by a CSV manifest with a required header and the columns <c>path,label</c> and
/// optionally <c>split</c>, <c>labeled</c>, <c>mask</c> (any order, names case-insensitive, other columns ignored).
/// </summary>
/// <remarks>
/// Row rules (rows are numbered from 1 = the header; blank lines are skipped but counted):
/// <list type="bullet">
/// <item><c>path</c>: required; relative paths are resolved against the CSV file's folder; the file must exist
/// (unless <see cref="ManifestOptions.CheckFiles"/> is off); a path may appear only once.</item>
/// <item><c>label</c>: a class name, or empty for an unlabeled row. With <see cref="ManifestOptions.Classes"/>
/// the name must be in that list (label = its position); otherwise classes are the distinct names sorted
/// (numerically when all are non-negative integers, else ordinally).</item>
/// <item><c>labeled</c>: true/false/1/0/yes/no (case-insensitive); empty = "labeled when the label is
/// non-empty"; true with an empty label is an error. With <see cref="ManifestOptions.RequireLabels"/> an empty
/// label is an error. A row with a label and labeled=false keeps the label for
/// stratification/evaluation but loads as unlabeled (-1).</item>
/// <item><c>split</c>: train/val/test or empty.</item>
/// <item><c>mask</c>: optional mask path, resolved and checked like <c>path</c>.</item>
/// </list>
/// Every row is checked and all problems are reported together in one <see cref="DatasetException"/>, each
/// naming its row. Malformed CSV (unterminated quote, wrong field count) is reported the same way.
/// </remarks>
public sealed class ManifestDataset : ImageDataset
{
    private ManifestDataset(string source, IReadOnlyList<DatasetItem> items, IReadOnlyList<string> classes, bool hasLabeledColumn, bool hasSplitColumn)
        : base(items, classes)
    {
        Source = source;
        HasLabeledColumn = hasLabeledColumn;
        HasSplitColumn = hasSplitColumn;
    }

    /// <summary>The manifest has a <c>labeled</c> column: it fixes which rows are labeled (semi-supervised protocols).</summary>
    public bool HasLabeledColumn { get; }

    /// <summary>The manifest has a <c>split</c> column.</summary>
    public bool HasSplitColumn { get; }

    /// <summary>The manifest file (or the source name given to <see cref="Parse"/>).</summary>
    public string Source { get; }

    /// <summary>The same manifest with <paramref name="items"/> whose labels index <paramref name="classes"/> (e.g. reordered classes).</summary>
    internal ManifestDataset WithClasses(IReadOnlyList<DatasetItem> items, IReadOnlyList<string> classes) =>
        new(Source, items, classes, HasLabeledColumn, HasSplitColumn);

    /// <summary>Reads and validates the manifest at <paramref name="csvPath"/>.</summary>
    /// <exception cref="DatasetException">The file is missing or unreadable, or any row is invalid (see remarks).</exception>
    public static ManifestDataset Load(string csvPath, ManifestOptions? options = null)
    {
        var full = Path.GetFullPath(csvPath);
        string text;
        try { text = File.ReadAllText(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{full}: cannot read the manifest: {e.Message}", e);
        }
        return Parse(new StringReader(text), Path.GetDirectoryName(full)!, options, full);
    }

    /// <summary>
    /// Parses a manifest from <paramref name="csv"/>; relative paths resolve against <paramref name="baseDirectory"/>.
    /// The only exception it throws for any input text is <see cref="DatasetException"/>.
    /// </summary>
    public static ManifestDataset Parse(TextReader csv, string baseDirectory, ManifestOptions? options = null, string source = "manifest")
    {
        options ??= new ManifestOptions();
        var rows = CsvTable.Parse(csv, source);
        if (rows.Count == 0) throw new DatasetException($"{source} row 1: header required (columns path,label[,split][,labeled][,mask])");
        var header = CsvTable.Header(rows[0], source);
        if (!header.TryGetValue("path", out var pathCol) || !header.TryGetValue("label", out var labelCol))
            throw new DatasetException($"{source} row 1: header required with columns path and label, found '{string.Join(",", rows[0].Fields)}'");
        var splitCol = header.GetValueOrDefault("split", -1);
        var labeledCol = header.GetValueOrDefault("labeled", -1);
        var maskCol = header.GetValueOrDefault("mask", -1);
        if (rows.Count == 1) throw new DatasetException($"{source}: the manifest has no data rows");

        var problems = new List<string>();
        var parsed = new List<(int Row, string Path, string Label, bool Labeled, string? Mask, string? Split)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows.Skip(1))
        {
            var n = row.Number;
            if (row.Fields.Length != rows[0].Fields.Length)
            {
                problems.Add($"row {n}: expected {rows[0].Fields.Length} fields, found {row.Fields.Length}");
                continue;
            }
            string Field(int col) => col < 0 ? "" : row.Fields[col].Trim();
            var rawPath = Field(pathCol);
            var label = Field(labelCol);
            var ok = true;
            string? path = null;
            if (rawPath.Length == 0) { problems.Add($"row {n}: empty path"); ok = false; }
            else if (Resolve(rawPath, baseDirectory, out var err) is { } p) path = p;
            else { problems.Add($"row {n}: invalid path '{rawPath}': {err}"); ok = false; }

            if (path is not null)
            {
                if (seen.TryGetValue(path, out var first)) { problems.Add($"row {n}: duplicate path '{rawPath}' (first at row {first})"); ok = false; }
                else seen[path] = n;
                if (options.CheckFiles && !File.Exists(path) && !Directory.Exists(path)) { problems.Add($"row {n}: file not found: {path}"); ok = false; }
            }

            var labeledText = Field(labeledCol);
            bool labeled;
            if (labeledText.Length == 0) labeled = label.Length > 0;
            else if (ParseFlag(labeledText) is bool b) labeled = b;
            else { problems.Add($"row {n}: bad labeled flag '{labeledText}' (use true/false/1/0/yes/no)"); labeled = false; ok = false; }
            if (labeled && label.Length == 0) { problems.Add($"row {n}: labeled is true but the label is empty"); ok = false; }
            else if (options.RequireLabels && (label.Length == 0 || !labeled))
            {
                problems.Add(label.Length == 0
                    ? $"row {n}: empty label ('{rawPath}'); supervised training needs a label on every row (unlabeled rows belong to train semi)"
                    : $"row {n}: labeled is false ('{rawPath}'); supervised training uses every row's label (unlabeled rows belong to train semi)");
                ok = false;
            }

            if (label.Length > 0 && options.Classes is { } classes && !classes.Contains(label, StringComparer.Ordinal))
            {
                problems.Add($"row {n}: unknown class '{label}' (classes: {string.Join(", ", classes)})");
                ok = false;
            }

            string? mask = null;
            var rawMask = Field(maskCol);
            if (rawMask.Length > 0)
            {
                mask = Resolve(rawMask, baseDirectory, out var merr);
                if (mask is null) { problems.Add($"row {n}: invalid mask path '{rawMask}': {merr}"); ok = false; }
                else if (options.CheckFiles && !File.Exists(mask) && !Directory.Exists(mask)) { problems.Add($"row {n}: mask file not found: {mask}"); ok = false; }
            }

            var split = Field(splitCol);
            if (split.Length > 0 && !DatasetSplit.Names.Contains(split.ToLowerInvariant()))
            {
                problems.Add($"row {n}: unknown split '{split}' (use train/val/test or leave empty)");
                ok = false;
            }
            if (ok) parsed.Add((n, path!, label, labeled, mask, split.Length == 0 ? null : split.ToLowerInvariant()));
        }
        if (problems.Count > 0) throw new DatasetException(source, problems);

        var classList = options.Classes is { } given ? [.. given] : SortClasses(parsed.Where(r => r.Label.Length > 0).Select(r => r.Label));
        var index = classList.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var items = parsed.Select(r => new DatasetItem(
            r.Path,
            r.Label.Length == 0 ? -1 : index[r.Label],
            r.Label.Length == 0 ? null : r.Label,
            r.Mask,
            r.Labeled,
            r.Split)).ToList();
        return new ManifestDataset(source, items, classList, labeledCol >= 0, splitCol >= 0);
    }

    /// <summary>Parses a labeled flag: true/false/1/0/yes/no (case-insensitive), else null.</summary>
    internal static bool? ParseFlag(string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => null,
    };

    /// <summary>Absolute path of <paramref name="path"/> relative to <paramref name="baseDirectory"/>, or null with the reason.</summary>
    internal static string? Resolve(string path, string baseDirectory, out string? error)
    {
        error = null;
        try
        {
            if (path.Contains('\0')) throw new ArgumentException("contains a NUL character");
            return Path.GetFullPath(path, baseDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = e.Message;
            return null;
        }
    }
}
