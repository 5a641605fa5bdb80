using System.Globalization;
using MedLearn.Data.Datasets;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// A GMIC data manifest (CSV with a header; column names case-insensitive, any order, other columns ignored):
/// <list type="table">
/// <item><term>path</term><description>required; relative to the CSV's folder; must exist.</description></item>
/// <item><term>label</term><description>single-label data: a class name (the first class in sorted order is the negative
/// one); empty = unlabelled. Not read when target columns are given.</description></item>
/// <item><term>target columns</term><description>multi-label data (setting <c>targets</c>, e.g. benign,malignant): each
/// 0 or 1 (also true/false/yes/no); all empty = unlabelled, some empty = an error.</description></item>
/// <item><term>mask</term><description>optional lesion mask path (localisation metrics).</description></item>
/// <item><term>view</term><description>CC or MLO (case-insensitive).</description></item>
/// <item><term>laterality</term><description>L or R (also LEFT/RIGHT); drives the screening profile's flip to a common
/// laterality (R images are flipped, as in the authors' code).</description></item>
/// <item><term>patient</term><description>patient id: all images of a patient go to the same split part.</description></item>
/// <item><term>exam</term><description>exam id: the CC and MLO views of one (exam, laterality) form a breast.</description></item>
/// <item><term>reader</term><description>optional reader score in [0, 1] (empty = none) for the human-machine hybrid.</description></item>
/// <item><term>split</term><description>train/val/test or empty.</description></item>
/// </list>
/// Every row is checked; all problems are reported together in one <see cref="DatasetException"/> naming the file
/// and each row.
/// </summary>
public static class ScreeningManifest
{
    /// <summary>The screening columns this manifest reads besides path/label/mask/split.</summary>
    public static IReadOnlyList<string> ScreeningColumns { get; } = ["view", "laterality", "patient", "exam", "reader"];

    /// <summary>Whether the CSV at <paramref name="csvPath"/> has any screening column (or target columns are asked for).</summary>
    public static bool HasScreeningColumns(string csvPath)
    {
        try
        {
            using var reader = new StreamReader(csvPath);
            var first = reader.ReadLine() ?? "";
            var names = first.Split(',').Select(n => n.Trim().Trim('"').ToLowerInvariant()).ToHashSet();
            return ScreeningColumns.Any(names.Contains);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{Path.GetFullPath(csvPath)}: cannot read the manifest: {e.Message}", e);
        }
    }

