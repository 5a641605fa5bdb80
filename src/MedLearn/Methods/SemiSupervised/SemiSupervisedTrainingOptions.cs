using MedLearn.Training;
using MedLearn.Data.Loading;
using MedLearn.Torch.Amp;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// Every setting of a semi-supervised classification run (<c>medlearn train semi</c>) — the shape of its
/// <c>run.yaml</c> and <c>config.resolved.yaml</c> (kebab-case keys). Defaults are method 1 (SRC-MT ROP staging):
/// DenseNet-121, 20% of the training split labeled, batches of 12 labeled + 36 unlabeled images (an epoch is one
/// pass over the labeled images), two views per image (Resize 224, RandomAffine ±10° / translate 2%, horizontal flip,
/// ImageNet normalisation), Adam lr 1e-4 weight decay 5e-4, lr × 0.9 per epoch, EMA teacher (decay 0.99, batch-norm
/// buffers not averaged), λ(e) = 1 · sigmoid_rampup(e, 30), β = 1, consistency over the whole batch from epoch 0,
/// Dropout(0.2) before the head. Run-folder, evaluation and report settings are those of
/// <c>train classify</c> (<see cref="Supervised.ClassificationTrainingOptions"/>).
/// </summary>
public sealed record SemiSupervisedTrainingOptions : IEpochTrainingSettings
{
    /// <summary>Data: a folder <c>root/&lt;class&gt;/&lt;image&gt;</c> or a CSV manifest (path,label).</summary>
    public string Data { get; init; } = "";

    /// <summary>supervised (labeled images only), mean-teacher (+ L_pred) or src-mt (+ L_pred + L_rel).</summary>
    public SemiSupervisedMethod Method { get; init; } = SemiSupervisedMethod.SrcMt;

    /// <summary>Fraction of each class of the training split whose labels are used, in (0, 1]; the rest is unlabeled.</summary>
    public double LabeledFraction { get; init; } = 0.2;

    /// <summary>Backbone from the model registry: densenet121 (default), resnet18, resnet50, resnet34 or small-cnn.</summary>
    public string Model { get; init; } = "densenet121";

    /// <summary>Architecture options (<c>model-options.width</c>, <c>.depth</c>, <c>.dropout</c>; small-cnn only); null values = the architecture's defaults.</summary>
    public Models.ModelOptions ModelOptions { get; init; } = new();

    /// <summary>A torchvision/PyTorch state_dict (e.g. ImageNet weights) loaded into student and teacher; null = random init.</summary>
    public string? Weights { get; init; }

    /// <summary>
    /// True (default): <see cref="Weights"/> must fit the model exactly (a re-initialised head aside); any missing,
    /// unexpected or mis-shaped key is an error. False: load the matching entries and record the rest.
    /// </summary>
    public bool WeightsStrict { get; init; } = true;

    /// <summary>Folder under which the run folder is created.</summary>
    public string Out { get; init; } = "runs";

    /// <summary>Label in the run folder's name (default: method, fraction and model).</summary>
    public string? Name { get; init; }

    /// <summary>Seed of everything random: weights, split, labeled subset, batches, augmentation, dropout.</summary>
    public ulong Seed { get; init; }

    /// <summary>Epochs (one epoch = one pass over the labeled images, see <see cref="MinBatchesPerEpoch"/>).</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Labeled images per batch (the primary stream).</summary>
    public int LabeledBatchSize { get; init; } = 12;

    /// <summary>Unlabeled images per batch (the secondary stream, cycling over the unlabeled images).</summary>
    public int UnlabeledBatchSize { get; init; } = 36;

    /// <summary>
    /// Null (default) = an epoch is one pass over the labeled images (floor(n / labeled-batch-size) batches). A number
    /// m = when one pass gives fewer than m batches, each epoch passes over r = ceil(m · labeled-batch-size / n)
    /// independently augmented copies of the labeled set instead (every labeled image r times, in one shuffled order),
    /// so tiny labeled sets still get m steps per epoch; epoch-based schedules (ramp-up, lr decay) count these epochs.
    /// </summary>
    public int? MinBatchesPerEpoch { get; init; }

    /// <summary>Images per evaluation batch.</summary>
    public int EvalBatchSize { get; init; } = 32;

