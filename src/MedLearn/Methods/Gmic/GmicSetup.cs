using MedLearn.Data.Datasets;
using MedLearn.Data.Transforms;
using MedLearn.Models.Gmic;
using MedLearn.Training;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// Turns <see cref="GmicTrainingOptions"/> into the pieces of a run: validation of the settings (the message names
/// the key), the dataset and its split, the architecture settings and the preprocessing.
/// </summary>
public static class GmicSetup
{
    /// <summary>The metrics <see cref="GmicTrainingOptions.Monitor"/> accepts.</summary>
    public static IReadOnlyList<string> MonitorNames { get; } = ["val_loss", "val_auc", "train_loss"];

    /// <summary>Checks ranges and names, including that K patches of the crop size fit the image (see <see cref="RoiRetrieval.CheckFits"/>).</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static void Validate(GmicTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Check(!string.IsNullOrWhiteSpace(o.Data), "data: no data given (a CSV manifest path,label[,mask] or a folder root/<class>/<image>)");
        Check(o.Epochs >= 1, $"epochs: must be >= 1 (got {o.Epochs})");
        Check(o.BatchSize >= 1, $"batch-size: must be >= 1 (got {o.BatchSize})");
        Check(o.EvalBatchSize >= 1, $"eval-batch-size: must be >= 1 (got {o.EvalBatchSize})");
        Check(o.LearningRate > 0 && double.IsFinite(o.LearningRate), $"learning-rate: must be > 0 (got {o.LearningRate})");
        Check(o.WeightDecay >= 0, $"weight-decay: must be >= 0 (got {o.WeightDecay})");
        Check(o.Beta >= 0 && double.IsFinite(o.Beta), $"beta: must be >= 0 (got {o.Beta})");
        Check(o.TopTPercent is > 0 and <= 1, $"top-t-percent: must be in (0, 1] (got {o.TopTPercent})");
        Check(o.Patches >= 1, $"patches: must be >= 1 (got {o.Patches})");
        Check(o.CropSize >= 8, $"crop-size: must be >= 8 (got {o.CropSize})");
        Check(o.ImageHeight >= 64 && o.ImageWidth >= 64, $"image-height and image-width: must be >= 64 (got {o.ImageHeight}x{o.ImageWidth})");
        Check(o.Split.Count == 3 && o.Split.All(f => f >= 0) && Math.Abs(o.Split.Sum() - 1) < 1e-6 && o.Split[0] > 0 && o.Split[1] > 0,
            $"split: needs three fractions train, val, test (>= 0, train and val > 0, sum 1); got [{string.Join(", ", o.Split)}]");
        Check(o.GradientClipNorm is null or > 0, $"gradient-clip-norm: must be > 0 (got {o.GradientClipNorm})");
        Check(MonitorNames.Contains(o.Monitor), $"monitor: must be one of {string.Join(", ", MonitorNames)} (got '{o.Monitor}')");
        Check(o.KeepBest >= 1, $"keep-best: must be >= 1 (got {o.KeepBest})");
        Check(o.EarlyStoppingPatience is null or >= 1, $"early-stopping-patience: must be >= 1 (got {o.EarlyStoppingPatience})");
        Check(o.Workers is >= 0 and <= 64, $"workers: must be in 0..64 (got {o.Workers})");
        Check(o.BootstrapSamples >= 0, $"bootstrap-samples: must be >= 0 (got {o.BootstrapSamples})");
        Check(GmicPreprocessing.Profiles.Contains(o.Preprocessing), $"preprocessing: must be {string.Join(" or ", GmicPreprocessing.Profiles)} (got '{o.Preprocessing}')");
        Check(o.ReaderLambda is >= 0 and <= 1, $"reader-lambda: must be in [0, 1] (got {o.ReaderLambda})");
        Check(o.Targets is null || (o.Targets.Count <= GmicLabelScheme.MaxTargetColumns && o.Targets.All(t => !string.IsNullOrWhiteSpace(t))
            && o.Targets.Distinct(StringComparer.OrdinalIgnoreCase).Count() == o.Targets.Count),
            $"targets: must be distinct non-empty column names, at most {GmicLabelScheme.MaxTargetColumns} (got [{string.Join(", ", o.Targets ?? [])}])");
        Check(o.ReaderOutput is null || (o.Targets is { Count: > 0 } ? o.Targets.Contains(o.ReaderOutput) : true),
            $"reader-output: '{o.ReaderOutput}' is not one of the targets [{string.Join(", ", o.Targets ?? [])}]");
        Check(o.DiceThreshold is > 0 and < 1, $"dice-threshold: must be in (0, 1) (got {o.DiceThreshold})");
        var grid = GridSize(o.ImageHeight, o.ImageWidth);
        try { RoiRetrieval.CheckFits(grid.Height, grid.Width, o.ImageHeight, o.ImageWidth, o.CropSize, o.CropSize, o.Patches); }
        catch (ArgumentException e) { throw new ArgumentException($"patches/crop-size: {e.Message}"); }
    }

    /// <summary>The saliency grid (h, w) of an input: the global module's output size (conv 7/2 pad 3, pool 3/2, four stride-2 stages).</summary>
    public static (int Height, int Width) GridSize(int height, int width)
    {
        static int Side(int n)
        {
            n = (n + 2 * 3 - 7) / 2 + 1;   // first_conv
            n = (n - 3) / 2 + 1;           // first_pool
            for (var i = 0; i < 4; i++) n = (n - 1) / 2 + 1; // 3x3 stride-2 convs with padding 1
            return n;
        }
        return (Side(height), Side(width));
    }

    /// <summary>The architecture settings of a run on <paramref name="outputs"/> classes.</summary>
    public static GmicOptions ModelOptions(GmicTrainingOptions o, int outputs) =>
        new(Classes: outputs, TopTPercent: o.TopTPercent, Patches: o.Patches, CropHeight: o.CropSize, CropWidth: o.CropSize);

    /// <summary>
    /// Loads a CSV manifest or a folder dataset with at least two classes (the first is the negative class).
    /// </summary>
    /// <exception cref="DatasetException">Missing data or a single class.</exception>
    public static ImageDataset LoadDataset(string data)
    {
        ImageDataset dataset;
        if (Directory.Exists(data)) dataset = FolderDataset.Load(data);
        else if (File.Exists(data) && data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) dataset = ManifestDataset.Load(data);
        else throw new DatasetException($"{data}: not found (give a .csv manifest path,label[,mask] or a folder root/<class>/<image>)");
        if (dataset.Classes.Count < 2)
            throw new DatasetException($"{data}: only one class ('{string.Join("", dataset.Classes)}'); GMIC needs a negative class and at least one finding class");
        return dataset;
    }

    /// <summary>
    /// The data of <paramref name="o"/>: a CSV with target columns (setting targets) or any screening column (view,
    /// laterality, patient, exam, reader) is read by <see cref="ScreeningManifest"/>; other CSVs and folders as before
    /// (single-label, the first class negative).
    /// </summary>
    /// <exception cref="DatasetException">Missing data, a bad row (named), or a single class.</exception>
    public static ScreeningData LoadData(GmicTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var data = o.Data;
        if (File.Exists(data) && data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            && (o.Targets is { Count: > 0 } || ScreeningManifest.HasScreeningColumns(data)))
            return ScreeningManifest.Load(data, o.Targets);
        if (o.Targets is { Count: > 0 }) throw new DatasetException($"{data}: target columns [{string.Join(", ", o.Targets)}] need a CSV manifest");
        var dataset = LoadDataset(data);
        return new ScreeningData(data, dataset, GmicLabelScheme.SingleLabel(dataset.Classes), new Dictionary<string, ScreeningImageInfo>(),
            HasViews: false, HasLaterality: false, HasReader: false, HasPatient: false);
    }

    /// <summary>
    /// The split of <paramref name="data"/>: a recorded split file, or the stratified split — by patient (else exam) when
    /// the manifest has such ids, so every image of a patient lands in one part (stratified by the patient's largest label).
    /// </summary>
    public static DatasetSplit Split(ScreeningData data, GmicTrainingOptions o, string? splitFile = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.HasPatient || (splitFile ?? o.SplitFile) is not null) return Split(data.Dataset, o, splitFile);
        var dataset = data.Dataset;
        var groups = dataset.Items.Select(i => data.GroupOf(i.Path)).ToArray();
        var order = groups.Distinct(StringComparer.Ordinal).ToList();
        var representatives = order.Select(g => dataset.Items.Where((_, i) => groups[i] == g).MaxBy(i => i.Label)!).ToList();
        var parts = DatasetSplitter.Split(dataset.WithItems(representatives), o.Split[0], o.Split[1], o.Split[2], o.Seed);
        var partOf = DatasetSplit.Names.SelectMany(n => parts[n].Items.Select(i => (Group: data.GroupOf(i.Path), n))).ToDictionary(x => x.Group, x => x.n, StringComparer.Ordinal);
        var split = DatasetSplitter.FromAssignment(dataset, [.. groups.Select(g => partOf[g])]);
        if (split.Train.Count == 0 || split.Val.Count == 0)
            throw new DatasetException($"{o.Data}: the training or validation split is empty ({order.Count} patients); use more data");
        return split;
    }

    /// <summary>The stratified split (or the one of <paramref name="splitFile"/>), with non-empty training and validation parts.</summary>
    public static DatasetSplit Split(ImageDataset dataset, GmicTrainingOptions o, string? splitFile = null)
    {
        var file = splitFile ?? o.SplitFile;
        var split = file is not null ? SplitFile.Read(file, dataset) : DatasetSplitter.Split(dataset, o.Split[0], o.Split[1], o.Split[2], o.Seed);
        if (split.Train.Count == 0 || split.Val.Count == 0)
            throw new DatasetException($"{o.Data}: the training or validation split is empty ({dataset.Count} images); use more data");
        return split;
    }

    /// <summary>Whether a larger monitored metric is better.</summary>
    public static MetricGoal GoalOf(string monitor) => monitor.EndsWith("loss", StringComparison.Ordinal) ? MetricGoal.Minimize : MetricGoal.Maximize;
}
