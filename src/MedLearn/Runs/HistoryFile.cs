using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MedLearn.Torch.Serialization;

namespace MedLearn.Runs;

/// <summary>
/// The per-epoch history of a run, <c>history.csv</c>, with columns
/// <c>epoch, train_loss, val_loss, train_&lt;metric&gt;..., val_&lt;metric&gt;..., lr, seconds</c> (metrics in the order
/// given at creation). Training and validation metrics are listed separately, so a metric measured on one side only
/// (the consistency losses in training, AUC and kappa in validation) has no column of NaNs on the other. Every <see cref="Append"/> rewrites the whole file atomically (temp file + rename, flushed to
/// disk), so a run killed at any moment leaves a complete, valid file. Numbers: invariant culture, shortest
/// round-trip text, <c>nan</c>/<c>inf</c>/<c>-inf</c> for the special values. <see cref="Read"/> reloads a file to
/// resume a run or build a report. Not thread-safe: one writer per file.
/// </summary>
public sealed partial class HistoryFile
{
    private readonly List<HistoryRow> _rows;

    private HistoryFile(string path, IReadOnlyList<string> trainMetrics, IReadOnlyList<string> valMetrics, List<HistoryRow> rows)
    {
        Path = path;
        TrainMetrics = trainMetrics;
        ValMetrics = valMetrics;
        Metrics = [.. trainMetrics.Concat(valMetrics).Distinct()];
        _rows = rows;
        Columns = ["epoch", "train_loss", "val_loss", .. trainMetrics.Select(m => "train_" + m), .. valMetrics.Select(m => "val_" + m), "lr", "seconds"];
    }

    /// <summary>Absolute path of the file.</summary>
    public string Path { get; }

    /// <summary>Metric names of either side, in column order.</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>Training metric names (columns <c>train_&lt;name&gt;</c>), in column order.</summary>
    public IReadOnlyList<string> TrainMetrics { get; }

    /// <summary>Validation metric names (columns <c>val_&lt;name&gt;</c>), in column order.</summary>
    public IReadOnlyList<string> ValMetrics { get; }

    /// <summary>All column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Rows so far, by increasing epoch; each has every metric (NaN where none was given).</summary>
    public IReadOnlyList<HistoryRow> Rows => _rows;

    /// <summary>Starts a history (header only), replacing any file at <paramref name="path"/>.</summary>
    /// <param name="path">The file (its folder must exist).</param>
    /// <param name="metrics">Metric names: letters, digits, '_', '.', '-'; distinct; not "loss".</param>
    /// <exception cref="ArgumentException">A metric name is invalid or repeated.</exception>
    public static HistoryFile Create(string path, IEnumerable<string> metrics)
    {
        var names = metrics.ToList();
        return Create(path, names, names);
    }