    /// <summary>Optimiser: adam (default), adamw or sgd.</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>Learning rate.</summary>
    [Runs.ConfigAlias("lr")]
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>SGD momentum (sgd only).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay (L2 for Adam/SGD, decoupled for AdamW).</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Learning-rate schedule: step (StepLR per epoch; with step-size 1 and gamma 0.9 the method's × 0.9 per epoch), cosine, plateau or none.</summary>
    public string Scheduler { get; init; } = "step";

    /// <summary>StepLR step size in epochs.</summary>
    public int StepSize { get; init; } = 1;

    /// <summary>StepLR / plateau decay factor.</summary>
    public double Gamma { get; init; } = 0.9;

    /// <summary>Numeric precision: auto, fp32 or bf16.</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>Network input size (square); null = the model's (224 for ImageNet models).</summary>
    public int? ImageSize { get; init; }

    /// <summary>Shorter-side resize before the centre crop to <see cref="ImageSize"/> (training and evaluation); null = the image size
    /// (for square images exactly the method's Resize(224)).</summary>
    public int? ResizeSize { get; init; }

    /// <summary>Input channels: 3 (gray repeated) or 1 (first conv's RGB filters summed).</summary>
    public int Channels { get; init; } = 3;

    /// <summary>RandomAffine rotation range ±degrees.</summary>
    public double RotationDegrees { get; init; } = 10;

    /// <summary>RandomAffine maximum translation as a fraction of the size (both axes).</summary>
    public double Translate { get; init; } = 0.02;

    /// <summary>Probability of a horizontal flip.</summary>
    public double HorizontalFlip { get; init; } = 0.5;

    /// <summary>Colour jitter strength j of each view (torchvision <c>ColorJitter(brightness=j, contrast=j, saturation=j)</c>,
    /// after the flip); 0 (default, the method's views) = off. Stronger views give the consistency losses more to agree on.</summary>
    public double ColorJitter { get; init; }

    /// <summary>Standard deviation of additive Gaussian noise on each normalised view (the mean-teacher paper's input
    /// noise); 0 (default) = off.</summary>
    public double NoiseStd { get; init; }

    /// <summary>Normalisation mean per channel; null = the model's (ImageNet).</summary>
    public IReadOnlyList<double>? Mean { get; init; }

    /// <summary>Normalisation standard deviation per channel; null = the model's.</summary>
    public IReadOnlyList<double>? Std { get; init; }

    /// <summary>
    /// The classes are ordered grades or stages (e.g. ROP stages, tumour grades): reports, tiles and sweeps then lead with
    /// the weighted kappas (linear, quadratic) and describe the order; otherwise they lead with accuracy, macro F1 and
    /// AUC and show no weighted kappa (it means nothing for unordered classes). Set <see cref="ClassOrder"/> with it.
    /// </summary>
    public bool Ordinal { get; init; }

    /// <summary>
    /// Class names in output order, lowest stage first (e.g. [normal, stage1, stage2, stage3]); must name every class of
    /// the data exactly once. Null = the data's order (class folders sorted by name, numerically when all are numbers;
    /// a manifest's labels likewise) — alphabetical, which is rarely an ordinal order by design.
    /// </summary>
    public IReadOnlyList<string>? ClassOrder { get; init; }

    /// <summary>Fractions of the stratified train / validation / test split (sum 1); the labeled fraction applies to the train part.</summary>
    public IReadOnlyList<double> Split { get; init; } = MedLearn.Data.Datasets.DatasetSplitter.DefaultFractions;

    /// <summary>An existing split.csv to reuse instead of splitting.</summary>
    public string? SplitFile { get; init; }

    /// <summary>Class weighting of the cross-entropy: none or balanced (inverse frequency of the labeled images).</summary>
    public string ClassWeights { get; init; } = "none";

    /// <summary>w: weight of the consistency losses at the end of the ramp-up.</summary>
    public double ConsistencyWeight { get; init; } = 1.0;

    /// <summary>β: weight of the relation loss L_rel relative to L_pred (src-mt).</summary>
    public double RelationWeight { get; init; } = 1.0;

    /// <summary>Length of the sigmoid ramp-up of λ in epochs (0 = none).</summary>
    public double RampupEpochs { get; init; } = 30;

    /// <summary>First 0-based epoch with consistency losses (the reference code starts after epoch 20).</summary>
    public int ConsistencyStartEpoch { get; init; }

    /// <summary>Samples the consistency losses see: whole-batch or unlabeled.</summary>
    public ConsistencyScope ConsistencyScope { get; init; } = ConsistencyScope.WholeBatch;

    /// <summary>Per-class weights of L_pred (one per class), or null.</summary>
    public IReadOnlyList<double>? ConsistencyClassWeights { get; init; }

    /// <summary>EMA decay of the teacher.</summary>
    public double EmaDecay { get; init; } = 0.99;

    /// <summary>Batch-norm buffers in the EMA update: not-averaged (reference), copied or averaged.</summary>
    public BatchNormBufferPolicy BnBuffers { get; init; } = BatchNormBufferPolicy.NotAveraged;

    /// <summary>Dropout probability before the head.</summary>
    public double HeadDropout { get; init; } = 0.2;

    /// <summary>Feed L_rel the features after the dropout (the reference code's form) instead of before it (the paper's).</summary>
    public bool RelationAfterDropout { get; init; }

    /// <summary>Clip the gradient norm to this value; null = off.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Metric that picks the exported epoch (val_accuracy, val_loss, val_balanced_accuracy, val_macro_f1, val_auc, val_kappa_quadratic).</summary>
    public string Monitor { get; init; } = "val_accuracy";

    /// <summary>Validate every this many epochs (and after the last).</summary>
    public int ValidateEvery { get; init; } = 1;

    /// <summary>Best checkpoints kept.</summary>
    public int KeepBest { get; init; } = 1;

    /// <summary>Stop after this many epochs without improvement; null = never.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Background loader threads.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Unreadable images: fail or skip.</summary>
    public ErrorPolicy OnError { get; init; } = ErrorPolicy.Fail;

    /// <summary>Bootstrap resamples for the 95% intervals (0 = none).</summary>
    public int BootstrapSamples { get; init; } = 1000;

    /// <summary>Clinical penalty matrix cost[true][predicted]; null = not reported.</summary>
    public IReadOnlyList<IReadOnlyList<double>>? PenaltyMatrix { get; init; }

    /// <summary>Images timed for the per-image latency.</summary>
    public int LatencyImages { get; init; } = 20;

    /// <summary>Untimed warm-up forwards before the latency measurement.</summary>
    public int LatencyWarmup { get; init; } = 3;

    /// <summary>Sample predictions shown in the report.</summary>
    public int ReportSamples { get; init; } = 12;
}
