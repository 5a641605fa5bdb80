using System.Globalization;
using System.Text;
using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// Turns <see cref="SemiSupervisedTrainingOptions"/> into the pieces of a run: checks, the labeled/unlabeled
/// partition of the training split, the two-view augmentation, the two-stream loader and the loss settings. Settings
/// shared with supervised classification (split, manifest, optimiser, schedule) go through
/// <see cref="ClassificationSetup"/>.
/// </summary>
public static class SemiSupervisedSetup
{
    /// <summary>File of a run folder listing the labeled training images (<c>path,label</c>).</summary>
    public const string LabeledFileName = "labeled.csv";

    /// <summary>Checks ranges and names; the message names the key as written in run.yaml.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static void Validate(SemiSupervisedTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Check(o.LabeledFraction > 0 && o.LabeledFraction <= 1,
            $"labeled-fraction: must be in (0, 1] (got {o.LabeledFraction.ToString(CultureInfo.InvariantCulture)}); 1 = every training label, use method supervised for a fully supervised baseline");
        Check(Enum.IsDefined(o.Method), $"method: must be supervised, mean-teacher or src-mt (got {o.Method})");
        Check(o.LabeledBatchSize >= 1, $"labeled-batch-size: must be >= 1 (got {o.LabeledBatchSize})");
        Check(o.UnlabeledBatchSize >= 1, $"unlabeled-batch-size: must be >= 1 (got {o.UnlabeledBatchSize})");
        Check(o.MinBatchesPerEpoch is null or >= 1, $"min-batches-per-epoch: must be >= 1 (got {o.MinBatchesPerEpoch})");
        Check(o.RotationDegrees is >= 0 and <= 180, $"rotation-degrees: must be in [0, 180] (got {o.RotationDegrees})");
        Check(o.Translate is >= 0 and <= 1, $"translate: must be in [0, 1] (got {o.Translate})");
        Check(o.ColorJitter is >= 0 and <= 1, $"color-jitter: must be in [0, 1] (got {o.ColorJitter})");
        Check(o.NoiseStd is >= 0 && double.IsFinite(o.NoiseStd), $"noise-std: must be >= 0 (got {o.NoiseStd})");
        Check(o.HeadDropout is >= 0 and < 1, $"head-dropout: must be in [0, 1) (got {o.HeadDropout})");
        Check(o.ValidateEvery >= 1, $"validate-every: must be >= 1 (got {o.ValidateEvery})");
        Check(Enum.IsDefined(o.ConsistencyScope), $"consistency-scope: must be whole-batch or unlabeled (got {o.ConsistencyScope})");
        Check(Enum.IsDefined(o.BnBuffers), $"bn-buffers: must be not-averaged, copied or averaged (got {o.BnBuffers})");
        Settings(o, null).Validate(); // the per-class counts are checked once the classes are known
        ClassificationSetup.Validate(AsClassification(o));
    }

    /// <summary>
    /// The settings shared with supervised classification, as <see cref="ClassificationTrainingOptions"/> (batch size =
    /// the labeled batch; resize = the image size unless given), so its setup, manifest and evaluation are reused.
    /// </summary>
    public static ClassificationTrainingOptions AsClassification(SemiSupervisedTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new ClassificationTrainingOptions
        {
            Data = o.Data,
            Model = o.Model,
            Weights = o.Weights,
            WeightsStrict = o.WeightsStrict,
            Out = o.Out,
            Name = o.Name,
            Seed = o.Seed,
            Epochs = o.Epochs,
            BatchSize = o.LabeledBatchSize,
            EvalBatchSize = o.EvalBatchSize,
            Optimizer = o.Optimizer,
            LearningRate = o.LearningRate,
            Momentum = o.Momentum,
            WeightDecay = o.WeightDecay,
            Scheduler = o.Scheduler,
            StepSize = o.StepSize,
            Gamma = o.Gamma,
            Precision = o.Precision,
            ImageSize = o.ImageSize,
            ResizeSize = o.ResizeSize ?? o.ImageSize ?? Models.ModelRegistry.Info(ModelName(o)).InputSize,
            Channels = o.Channels,
            HorizontalFlip = o.HorizontalFlip,
            Mean = o.Mean,
            Std = o.Std,
            Split = o.Split,
            SplitFile = o.SplitFile,
            ClassWeights = o.ClassWeights,
            GradientClipNorm = o.GradientClipNorm,
            Monitor = o.Monitor,
            KeepBest = o.KeepBest,
            EarlyStoppingPatience = o.EarlyStoppingPatience,
            Workers = o.Workers,
            OnError = o.OnError,
            BootstrapSamples = o.BootstrapSamples,
            PenaltyMatrix = o.PenaltyMatrix,
            LatencyImages = o.LatencyImages,
            LatencyWarmup = o.LatencyWarmup,
            ReportSamples = o.ReportSamples,
            Ordinal = o.Ordinal,
            ModelOptions = o.ModelOptions,
            ClassOrder = o.ClassOrder,
        };
    }

    /// <summary>
    /// <paramref name="o"/> with every setting whose null means "derived" replaced by the value the run uses (name,
    /// image-size, resize-size, mean, std): what config.resolved.yaml holds.
    /// </summary>
    public static SemiSupervisedTrainingOptions Resolve(SemiSupervisedTrainingOptions o, string defaultName)
    {
        ArgumentNullException.ThrowIfNull(o);
        var m = ClassificationSetup.Manifest(AsClassification(o), []);
        return o with
        {
            Name = o.Name ?? defaultName, ImageSize = m.ImageSize, ResizeSize = m.ResizeSize, Mean = m.Mean, Std = m.Std,
            ModelOptions = m.ModelOptions ?? o.ModelOptions,
        };
    }

    // The registry name for lookups; an unknown name is reported by ClassificationSetup.Validate.
    private static string ModelName(SemiSupervisedTrainingOptions o) =>
        Models.ModelRegistry.Names.FirstOrDefault(n => string.Equals(n, o.Model, StringComparison.OrdinalIgnoreCase)) ?? Models.ModelRegistry.Names[0];

    /// <summary>The loss and teacher settings of <paramref name="o"/> for the method actually run.</summary>
    /// <param name="o">The options.</param>
    /// <param name="classWeights">Cross-entropy class weights (from class-weights: balanced), or null.</param>
    /// <param name="method">The method to run (default: the configured one).</param>
    public static MeanTeacherSettings Settings(SemiSupervisedTrainingOptions o, double[]? classWeights, SemiSupervisedMethod? method = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new MeanTeacherSettings
        {
            Method = method ?? o.Method,
            ConsistencyWeight = o.ConsistencyWeight,
            RelationWeight = o.RelationWeight,
            RampUpEpochs = o.RampupEpochs,
            ConsistencyStartEpoch = o.ConsistencyStartEpoch,
            Scope = o.ConsistencyScope,
            EmaDecay = o.EmaDecay,
            BufferPolicy = o.BnBuffers,
            ConsistencyClassWeights = o.ConsistencyClassWeights,
            ClassWeights = classWeights,
            RelationFeaturesAfterDropout = o.RelationAfterDropout,
        };
    }

    /// <summary>
    /// The training augmentation of one view (applied independently to each of the two views): intensities to [0, 1],
    /// the network's channels, Resize(shorter side) + CenterCrop to the input size, RandomAffine(±degrees, translate),
    /// horizontal flip, optional colour jitter, normalisation, optional Gaussian noise.
    /// </summary>
    public static ITransform TrainTransform(ClassifierManifest manifest, SemiSupervisedTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(o);
        var steps = new List<ITransform>
        {
            new ScaleIntensity(),
            new ToChannels(manifest.InChannels),
            new Resize(manifest.ResizeSize),
            new CenterCrop(manifest.ImageSize, manifest.ImageSize),
            new RandomAffine(o.RotationDegrees, o.Translate > 0 ? [o.Translate, o.Translate] : null),
            new RandomFlip(o.HorizontalFlip),
        };
        if (o.ColorJitter > 0)
            steps.Add(new ColorJitter(o.ColorJitter, o.ColorJitter, o.ColorJitter));
        steps.Add(new Normalize([.. manifest.Mean], [.. manifest.Std]));
        if (o.NoiseStd > 0)
            steps.Add(new GaussianNoise(o.NoiseStd, probability: 1));
        return new Compose([.. steps]);
    }

    /// <summary>
    /// The training split with a stratified, seeded fraction of each class marked labeled
    /// (<see cref="DatasetSplitter.WithLabeledFraction"/>: the same subset for every method at one fraction and seed, and
    /// for one seed the subset of a smaller fraction is contained in that of a larger one), or the subset listed in
    /// <paramref name="labeledFile"/> when given.
    /// </summary>
    public static ImageDataset Partition(ImageDataset train, SemiSupervisedTrainingOptions o, string? labeledFile = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(o);
        return labeledFile is not null ? DatasetSplitter.WithLabeledPaths(train, ReadLabeledFile(labeledFile))
            : DatasetSplitter.WithLabeledFraction(train, o.LabeledFraction, o.Seed);
    }

    /// <summary>Writes the labeled images of <paramref name="train"/> (<c>path,label</c>, absolute paths) atomically.</summary>
    public static void WriteLabeledFile(string path, ImageDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var sb = new StringBuilder("path,label\n");
        foreach (var item in train.Items.Where(i => i.Labeled && i.Label >= 0))
            sb.Append(CsvTable.Escape(item.Path)).Append(',').Append(CsvTable.Escape(train.Classes[item.Label])).Append('\n');
        AtomicText.Write(path, sb.ToString());
    }

    /// <summary>The paths listed in a labeled.csv.</summary>
    /// <exception cref="DatasetException">The file is missing or has no path column.</exception>
    public static IReadOnlyList<string> ReadLabeledFile(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: not found (the list of labeled training images)");
        using var reader = new StreamReader(path);
        var rows = CsvTable.Parse(reader, path);
        if (rows.Count == 0) throw new DatasetException($"{path}: empty (header path,label expected)");
        var header = CsvTable.Header(rows[0], path);
        if (!header.TryGetValue("path", out var col)) throw new DatasetException($"{path}: no 'path' column");
        return [.. rows.Skip(1).Select(r => r.Fields[col])];
    }

    /// <summary>
    /// The training loader of <paramref name="method"/> over the partitioned training split: for the teacher methods
    /// two-stream batches (labeled-batch-size labeled + unlabeled-batch-size unlabeled, <see cref="TwoStreamBatchSampler"/>)
    /// with two views per image; for the supervised method shuffled batches of labeled-batch-size labeled images with one
    /// view (the same number of batches per epoch). With <see cref="SemiSupervisedTrainingOptions.MinBatchesPerEpoch"/>
    /// the labeled set is repeated as described there.
    /// </summary>
    /// <exception cref="DatasetException">Fewer labeled images than the labeled batch size, or (teacher methods) no unlabeled image.</exception>
    public static SemiSupervisedBatches TrainLoader(ImageDataset train, ITransform transform, SemiSupervisedTrainingOptions o, SemiSupervisedMethod method)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(o);
        var labeled = train.LabeledIndices().Where(i => train.Items[i].Label >= 0).ToArray();
        var unlabeled = train.UnlabeledIndices();
        if (labeled.Length < o.LabeledBatchSize)
            throw new DatasetException($"labeled-fraction {o.LabeledFraction.ToString(CultureInfo.InvariantCulture)} leaves {labeled.Length} labeled training image{(labeled.Length == 1 ? "" : "s")}, " +
                $"fewer than labeled-batch-size {o.LabeledBatchSize}; use a larger labeled fraction or a smaller labeled batch");
        var passBatches = labeled.Length / o.LabeledBatchSize;
        var repeats = o.MinBatchesPerEpoch is int m && passBatches < m ? (int)Math.Ceiling((double)m * o.LabeledBatchSize / labeled.Length) : 1;
        // Repeats are appended copies of the labeled items: distinct dataset indices, hence independent augmentation streams.
        var items = train.Items.ToList();
        var primary = labeled.ToList();
        for (var r = 1; r < repeats; r++)
            foreach (var i in labeled) { primary.Add(items.Count); items.Add(train.Items[i]); }
        var dataset = train.WithItems(items);
        var loaderOptions = new DataLoaderOptions { Seed = o.Seed, Workers = o.Workers, OnError = o.OnError };
        DataLoader loader;
        if (method == SemiSupervisedMethod.Supervised)
        {
            loader = new DataLoader(dataset.Subset(primary), transform,
                loaderOptions with { BatchSize = o.LabeledBatchSize, Shuffle = true, DropLast = true, Views = 1 });
        }
        else
        {
            if (unlabeled.Length == 0)
                throw new DatasetException($"the training split has no unlabeled image (labeled-fraction {o.LabeledFraction.ToString(CultureInfo.InvariantCulture)}); {method} needs unlabeled images");
            var sampler = new TwoStreamBatchSampler(primary, unlabeled, o.LabeledBatchSize, o.UnlabeledBatchSize, o.Seed);
            loader = new DataLoader(dataset, transform, loaderOptions with { Views = 2 }, sampler);
        }
        return new SemiSupervisedBatches(loader, method, labeled.Length, unlabeled.Length, repeats);
    }
}

/// <summary>The training loader of a semi-supervised run and what it was built from.</summary>
/// <param name="Loader">The loader (two-stream with two views, or labeled-only with one view).</param>
/// <param name="Method">The method it serves.</param>
/// <param name="Labeled">Labeled training images.</param>
/// <param name="Unlabeled">Unlabeled training images.</param>
/// <param name="LabeledRepeats">Passes over the labeled images per epoch (1 unless min-batches-per-epoch asked for more).</param>
public sealed record SemiSupervisedBatches(DataLoader Loader, SemiSupervisedMethod Method, int Labeled, int Unlabeled, int LabeledRepeats);
