using System.Text;
using MedLearn.Torch.Serialization;

namespace MedLearn.Runs;

/// <summary>
/// Per-item predictions of a run, <c>predictions.csv</c>: columns <c>path, true_label, predicted_label,
/// p_&lt;class&gt;...</c> (one probability column per class, in class order). An unknown true label is an empty
/// field. Labels are class names. Numbers: invariant culture, shortest round-trip text, <c>nan</c>/<c>inf</c>/
/// <c>-inf</c>. Written atomically (temp file + rename).
/// </summary>
public static class PredictionsFile
{
    private static readonly string[] Fixed = ["path", "true_label", "predicted_label"];

    /// <summary>Writes <paramref name="predictions"/> to <paramref name="path"/> (its folder must exist).</summary>
    /// <exception cref="ArgumentException">
    /// Class names are empty or repeated, a row's probability count differs from the class count, its predicted
    /// label is not a class, or its true label is neither null nor a class.
    /// </exception>
    public static void Write(string path, PredictionSet predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var classes = predictions.Classes;
        if (classes.Count == 0) throw new ArgumentException("at least one class required", nameof(predictions));
        if (classes.Any(string.IsNullOrEmpty)) throw new ArgumentException("class names must not be empty", nameof(predictions));
        var dup = classes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"class '{dup.Key}' given twice", nameof(predictions));
        var known = new HashSet<string>(classes, StringComparer.Ordinal);
        var sb = new StringBuilder(RunCsv.Line([.. Fixed, .. classes.Select(c => "p_" + c)]));
        for (var i = 0; i < predictions.Rows.Count; i++)
        {
            var r = predictions.Rows[i];
            if (r.Probabilities.Count != classes.Count)
                throw new ArgumentException($"row {i} ({r.Path}): {r.Probabilities.Count} probabilities for {classes.Count} classes", nameof(predictions));
            if (!known.Contains(r.PredictedLabel))
                throw new ArgumentException($"row {i} ({r.Path}): predicted label '{r.PredictedLabel}' is not a class", nameof(predictions));
            if (r.TrueLabel is not null && !known.Contains(r.TrueLabel))
                throw new ArgumentException($"row {i} ({r.Path}): true label '{r.TrueLabel}' is not a class", nameof(predictions));
            sb.Append(RunCsv.Line([r.Path, r.TrueLabel ?? "", r.PredictedLabel, .. r.Probabilities.Select(RunCsv.Format)]));
        }
        var bytes = new UTF8Encoding(false).GetBytes(sb.ToString());
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>Reads a predictions file.</summary>
    /// <exception cref="RunFileException">Unreadable file, a header other than path,true_label,predicted_label,p_&lt;class&gt;..., or a malformed row (named by its row number, header = row 1).</exception>
    public static PredictionSet Read(string path)
    {
        var full = Path.GetFullPath(path);
        var rows = RunCsv.ReadRows(full, "predictions");
        if (rows.Count == 0) throw new RunFileException(full, $"{full} row 1: header required (path,true_label,predicted_label,p_<class>...)");
        var header = rows[0].Fields;
        if (header.Length < 4 || !header.Take(3).Select(h => h.Trim()).SequenceEqual(Fixed) || header.Skip(3).Any(h => !h.StartsWith("p_", StringComparison.Ordinal) || h.Length == 2))
            throw new RunFileException(full, $"{full} row 1: expected header path,true_label,predicted_label,p_<class>..., found {string.Join(",", header)}");
        var classes = header.Skip(3).Select(h => h[2..]).ToList();
        if (classes.Distinct(StringComparer.Ordinal).Count() != classes.Count)
            throw new RunFileException(full, $"{full} row 1: a class column is repeated");
        var known = new HashSet<string>(classes, StringComparer.Ordinal);
        var result = new List<PredictionRow>(rows.Count - 1);
        foreach (var row in rows.Skip(1))
        {
            var f = row.Fields;
            if (f.Length != header.Length)
                throw new RunFileException(full, $"{full} row {row.Number}: expected {header.Length} fields, found {f.Length}");
            if (f[1].Length > 0 && !known.Contains(f[1]))
                throw new RunFileException(full, $"{full} row {row.Number}: true label '{f[1]}' is not a class");
            if (!known.Contains(f[2]))
                throw new RunFileException(full, $"{full} row {row.Number}: predicted label '{f[2]}' is not a class");
            var p = new double[classes.Count];
            for (var c = 0; c < classes.Count; c++)
                if (!RunCsv.TryParse(f[3 + c], out p[c]))
                    throw new RunFileException(full, $"{full} row {row.Number}: column {header[3 + c]}: '{f[3 + c]}' is not a number");
            result.Add(new PredictionRow(f[0], f[1].Length == 0 ? null : f[1], f[2], p));
        }
        return new PredictionSet(classes, result);
    }
}
