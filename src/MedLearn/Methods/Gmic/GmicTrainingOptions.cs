using MedLearn.Training;
using MedLearn.Data.Loading;
using MedLearn.Torch.Amp;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// Every setting of a GMIC training run — the shape of <c>run.yaml</c> and <c>config.resolved.yaml</c> (kebab-case
/// keys, e.g. <c>top-t-percent</c>). Defaults are method 2's: 2944 x 1920 inputs, t = 0.02, K = 6 patches of
/// 256 x 256, beta = 10^-4.5, Adam. Classes: the dataset's classes after the first one, which is the negative
/// ("no finding") class; each gets a sigmoid output (one-hot targets from single-label data).
/// </summary>
public sealed record GmicTrainingOptions : IEpochTrainingSettings
{
    /// <summary>Data: a CSV manifest (path,label[,mask] and the screening columns of <see cref="ScreeningManifest"/>) or a folder root/&lt;class&gt;/&lt;image&gt;.</summary>
    public string Data { get; init; } = "";

    /// <summary>Multi-label target columns of the manifest (e.g. [benign, malignant]), one sigmoid output each; null or empty = the label column.</summary>
    public IReadOnlyList<string>? Targets { get; init; }

    /// <summary>Breast-level aggregation of a held-out breast without its CC or MLO view: fail (default), skip or available.</summary>
    public MissingViewPolicy MissingViews { get; init; } = MissingViewPolicy.Fail;

    /// <summary>lambda of the reader hybrid <c>lambda * reader + (1 - lambda) * model</c>, in [0, 1].</summary>
    public double ReaderLambda { get; init; } = HybridScore.DefaultLambda;

    /// <summary>The output the reader score is combined with; null = the last output (malignant in [benign, malignant]).</summary>
    public string? ReaderOutput { get; init; }

    /// <summary>Folder under which the run folder is created (never overwritten).</summary>
    public string Out { get; init; } = "runs";

    /// <summary>Label in the run folder's name (default "gmic").</summary>
    public string? Name { get; init; }

    /// <summary>Seed of everything random: weights, split, data order.</summary>
    public ulong Seed { get; init; }

    /// <summary>Epochs.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Images per training batch.</summary>
    public int BatchSize { get; init; } = 2;

    /// <summary>Images per evaluation batch.</summary>
    public int EvalBatchSize { get; init; } = 4;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-5;

    /// <summary>Adam weight decay (L2).</summary>
    public double WeightDecay { get; init; }

    /// <summary>beta, the weight of the saliency maps' L1 term (10^-4.5 by default).</summary>
    public double Beta { get; init; } = 3.162277660168379e-5;

    /// <summary>t of the top-t% aggregation of the saliency maps, in (0, 1].</summary>
    public double TopTPercent { get; init; } = 0.02;

    /// <summary>K, patches retrieved per image.</summary>
    public int Patches { get; init; } = 6;

    /// <summary>Patch size in input pixels (square).</summary>
    public int CropSize { get; init; } = 256;

    /// <summary>Network input height (images are resized to it by the preprocessing profile).</summary>
    public int ImageHeight { get; init; } = 2944;

    /// <summary>Network input width.</summary>
    public int ImageWidth { get; init; } = 1920;

    /// <summary>Preprocessing profile: resize (default) or screening (laterality flip, breast crop, fixed-size placement); see <see cref="GmicPreprocessing"/>.</summary>
    public string Preprocessing { get; init; } = "resize";

    /// <summary>Numeric precision: auto (channels-last + bf16 autocast where the CPU has native bf16, else fp32), fp32 or bf16.</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>Fractions of the stratified train / validation / test split (sum 1); the test part gives the reported metrics.</summary>
    public IReadOnlyList<double> Split { get; init; } = [0.6, 0.2, 0.2];

    /// <summary>An existing split.csv to reuse instead of splitting.</summary>
    public string? SplitFile { get; init; }

    /// <summary>Clip the gradient norm to this value; null = off.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Metric that picks the best checkpoint: val_loss or val_auc (macro AUC of y_fusion).</summary>
    public string Monitor { get; init; } = "val_loss";

    /// <summary>Best checkpoints kept.</summary>
    public int KeepBest { get; init; } = 1;

    /// <summary>Stop after this many epochs without improvement of <see cref="Monitor"/>; null = never.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Background loader threads (0 = load on the training thread).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>What to do with an unreadable image: fail (stop naming the file) or skip (report and continue).</summary>
    public ErrorPolicy OnError { get; init; } = ErrorPolicy.Fail;

    /// <summary>Bootstrap resamples for the 95% confidence intervals of the held-out AUC (0 = none).</summary>
    public int BootstrapSamples { get; init; } = 1000;

    /// <summary>Saliency threshold of the localisation Dice (saliency map upsampled to the input, &gt;= threshold).</summary>
    public double DiceThreshold { get; init; } = 0.5;
}
