using MedLearn.Training;
using MedLearn.Data.Loading;
using MedLearn.Torch.Amp;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// Every setting of a supervised (transfer-learning) classification run — the shape of <c>run.yaml</c> and of
/// <c>config.resolved.yaml</c> (keys in kebab-case, e.g. <c>learning-rate</c>). Defaults are the endoscopy
/// recipe of method 5: ResNet-50, SGD lr 0.001 momentum 0.9, StepLR 7 / 0.1 per epoch, 25 epochs,
/// RandomResizedCrop 224 (scale 0.08–1, ratio 3/4–4/3) + horizontal flip for training, Resize 256 +
/// CenterCrop 224 for evaluation, ImageNet normalisation, best validation accuracy kept.
/// </summary>
public sealed record ClassificationTrainingOptions : IEpochTrainingSettings
{
    /// <summary>Data: a folder <c>root/&lt;class&gt;/&lt;image&gt;</c> or a CSV manifest (path,label).</summary>
    public string Data { get; init; } = "";

    /// <summary>Architecture from the model registry (resnet18/34/50, densenet121, small-cnn).</summary>
    public string Model { get; init; } = "resnet50";

    /// <summary>Architecture options (<c>model-options.width</c>, <c>.depth</c>, <c>.dropout</c>; small-cnn only); null values = the architecture's defaults.</summary>
    public Models.ModelOptions ModelOptions { get; init; } = new();

    /// <summary>A torchvision/PyTorch state_dict (.pth, zip format) to start from (ImageNet weights), or null for random init.</summary>
    public string? Weights { get; init; }

    /// <summary>
    /// True (default): <see cref="Weights"/> must fit the model exactly (a re-initialised head aside); any missing,
    /// unexpected or mis-shaped key is an error. False: load the matching entries and record the rest.
    /// </summary>
    public bool WeightsStrict { get; init; } = true;

    /// <summary>Folder under which the run folder is created (never overwritten).</summary>
    public string Out { get; init; } = "runs";

    /// <summary>Label in the run folder's name (default: the model name).</summary>
    public string? Name { get; init; }

    /// <summary>Seed of everything random: weights, split, data order, augmentation, dropout.</summary>
    public ulong Seed { get; init; }

    /// <summary>Epochs.</summary>
    public int Epochs { get; init; } = 25;

    /// <summary>Images per training batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Images per evaluation batch.</summary>
    public int EvalBatchSize { get; init; } = 32;

    /// <summary>Optimiser: sgd, adam or adamw.</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>Learning rate (of the backbone when <see cref="HeadLearningRateMultiplier"/> is not 1).</summary>
    [Runs.ConfigAlias("lr")]
    public double LearningRate { get; init; } = 0.001;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay (L2 for SGD/Adam, decoupled for AdamW).</summary>
    public double WeightDecay { get; init; }

    /// <summary>The head (fc/classifier) learns at this multiple of <see cref="LearningRate"/> (its own parameter group).</summary>
    public double HeadLearningRateMultiplier { get; init; } = 1.0;

    /// <summary>Parameter-name globs to freeze (e.g. <c>layer1.*</c>).</summary>
    public IReadOnlyList<string> Freeze { get; init; } = [];

    /// <summary>Globs unfrozen after <see cref="Freeze"/> (e.g. freeze <c>*</c>, unfreeze <c>fc.*</c> = linear probing).</summary>
    public IReadOnlyList<string> Unfreeze { get; init; } = [];

    /// <summary>Learning-rate schedule: step (StepLR per epoch), cosine (per epoch to 0), plateau (on the monitored metric) or none.</summary>
    public string Scheduler { get; init; } = "step";

    /// <summary>StepLR step size in epochs.</summary>
    public int StepSize { get; init; } = 7;

    /// <summary>StepLR / plateau decay factor.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Numeric precision: auto (channels-last + bf16 autocast where the CPU has native bf16, else fp32), fp32 or bf16.</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>Network input size (square); null = the model's default (224 for ImageNet models).</summary>
    public int? ImageSize { get; init; }

    /// <summary>Evaluation resize of the shorter side before the centre crop; null = ImageSize × 256/224.</summary>
    public int? ResizeSize { get; init; }

    /// <summary>Input channels of the network: 3 (gray images repeated) or 1 (first conv adapted by summing the RGB filters).</summary>
    public int Channels { get; init; } = 3;

    /// <summary>RandomResizedCrop area range (fractions of the image).</summary>
    public IReadOnlyList<double> CropScale { get; init; } = [0.08, 1.0];

    /// <summary>RandomResizedCrop aspect-ratio range.</summary>
    public IReadOnlyList<double> CropRatio { get; init; } = [3.0 / 4.0, 4.0 / 3.0];

    /// <summary>Probability of a horizontal flip in training.</summary>
    public double HorizontalFlip { get; init; } = 0.5;

    /// <summary>Normalisation mean per channel; null = the model's (ImageNet for ImageNet models).</summary>
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

    /// <summary>Fractions of the stratified train / validation / test split (sum 1). The test part gives the reported metrics; 0 = report on validation.</summary>
    public IReadOnlyList<double> Split { get; init; } = MedLearn.Data.Datasets.DatasetSplitter.DefaultFractions;

    /// <summary>An existing split.csv to reuse instead of splitting (same paths as the data).</summary>
    public string? SplitFile { get; init; }

    /// <summary>Class weighting of the loss: none or balanced (inverse frequency on the training split).</summary>
    public string ClassWeights { get; init; } = "none";

    /// <summary>Label smoothing of the cross-entropy.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Clip the gradient norm to this value; null = off.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Metric that picks the best checkpoint (val_accuracy, val_loss, val_balanced_accuracy, val_macro_f1, val_auc, val_kappa_quadratic).</summary>
    public string Monitor { get; init; } = "val_accuracy";

    /// <summary>Best checkpoints kept.</summary>
    public int KeepBest { get; init; } = 1;

    /// <summary>Stop after this many epochs without improvement of <see cref="Monitor"/>; null = never.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Background loader threads (0 = load on the training thread).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>What to do with an unreadable image: fail (stop naming the file) or skip (report and continue).</summary>
    public ErrorPolicy OnError { get; init; } = ErrorPolicy.Fail;

    /// <summary>Bootstrap resamples for the 95% confidence intervals (0 = none).</summary>
    public int BootstrapSamples { get; init; } = 1000;

    /// <summary>Clinical penalty matrix cost[true][predicted] for the weighted error; null = not reported.</summary>
    public IReadOnlyList<IReadOnlyList<double>>? PenaltyMatrix { get; init; }

    /// <summary>Images timed one by one for the per-image inference latency (after the warm-up).</summary>
    public int LatencyImages { get; init; } = 20;

    /// <summary>Untimed warm-up forwards before the latency measurement.</summary>
    public int LatencyWarmup { get; init; } = 3;

    /// <summary>Sample predictions (with thumbnails) shown in the report.</summary>
    public int ReportSamples { get; init; } = 12;

    /// <summary>Evaluated images explained with heat maps in the report's "Explanations" section (stratified by class and by correct / wrong; 0 = none).</summary>
    public int ExplainSamples { get; init; } = 4;

    /// <summary>Method of the report's explanations: gradcam, gradcam++ or occlusion (see docs/explain.md).</summary>
    public string ExplainMethod { get; init; } = "gradcam";
}