    /// <summary>Reads and validates the manifest at <paramref name="csvPath"/>.</summary>
    /// <param name="csvPath">The CSV file.</param>
    /// <param name="targetColumns">Multi-label target columns, or null/empty for the <c>label</c> column.</param>
    /// <param name="classes">Single-label data: the class names to accept (the first is negative), e.g. a trained run's; null = the sorted distinct labels.</param>
    /// <exception cref="DatasetException">The file is unreadable or any row is invalid.</exception>
    public static ScreeningData Load(string csvPath, IReadOnlyList<string>? targetColumns = null, IReadOnlyList<string>? classes = null)
    {
        var full = Path.GetFullPath(csvPath);
        string text;
        try { text = File.ReadAllText(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{full}: cannot read the manifest: {e.Message}", e);
        }
        return Parse(new StringReader(text), Path.GetDirectoryName(full)!, full, targetColumns, classes, checkFiles: true);
    }

    /// <summary>Parses a manifest; relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static ScreeningData Parse(TextReader csv, string baseDirectory, string source, IReadOnlyList<string>? targetColumns = null,
        IReadOnlyList<string>? classes = null, bool checkFiles = true)
    {
        var multi = targetColumns is { Count: > 0 };
        if (multi && targetColumns!.Count > GmicLabelScheme.MaxTargetColumns)
            throw new DatasetException($"{source}: at most {GmicLabelScheme.MaxTargetColumns} target columns (got {targetColumns.Count})");
        var rows = CsvTable.Parse(csv, source);
        if (rows.Count == 0) throw new DatasetException($"{source} row 1: header required (columns path and label or the target columns)");
        var header = CsvTable.Header(rows[0], source);
        int Column(string name) => header.GetValueOrDefault(name.ToLowerInvariant(), -1);
        var pathCol = Column("path");
        var labelCol = Column("label");
        var targetCols = multi ? targetColumns!.Select(Column).ToArray() : [];
        var missing = new List<string>();
        if (pathCol < 0) missing.Add("path");
        if (!multi && labelCol < 0) missing.Add("label");
        if (multi) missing.AddRange(targetColumns!.Where((_, i) => targetCols[i] < 0));
        if (missing.Count > 0)
            throw new DatasetException($"{source} row 1: missing column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} (found '{string.Join(",", rows[0].Fields)}')");
        int maskCol = Column("mask"), splitCol = Column("split"), viewCol = Column("view"), latCol = Column("laterality"),
            patientCol = Column("patient"), examCol = Column("exam"), readerCol = Column("reader");
        if (rows.Count == 1) throw new DatasetException($"{source}: the manifest has no data rows");

        var problems = new List<string>();
        var parsed = new List<(string Path, string? Label, long Mask, string? MaskPath, string? Split, ScreeningImageInfo Info)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows.Skip(1))
        {
            var n = row.Number;
            if (row.Fields.Length != rows[0].Fields.Length)
            {
                problems.Add($"row {n}: expected {rows[0].Fields.Length} fields, found {row.Fields.Length}");
                continue;
            }
            string? Field(int col) => col < 0 || row.Fields[col].Trim().Length == 0 ? null : row.Fields[col].Trim();
            var count = problems.Count;
            string? path = null;
            if (Field(pathCol) is not { } rawPath) problems.Add($"row {n}: empty path");
            else if (ManifestDataset.Resolve(rawPath, baseDirectory, out var err) is not { } p) problems.Add($"row {n}: invalid path '{rawPath}': {err}");
            else
            {
                path = p;
                if (seen.TryGetValue(p, out var first)) problems.Add($"row {n}: duplicate path '{rawPath}' (first at row {first})");
                else seen[p] = n;
                if (checkFiles && !File.Exists(p) && !Directory.Exists(p)) problems.Add($"row {n}: file not found: {p}");
            }

            string? label = null;
            long bits = -1;
            if (multi)
            {
                var values = targetCols.Select(Field).ToArray();
                if (values.Any(v => v is not null))
                {
                    bits = 0;
                    for (var c = 0; c < values.Length; c++)
                    {
                        if (values[c] is null) { problems.Add($"row {n}: target column '{targetColumns![c]}' is empty while other targets are set (give 0 or 1)"); continue; }
                        if (ManifestDataset.ParseFlag(values[c]!) is not { } b) { problems.Add($"row {n}: target column '{targetColumns![c]}': '{values[c]}' is not 0 or 1"); continue; }
                        if (b) bits |= 1L << c;
                    }
                }
            }
            else
            {
                label = Field(labelCol);
                if (label is not null && classes is not null && !classes.Contains(label, StringComparer.Ordinal))
                    problems.Add($"row {n}: unknown class '{label}' (classes: {string.Join(", ", classes)})");
            }

            string? maskPath = null;
            if (Field(maskCol) is { } rawMask)
            {
                maskPath = ManifestDataset.Resolve(rawMask, baseDirectory, out var merr);
                if (maskPath is null) problems.Add($"row {n}: invalid mask path '{rawMask}': {merr}");
                else if (checkFiles && !File.Exists(maskPath)) problems.Add($"row {n}: mask file not found: {maskPath}");
            }
            var split = Field(splitCol)?.ToLowerInvariant();
            if (split is not null && !DatasetSplit.Names.Contains(split)) problems.Add($"row {n}: unknown split '{split}' (use train/val/test or leave empty)");

            string? view = null;
            if (viewCol >= 0)
            {
                view = Field(viewCol)?.ToUpperInvariant();
                if (view is not ("CC" or "MLO")) problems.Add($"row {n}: view '{Field(viewCol)}' is not CC or MLO");
            }
            string? laterality = null;
            if (latCol >= 0)
            {
                laterality = Field(latCol)?.ToUpperInvariant() switch { "L" or "LEFT" => "L", "R" or "RIGHT" => "R", _ => null };
                if (laterality is null) problems.Add($"row {n}: laterality '{Field(latCol)}' is not L or R");
            }
            var patient = Field(patientCol);
            if (patientCol >= 0 && patient is null) problems.Add($"row {n}: empty patient id");
            var exam = Field(examCol);
            if (examCol >= 0 && exam is null) problems.Add($"row {n}: empty exam id");
            double? reader = null;
            if (Field(readerCol) is { } rawReader)
            {
                if (double.TryParse(rawReader, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1) reader = r;
                else problems.Add($"row {n}: reader score '{rawReader}' is not a number in [0, 1]");
            }
            if (problems.Count == count)
                parsed.Add((path!, label, bits, maskPath, split, new ScreeningImageInfo(n, view, laterality, patient, exam, reader)));
        }
        if (problems.Count > 0) throw new DatasetException(source, problems);

        IReadOnlyList<string> classList;
        GmicLabelScheme scheme;
        List<DatasetItem> items;
        if (multi)
        {
            classList = GmicLabelScheme.CombinationNames(targetColumns!);
            scheme = GmicLabelScheme.MultiLabel(targetColumns!);
            items = [.. parsed.Select(r => new DatasetItem(r.Path, (int)r.Mask, r.Mask < 0 ? null : classList[(int)r.Mask], r.MaskPath, r.Mask >= 0, r.Split))];
        }
        else
        {
            classList = classes is not null ? [.. classes] : ImageDataset.SortClasses(parsed.Where(r => r.Label is not null).Select(r => r.Label!));
            if (classList.Count < 2)
                throw new DatasetException($"{source}: only {classList.Count} class{(classList.Count == 1 ? $" ('{classList[0]}')" : "es")}; GMIC needs a negative class and at least one finding class");
            scheme = GmicLabelScheme.SingleLabel(classList);
            var index = classList.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
            items = [.. parsed.Select(r => new DatasetItem(r.Path, r.Label is null ? -1 : index[r.Label], r.Label, r.MaskPath, r.Label is not null, r.Split))];
        }
        var info = parsed.ToDictionary(r => r.Path, r => r.Info, StringComparer.Ordinal);
        return new ScreeningData(source, new ImageDataset(items, classList), scheme, info,
            HasViews: viewCol >= 0 && latCol >= 0 && examCol >= 0, HasLaterality: latCol >= 0, HasReader: readerCol >= 0, HasPatient: patientCol >= 0 || examCol >= 0);
    }
}

