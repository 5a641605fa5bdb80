using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Explain;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Optim.Schedulers;
using MedLearn.Training;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// Turns <see cref="ClassificationTrainingOptions"/> into the pieces of a run: the dataset, its split, the model
/// manifest, the optimiser and the learning-rate schedule. Each check names the option or file at fault.
/// </summary>
public static class ClassificationSetup
{
    /// <summary>Checks ranges and names; the message names the key as written in run.yaml.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static void Validate(ClassificationTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Check(!string.IsNullOrWhiteSpace(o.Data), "data: no data given (a folder root/<class>/<image> or a CSV manifest)");
        Check(ModelRegistry.Names.Contains(o.Model, StringComparer.OrdinalIgnoreCase),
            $"model: unknown architecture '{o.Model}'{(NameSuggestion.Closest(o.Model, ModelRegistry.Names) is { } guess ? $" (did you mean '{guess}'?)" : "")}; known: {string.Join(", ", ModelRegistry.Names)}");
        Check(o.Epochs >= 1, $"epochs: must be >= 1 (got {o.Epochs})");
        if (ModelRegistry.Names.Contains(o.Model, StringComparer.OrdinalIgnoreCase)) ModelRegistry.CheckOptions(o.Model, o.ModelOptions);
        Check(ExplainMethods.TryParse(o.ExplainMethod) is not null, $"explain-method: must be {string.Join(", ", ExplainMethods.Names)} (got '{o.ExplainMethod}')");
        Check(o.ExplainSamples >= 0, $"explain-samples: must be >= 0 (got {o.ExplainSamples})");
        Check(o.BatchSize >= 1, $"batch-size: must be >= 1 (got {o.BatchSize})");
        Check(o.EvalBatchSize >= 1, $"eval-batch-size: must be >= 1 (got {o.EvalBatchSize})");
        Check(o.LearningRate > 0 && double.IsFinite(o.LearningRate), $"learning-rate: must be > 0 (got {o.LearningRate})");
        Check(o.Momentum is >= 0 and < 1, $"momentum: must be in [0, 1) (got {o.Momentum})");
        Check(o.WeightDecay >= 0, $"weight-decay: must be >= 0 (got {o.WeightDecay})");
        Check(o.HeadLearningRateMultiplier > 0, $"head-learning-rate-multiplier: must be > 0 (got {o.HeadLearningRateMultiplier})");
        Check(o.Optimizer is "sgd" or "adam" or "adamw", $"optimizer: must be sgd, adam or adamw (got '{o.Optimizer}')");
        Check(o.Scheduler is "step" or "cosine" or "plateau" or "none", $"scheduler: must be step, cosine, plateau or none (got '{o.Scheduler}')");
        Check(o.StepSize >= 1, $"step-size: must be >= 1 (got {o.StepSize})");
        Check(o.Gamma is > 0 and <= 1, $"gamma: must be in (0, 1] (got {o.Gamma})");
        Check(o.Channels is 1 or 3, $"channels: must be 1 or 3 (got {o.Channels})");
        Check(o.ImageSize is null or >= 8, $"image-size: must be >= 8 (got {o.ImageSize})");
        Check(o.ResizeSize is null || o.ResizeSize >= (o.ImageSize ?? 8), $"resize-size: must be >= image-size (got {o.ResizeSize})");
        Check(o.CropScale.Count == 2 && o.CropScale[0] > 0 && o.CropScale[0] <= o.CropScale[1] && o.CropScale[1] <= 1, "crop-scale: must be [min, max] with 0 < min <= max <= 1");
        Check(o.CropRatio.Count == 2 && o.CropRatio[0] > 0 && o.CropRatio[0] <= o.CropRatio[1], "crop-ratio: must be [min, max] with 0 < min <= max");
        Check(o.HorizontalFlip is >= 0 and <= 1, $"horizontal-flip: must be a probability (got {o.HorizontalFlip})");
        Check(o.Mean is null || o.Mean.Count == o.Channels, $"mean: needs {o.Channels} values (one per input channel)");
        Check(o.Std is null || o.Std.Count == o.Channels && o.Std.All(s => s > 0), $"std: needs {o.Channels} positive values");
        Check(o.Split.Count == 3 && o.Split.All(f => f >= 0) && Math.Abs(o.Split.Sum() - 1) < 1e-6 && o.Split[0] > 0 && o.Split[1] > 0,
            $"split: needs three fractions train, val, test (>= 0, train and val > 0, sum 1); got [{string.Join(", ", o.Split)}]");
        Check(o.ClassWeights is "none" or "balanced", $"class-weights: must be none or balanced (got '{o.ClassWeights}')");
        Check(o.LabelSmoothing is >= 0 and < 1, $"label-smoothing: must be in [0, 1) (got {o.LabelSmoothing})");
        Check(o.GradientClipNorm is null or > 0, $"gradient-clip-norm: must be > 0 (got {o.GradientClipNorm})");
        Check(MonitorNames.Contains(o.Monitor), $"monitor: must be one of {string.Join(", ", MonitorNames)} (got '{o.Monitor}')");
        Check(o.KeepBest >= 1, $"keep-best: must be >= 1 (got {o.KeepBest})");
        Check(o.EarlyStoppingPatience is null or >= 1, $"early-stopping-patience: must be >= 1 (got {o.EarlyStoppingPatience})");
        Check(o.Workers is >= 0 and <= 64, $"workers: must be in 0..64 (got {o.Workers})");
        Check(o.BootstrapSamples >= 0, $"bootstrap-samples: must be >= 0 (got {o.BootstrapSamples})");
        Check(o.LatencyImages >= 0 && o.LatencyWarmup >= 0, "latency-images and latency-warmup: must be >= 0");
        Check(o.ReportSamples >= 0, $"report-samples: must be >= 0 (got {o.ReportSamples})");
        Check(o.ClassOrder is null || o.ClassOrder.Count >= 2 && o.ClassOrder.Distinct(StringComparer.Ordinal).Count() == o.ClassOrder.Count,
            "class-order: needs at least two distinct class names");
        Check(!o.Monitor.Contains("kappa", StringComparison.Ordinal) || o.Ordinal, $"monitor: {o.Monitor} (weighted kappa) is for ordinal classes; set ordinal: true with class-order, or monitor val_accuracy / val_macro_f1");
    }

    /// <summary>The metrics <see cref="ClassificationTrainingOptions.Monitor"/> accepts.</summary>
    public static IReadOnlyList<string> MonitorNames { get; } =
        ["val_accuracy", "val_loss", "val_balanced_accuracy", "val_macro_f1", "val_auc", "val_kappa_quadratic", "train_loss"];

    /// <summary>Whether the monitored metric improves upward.</summary>
    public static MetricGoal GoalOf(string monitor) => monitor.EndsWith("loss", StringComparison.Ordinal) ? MetricGoal.Minimize : MetricGoal.Maximize;

    /// <summary>
    /// Loads a classification dataset by the rule of <see cref="DatasetLayout.Open"/> (class folders
    /// <c>root/&lt;class&gt;/&lt;image&gt;</c>, a folder with labels.csv, or a CSV manifest), and checks it can train a
    /// classifier (at least two classes, every class with images).
    /// </summary>
    /// <param name="data">The folder or CSV.</param>
    /// <param name="requireLabels">Refuse manifest rows with an empty label (supervised training), naming the file and row.</param>
    /// <exception cref="DatasetException">Missing data, not a classification layout, one class, an empty class, an unlabeled row (the message names it).</exception>
    public static ImageDataset LoadDataset(string data, bool requireLabels = false)
    {
        var (dataset, kind) = DatasetLayout.Open(data, new ManifestOptions { RequireLabels = requireLabels });
        if (kind is not (DatasetKind.ClassFolders or DatasetKind.Manifest or DatasetKind.FolderManifest))
            throw new DatasetException($"{data}: a {DatasetLayout.Describe(kind)} dataset, not a classification one (give a folder root/<class>/<image>, a folder with {DatasetLayout.ManifestFileName}, or a .csv manifest path,label)");
        if (dataset.Classes.Count < 2)
            throw new DatasetException($"{data}: only one class ('{string.Join("", dataset.Classes)}'); a classifier needs at least two classes");
        var counts = ClassBalance.Counts(dataset);
        var empty = dataset.Classes.Where((c, i) => counts[i] == 0).ToArray();
        if (empty.Length > 0) throw new DatasetException($"{data}: class{(empty.Length > 1 ? "es" : "")} {string.Join(", ", empty.Select(e => $"'{e}'"))} ha{(empty.Length > 1 ? "ve" : "s")} no images");
        return dataset;
    }

    /// <summary>
    /// <paramref name="dataset"/> with its classes in <paramref name="classOrder"/> (labels renumbered), or unchanged when
    /// the order is null. The order must name every class of the data exactly once.
    /// </summary>
    /// <exception cref="DatasetException">The order misses a class of the data or names one it does not have.</exception>
    public static ImageDataset OrderClasses(ImageDataset dataset, IReadOnlyList<string>? classOrder, string data)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (classOrder is null) return dataset;
        var missing = dataset.Classes.Where(c => !classOrder.Contains(c)).ToArray();
        var unknown = classOrder.Where(c => !dataset.Classes.Contains(c)).ToArray();
        if (missing.Length > 0 || unknown.Length > 0)
            throw new DatasetException($"class-order [{string.Join(", ", classOrder)}] does not match the classes of {data} ({string.Join(", ", dataset.Classes)})" +
                (missing.Length > 0 ? $"; missing: {string.Join(", ", missing)}" : "") + (unknown.Length > 0 ? $"; not in the data: {string.Join(", ", unknown)}" : ""));
        var order = classOrder.ToList();
        var items = dataset.Items.Select(i => i.Label < 0 ? i : i with { Label = order.IndexOf(dataset.Classes[(int)i.Label]) }).ToList();
        // A manifest stays one: its labeled and split columns still decide the labeled set and the split.
        return dataset is ManifestDataset manifest ? manifest.WithClasses(items, order) : new ImageDataset(items, order);
    }

    /// <summary>
    /// The split of <paramref name="dataset"/>, checked for usable parts: the one of <paramref name="splitFile"/> (a
    /// resumed run's split.csv) or <see cref="ClassificationTrainingOptions.SplitFile"/> when given; else the manifest's
    /// <c>split</c> column when it has one (a fixed split, as published protocols use; the split fractions are then not
    /// used and every row needs a split); else the stratified, seeded split by the fractions, in which images without a
    /// label (semi-supervised pools) all go to the training part.
    /// </summary>
    /// <exception cref="DatasetException">
    /// The training or validation part is empty, a class has no training image, a manifest row has no split while
    /// others have, or an image without a label is in the validation or test part (each named).
    /// </exception>
    public static DatasetSplit Split(ImageDataset dataset, ClassificationTrainingOptions o, string? splitFile = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(o);
        var file = splitFile ?? o.SplitFile;
        var split = file is not null ? SplitFile.Read(file, dataset)
            : dataset.Items.Any(i => i.Split is not null) ? ManifestSplit(dataset, o.Data)
            : StratifiedSplit(dataset, o);
        var misplaced = split.Val.Items.Concat(split.Test.Items).Where(i => i.Label < 0).ToList();
        if (misplaced.Count > 0)
            throw new DatasetException(o.Data, [.. misplaced.Take(20).Select(i => $"'{i.Path}' has no label but is in the {i.Split} split (images without a label can only be in train)"),
                .. misplaced.Count > 20 ? [$"... and {misplaced.Count - 20} more"] : Array.Empty<string>()]);
        if (split.Val.Count == 0) throw new DatasetException($"{o.Data}: the validation split is empty ({dataset.Count} images); use more data or a larger val fraction");
        var trainCounts = ClassBalance.Counts(split.Train);
        var missing = dataset.Classes.Where((c, i) => trainCounts[i] == 0).ToArray();
        if (missing.Length > 0) throw new DatasetException($"{o.Data}: no training image of class {string.Join(", ", missing.Select(m => $"'{m}'"))} after the split; add images");
        return split;
    }

    /// <summary>
    /// <paramref name="o"/> with every setting whose null means "derived" replaced by the value the run uses: name (the
    /// model), image-size and resize-size, mean and std (the model's, see <see cref="Manifest"/>). What
    /// config.resolved.yaml holds; running it again gives the same run.
    /// </summary>
    public static ClassificationTrainingOptions Resolve(ClassificationTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var m = Manifest(o, []);
        return o with
        {
            Name = o.Name ?? o.Model, ImageSize = m.ImageSize, ResizeSize = m.ResizeSize, Mean = m.Mean, Std = m.Std,
            ModelOptions = m.ModelOptions ?? o.ModelOptions,
        };
    }

    /// <summary>The manifest's split column; every row must have one.</summary>
    private static DatasetSplit ManifestSplit(ImageDataset dataset, string data)
    {
        var without = dataset.Items.Where(i => i.Split is null).ToList();
        if (without.Count > 0)
            throw new DatasetException($"{data}: the split column is used (a fixed split) but {without.Count} row{(without.Count == 1 ? " has" : "s have")} no split, e.g. '{without[0].Path}'; give train/val/test on every row or leave the column empty everywhere");
        return DatasetSplitter.FromAssignment(dataset, [.. dataset.Items.Select(i => i.Split!)]);
    }

    /// <summary>The stratified split of the labeled images; images without a label all go to train.</summary>
    private static DatasetSplit StratifiedSplit(ImageDataset dataset, ClassificationTrainingOptions o)
    {
        var withLabel = Enumerable.Range(0, dataset.Count).Where(i => dataset.Items[i].Label >= 0).ToArray();
        if (withLabel.Length == dataset.Count) return DatasetSplitter.Split(dataset, o.Split[0], o.Split[1], o.Split[2], o.Seed);
        // Splitting the labeled subset gives the same split the labeled images would get alone (groups keep their order).
        var labeled = DatasetSplitter.Split(dataset.Subset(withLabel), o.Split[0], o.Split[1], o.Split[2], o.Seed);
        var partOf = DatasetSplit.Names.SelectMany(n => labeled[n].Items.Select(i => (i.Path, n))).ToDictionary(x => x.Path, x => x.n, StringComparer.Ordinal);
        return DatasetSplitter.FromAssignment(dataset, [.. dataset.Items.Select(i => i.Label < 0 ? "train" : partOf[i.Path])]);
    }

    /// <summary>
    /// Decodes every image of <paramref name="split"/> once, in parallel, before training (<see cref="ImageCheck"/>):
    /// under fail an unreadable or non-2D image is an error naming the files; under skip they are recorded in
    /// <paramref name="skipped"/> and left out of every part. The parts are checked again afterwards.
    /// </summary>
    /// <exception cref="DatasetException">Unreadable images under fail, or a part became unusable.</exception>
    public static DatasetSplit CheckImages(DatasetSplit split, ClassificationTrainingOptions o, SkippedImages skipped, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(o);
        var problems = ImageCheck.FindUnreadable([.. split.Train.Items, .. split.Val.Items, .. split.Test.Items], spatialDims: 2, cancellation: cancellation);
        var kept = ImageCheck.Enforce(split, problems, o.OnError, skipped);
        if (kept.Val.Count == 0) throw new DatasetException($"{o.Data}: every validation image is unreadable");
        var trainCounts = ClassBalance.Counts(kept.Train);
        var missing = kept.Train.Classes.Where((c, i) => trainCounts[i] == 0).ToArray();
        if (missing.Length > 0) throw new DatasetException($"{o.Data}: no readable training image of class {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        return kept;
    }

    /// <summary>
    /// <paramref name="o"/> with its file paths (data, weights, split-file, out) made absolute, so a run records where
    /// its data is whatever folder it is later resumed from.
    /// </summary>
    public static ClassificationTrainingOptions WithAbsolutePaths(ClassificationTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return o with
        {
            Data = Absolute(o.Data)!,
            Weights = Absolute(o.Weights),
            SplitFile = Absolute(o.SplitFile),
            Out = Absolute(o.Out)!,
        };
    }

    internal static string? Absolute(string? path) => string.IsNullOrWhiteSpace(path) ? path : Path.GetFullPath(path);

    /// <summary>The manifest of the model the options describe (input size, resize, normalisation defaults from the registry).</summary>
    public static ClassifierManifest Manifest(ClassificationTrainingOptions o, IReadOnlyList<string> classes)
    {
        var info = ModelRegistry.Info(o.Model);
        var size = o.ImageSize ?? info.InputSize;
        // The weights' own resize (e.g. EfficientNet-B3 320 for 300) at their crop size; else torchvision's 256/224 ratio.
        var resize = o.ResizeSize ?? (o.ImageSize is null && info.ResizeSize is int r ? r : (int)Math.Round(size * 256.0 / 224.0));
        // A 1-channel network sees luminance: one mean/std, the average of the RGB ones.
        IReadOnlyList<double> mean = o.Mean ?? (o.Channels == 3 ? info.Mean : [info.Mean.Average()]);
        IReadOnlyList<double> std = o.Std ?? (o.Channels == 3 ? info.Std : [info.Std.Average()]);
        return new ClassifierManifest(info.Name, classes, o.Channels, size, resize, mean, std, o.Seed)
        {
            Ordinal = o.Ordinal,
            ModelOptions = ModelRegistry.Resolve(info.Name, o.ModelOptions is { IsDefault: true } ? null : o.ModelOptions),
        };
    }

    /// <summary>The optimiser over the trainable parameters (head in its own group when its multiplier is not 1).</summary>
    public static Optimizer Optimizer(ImageClassifier model, ClassificationTrainingOptions o)
    {
        var named = model.NamedParameters().Where(p => p.Parameter.RequiresGrad).ToArray();
        if (named.Length == 0) throw new ArgumentException("freeze: every parameter is frozen; nothing to train");
        // Every class-output layer (Inception-v3's auxiliary head too) learns at the head's rate.
        bool IsHead(string name) => model.HeadNames.Any(h => name.StartsWith(h + ".", StringComparison.Ordinal));
        var head = named.Where(p => IsHead(p.Name)).Select(p => p.Parameter).ToArray();
        var body = named.Where(p => !IsHead(p.Name)).Select(p => p.Parameter).ToArray();
        // One group when the head learns at the base rate (as PyTorch users write it); else body and head groups.
        var groups = new List<(Tensor[] Parameters, double Lr)>();
        if (o.HeadLearningRateMultiplier == 1.0) groups.Add(([.. named.Select(p => p.Parameter)], o.LearningRate));
        else
        {
            if (body.Length > 0) groups.Add((body, o.LearningRate));
            if (head.Length > 0) groups.Add((head, o.LearningRate * o.HeadLearningRateMultiplier));
        }
        return o.Optimizer switch
        {
            "sgd" => new SGD(groups.Select(g => new SgdParamGroup(g.Item1) { Lr = g.Item2 }), o.LearningRate, o.Momentum, weightDecay: o.WeightDecay),
            "adam" => new Adam(groups.Select(g => new AdamParamGroup(g.Item1) { Lr = g.Item2 }), o.LearningRate, weightDecay: o.WeightDecay),
            _ => new AdamW(groups.Select(g => new AdamParamGroup(g.Item1) { Lr = g.Item2 }), o.LearningRate, weightDecay: o.WeightDecay),
        };
    }

    /// <summary>The learning-rate schedule, or null for "none".</summary>
    public static LearningRateSchedule? Schedule(Optimizer optimizer, ClassificationTrainingOptions o) => o.Scheduler switch
    {
        "step" => LearningRateSchedule.PerEpoch(new StepLR(optimizer, o.StepSize, o.Gamma)),
        "cosine" => LearningRateSchedule.PerEpoch(new CosineAnnealingLR(optimizer, o.Epochs)),
        "plateau" => LearningRateSchedule.OnPlateau(new ReduceLROnPlateau(optimizer,
            GoalOf(o.Monitor) == MetricGoal.Maximize ? PlateauMode.Max : PlateauMode.Min, o.Gamma, Math.Max(1, o.StepSize / 2))),
        _ => null,
    };
}
