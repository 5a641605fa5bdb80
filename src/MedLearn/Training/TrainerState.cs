using System.Collections;
using System.Globalization;

namespace MedLearn.Training;

/// <summary>
/// The trainer's own position and bookkeeping, saved in every last.pt (under <c>extra["trainer"]</c>) so a
/// resumed run continues exactly: next epoch and batch, steps taken, the running sums of an interrupted epoch,
/// the best-k list, the early-stopping counter and the history.
/// </summary>
internal sealed class TrainerState
{
    public int Epoch;
    public int Batch;
    public long GlobalStep;
    public int EpochsWithoutImprovement;
    public double? BestMetric;
    public int? BestEpoch;
    public List<(int Epoch, double Value, string Path)> Best = [];
    public List<EpochRecord> History = [];
    public Dictionary<string, double> PartialSums = [];
    public double PartialSamples;
    public double PartialSeconds;

    public OrderedDictionary<object, object?> ToDict()
    {
        var d = new OrderedDictionary<object, object?>
        {
            ["epoch"] = (long)Epoch,
            ["batch"] = (long)Batch,
            ["global_step"] = GlobalStep,
            ["epochs_without_improvement"] = (long)EpochsWithoutImprovement,
            ["best_metric"] = BestMetric,
            ["best_epoch"] = BestEpoch is int e ? (long)e : null,
            ["best"] = Best.Select(b => (object?)new OrderedDictionary<object, object?> { ["epoch"] = (long)b.Epoch, ["value"] = b.Value, ["path"] = b.Path }).ToList(),
            ["history"] = History.Select(h => (object?)new OrderedDictionary<object, object?>
            {
                ["epoch"] = (long)h.Epoch,
                ["lr"] = h.LearningRate,
                ["seconds"] = h.Seconds,
                ["is_best"] = h.IsBest,
                ["metrics"] = ToDict(h.Metrics),
            }).ToList(),
            ["partial_sums"] = ToDict(PartialSums),
            ["partial_samples"] = PartialSamples,
            ["partial_seconds"] = PartialSeconds,
        };
        return d;
    }

    public static TrainerState FromDict(IDictionary d)
    {
        var s = new TrainerState
        {
            Epoch = (int)Long(d, "epoch"),
            Batch = (int)Long(d, "batch"),
            GlobalStep = Long(d, "global_step"),
            EpochsWithoutImprovement = (int)Long(d, "epochs_without_improvement"),
            BestMetric = d["best_metric"] is null ? null : Double(d["best_metric"]),
            BestEpoch = d["best_epoch"] is null ? null : (int)Long(d, "best_epoch"),
            PartialSamples = Double(d["partial_samples"]),
            PartialSeconds = Double(d["partial_seconds"]),
            PartialSums = Metrics((IDictionary)d["partial_sums"]!),
        };
        foreach (IDictionary b in (IList)d["best"]!)
            s.Best.Add(((int)Long(b, "epoch"), Double(b["value"]), (string)b["path"]!));
        foreach (IDictionary h in (IList)d["history"]!)
            s.History.Add(new EpochRecord((int)Long(h, "epoch"), Metrics((IDictionary)h["metrics"]!), Double(h["lr"]), Double(h["seconds"]), (bool)h["is_best"]!));
        return s;
    }

    private static OrderedDictionary<object, object?> ToDict(IReadOnlyDictionary<string, double> values)
    {
        var d = new OrderedDictionary<object, object?>();
        foreach (var (k, v) in values) d[k] = v;
        return d;
    }

    private static Dictionary<string, double> Metrics(IDictionary d)
    {
        var m = new Dictionary<string, double>();
        foreach (DictionaryEntry e in d) m[(string)e.Key] = Double(e.Value);
        return m;
    }

    private static long Long(IDictionary d, string key) => Convert.ToInt64(d[key], CultureInfo.InvariantCulture);

    private static double Double(object? v) => Convert.ToDouble(v, CultureInfo.InvariantCulture);
}