/// <summary>A parsed <see cref="ScreeningManifest"/>.</summary>
/// <param name="Source">The manifest file.</param>
/// <param name="Dataset">The images with their labels (see <see cref="Scheme"/>).</param>
/// <param name="Scheme">How labels become targets.</param>
/// <param name="Info">The screening columns of each image, by absolute image path.</param>
/// <param name="HasViews">The manifest has view, laterality and exam columns (breast-level aggregation is possible).</param>
/// <param name="HasLaterality">The manifest has a laterality column.</param>
/// <param name="HasReader">The manifest has a reader column.</param>
/// <param name="HasPatient">The manifest has a patient or exam column (the split groups by it).</param>
public sealed record ScreeningData(string Source, ImageDataset Dataset, GmicLabelScheme Scheme, IReadOnlyDictionary<string, ScreeningImageInfo> Info,
    bool HasViews, bool HasLaterality, bool HasReader, bool HasPatient)
{
    /// <summary>Laterality by image path (images without one are left out).</summary>
    public IReadOnlyDictionary<string, string> Laterality =>
        Info.Where(kv => kv.Value.Laterality is not null).ToDictionary(kv => kv.Key, kv => kv.Value.Laterality!, StringComparer.Ordinal);

    /// <summary>The group an image is split with: its patient, else its exam, else itself.</summary>
    public string GroupOf(string path) => Info.TryGetValue(path, out var i) ? i.Patient ?? i.Exam ?? path : path;
}