    /// <summary>Starts a history whose training and validation metrics differ (header only), replacing any file at <paramref name="path"/>.</summary>
    /// <param name="path">The file (its folder must exist).</param>
    /// <param name="trainMetrics">Training metric names (letters, digits, '_', '.', '-'; distinct; not "loss").</param>
    /// <param name="valMetrics">Validation metric names (same rules).</param>
    /// <exception cref="ArgumentException">A metric name is invalid or repeated.</exception>
    public static HistoryFile Create(string path, IEnumerable<string> trainMetrics, IEnumerable<string> valMetrics)
    {
        static List<string> Check(IEnumerable<string> metrics, string parameter)
        {
            var names = metrics.ToList();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var m in names)
            {
                if (!MetricName().IsMatch(m)) throw new ArgumentException($"invalid metric name '{m}' (letters, digits, '_', '.', '-')", parameter);
                if (m == "loss") throw new ArgumentException("'loss' is not a metric name: train_loss and val_loss are always present", parameter);
                if (!seen.Add(m)) throw new ArgumentException($"metric '{m}' given twice", parameter);
            }
            return names;
        }
        var file = new HistoryFile(System.IO.Path.GetFullPath(path), Check(trainMetrics, nameof(trainMetrics)), Check(valMetrics, nameof(valMetrics)), []);
        file.Save();
        return file;
    }

    /// <summary>Reads a history file written by this class.</summary>
    /// <exception cref="RunFileException">The file cannot be read, its header is not a history header, or a row is malformed (the message names the row).</exception>
    public static HistoryFile Read(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var rows = RunCsv.ReadRows(full, "history");
        if (rows.Count == 0) throw new RunFileException(full, $"{full} row 1: header required (epoch,train_loss,val_loss,...,lr,seconds)");
        var header = rows[0].Fields.Select(f => f.Trim()).ToArray();
        var (trainMetrics, valMetrics) = ParseHeader(header)
            ?? throw new RunFileException(full, $"{full} row 1: not a history header: expected epoch,train_loss,val_loss,train_<metric>...,val_<metric>...,lr,seconds, found {string.Join(",", header)}");
        var result = new List<HistoryRow>();
        foreach (var row in rows.Skip(1))
        {
            if (row.Fields.Length != header.Length)
                throw new RunFileException(full, $"{full} row {row.Number}: expected {header.Length} fields, found {row.Fields.Length}");
            if (!int.TryParse(row.Fields[0].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch))
                throw new RunFileException(full, $"{full} row {row.Number}: epoch '{row.Fields[0]}' is not an integer");
            var values = new double[header.Length];
            for (var c = 1; c < header.Length; c++)
                if (!RunCsv.TryParse(row.Fields[c], out values[c]))
                    throw new RunFileException(full, $"{full} row {row.Number}: column {header[c]}: '{row.Fields[c]}' is not a number");
            if (result.Count > 0 && epoch <= result[^1].Epoch)
                throw new RunFileException(full, $"{full} row {row.Number}: epoch {epoch} does not follow epoch {result[^1].Epoch}");
            var t = trainMetrics.Count;
            result.Add(new HistoryRow
            {
                Epoch = epoch,
                TrainLoss = values[1],
                ValLoss = values[2],
                Train = trainMetrics.Select((name, i) => (name, values[3 + i])).ToDictionary(x => x.name, x => x.Item2),
                Val = valMetrics.Select((name, i) => (name, values[3 + t + i])).ToDictionary(x => x.name, x => x.Item2),
                LearningRate = values[^2],
                Seconds = values[^1],
            });
        }
        return new HistoryFile(full, trainMetrics, valMetrics, result);
    }

    /// <summary>Adds a row and rewrites the file atomically.</summary>
    /// <exception cref="ArgumentException">The epoch does not follow the last one, or a metric name is not one of <see cref="Metrics"/>.</exception>
    public void Append(HistoryRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (_rows.Count > 0 && row.Epoch <= _rows[^1].Epoch)
            throw new ArgumentException($"epoch {row.Epoch} does not follow the last epoch {_rows[^1].Epoch} of {Path}", nameof(row));
        var unknown = row.Train.Keys.Where(k => !TrainMetrics.Contains(k)).Select(k => $"'{k}' (train)")
            .Concat(row.Val.Keys.Where(k => !ValMetrics.Contains(k)).Select(k => $"'{k}' (val)")).Distinct().ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"{Path}: unknown metric {string.Join(", ", unknown)} (the history has {string.Join(", ", Columns.Skip(3).SkipLast(2))})", nameof(row));
        _rows.Add(row with
        {
            Train = TrainMetrics.ToDictionary(m => m, m => row.Train.TryGetValue(m, out var v) ? v : double.NaN),
            Val = ValMetrics.ToDictionary(m => m, m => row.Val.TryGetValue(m, out var v) ? v : double.NaN),
        });
        try { Save(); }
        catch
        {
            _rows.RemoveAt(_rows.Count - 1);
            throw;
        }
    }

    /// <summary>Drops the rows after <paramref name="lastEpoch"/> (resuming from an earlier checkpoint) and rewrites the file.</summary>
    public void TruncateAfter(int lastEpoch)
    {
        var removed = _rows.RemoveAll(r => r.Epoch > lastEpoch);
        if (removed > 0) Save();
    }

    private void Save()
    {
        var sb = new StringBuilder(RunCsv.Line(Columns));
        foreach (var r in _rows)
        {
            var fields = new List<string>(Columns.Count) { r.Epoch.ToString(CultureInfo.InvariantCulture), RunCsv.Format(r.TrainLoss), RunCsv.Format(r.ValLoss) };
            fields.AddRange(TrainMetrics.Select(m => RunCsv.Format(r.Train[m])));
            fields.AddRange(ValMetrics.Select(m => RunCsv.Format(r.Val[m])));
            fields.Add(RunCsv.Format(r.LearningRate));
            fields.Add(RunCsv.Format(r.Seconds));
            sb.Append(RunCsv.Line(fields));
        }
        var bytes = new UTF8Encoding(false).GetBytes(sb.ToString());
        AtomicFile.Write(Path, s => s.Write(bytes));
    }

    /// <summary>The training and validation metric names of a valid header (train_* columns, then val_* columns), or null.</summary>
    private static (List<string> Train, List<string> Val)? ParseHeader(string[] h)
    {
        if (h.Length < 5) return null;
        if (h[0] != "epoch" || h[1] != "train_loss" || h[2] != "val_loss" || h[^2] != "lr" || h[^1] != "seconds") return null;
        var train = new List<string>();
        var val = new List<string>();
        for (var i = 3; i < h.Length - 2; i++)
        {
            var isTrain = h[i].StartsWith("train_", StringComparison.Ordinal);
            if (!isTrain && !h[i].StartsWith("val_", StringComparison.Ordinal)) return null;
            if (isTrain && val.Count > 0) return null; // training columns come first
            var name = h[i][(isTrain ? "train_" : "val_").Length..];
            var list = isTrain ? train : val;
            if (!MetricName().IsMatch(name) || list.Contains(name)) return null;
            list.Add(name);
        }
        return (train, val);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex MetricName();
}
