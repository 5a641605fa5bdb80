using System.Globalization;
using System.Text;
using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Writes a segmentation run's history by iteration (<c>iterations.csv</c>): one row per trainer epoch with
/// <c>iteration = (epoch + 1) · batches per epoch</c> (the optimiser steps done at its end), the learning rate, the
/// training loss and every logged term (mean over the epoch's steps), and <c>val_dice</c> on the rows where the
/// validation ran (empty elsewhere). Rewritten atomically after every epoch from the trainer's full history, so a resumed
/// run's file equals an uninterrupted run's.
/// </summary>
/// <param name="path">The CSV file to write.</param>
/// <param name="batchesPerEpoch">Optimiser steps per trainer epoch.</param>
public sealed class SegmentationHistoryRecorder(string path, int batchesPerEpoch) : ITrainingCallback
{
    /// <summary>File name in the run folder.</summary>
    public const string FileName = "iterations.csv";

    private readonly List<EpochRecord> _epochs = [];

    /// <inheritdoc/>
    public void OnTrainingStart(TrainingStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _epochs.Clear();
        _epochs.AddRange(start.History);
        if (_epochs.Count > 0) Write();
    }

    /// <inheritdoc/>
    public void OnEpochEnd(EpochRecord epoch)
    {
        _epochs.Add(epoch);
        Write();
    }

    /// <summary>The CSV text of <paramref name="epochs"/>: iteration, epoch, lr, seconds, then the metric columns in first-seen order.</summary>
    public static string Format(IReadOnlyList<EpochRecord> epochs, int batchesPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        var columns = epochs.SelectMany(e => e.Metrics.Keys).Distinct().ToList();
        var sb = new StringBuilder("iteration,epoch,lr,seconds");
        foreach (var c in columns) sb.Append(',').Append(c);
        sb.Append('\n');
        static string F(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
        foreach (var e in epochs)
        {
            sb.Append(((long)(e.Epoch + 1) * batchesPerEpoch).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append((e.Epoch + 1).ToString(CultureInfo.InvariantCulture)).Append(',').Append(F(e.LearningRate)).Append(',').Append(F(e.Seconds));
            foreach (var c in columns) sb.Append(',').Append(F(e.Get(c)));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Reads an iterations.csv: the iteration column and every other column by name (empty cells = NaN).</summary>
    /// <exception cref="RunFileException">The file is missing or malformed.</exception>
    public static (long[] Iterations, IReadOnlyDictionary<string, double[]> Columns) Read(string path)
    {
        if (!File.Exists(path)) throw new RunFileException(path, $"{path}: not found");
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0 || !lines[0].StartsWith("iteration,", StringComparison.Ordinal))
            throw new RunFileException(path, $"{path}: not an iterations.csv (expected a header starting with 'iteration,')");
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var columns = new Dictionary<string, double[]>();
        for (var c = 0; c < header.Length; c++)
            columns[header[c]] = [.. rows.Select((r, i) => c >= r.Length || r[c].Length == 0 ? double.NaN
                : double.TryParse(r[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new RunFileException(path, $"{path}: line {i + 2}, column '{header[c]}': '{r[c]}' is not a number"))];
        return ([.. columns["iteration"].Select(v => (long)v)], columns);
    }

    private void Write() => AtomicText.Write(path, Format(_epochs, batchesPerEpoch));
}
