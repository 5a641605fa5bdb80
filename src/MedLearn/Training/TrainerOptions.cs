using MedLearn.Torch.Amp;
using MedLearn.Torch.Distributed;

namespace MedLearn.Training;

/// <summary>Settings of <see cref="Trainer"/>; every default is the documented behaviour.</summary>
public sealed record TrainerOptions
{
    /// <summary>Number of epochs (passes over the training loader).</summary>
    public int Epochs { get; init; } = 25;

    /// <summary>Numeric precision; <see cref="Precision.Auto"/> = the fastest safe path for the device (see <see cref="PrecisionPlan.Resolve"/>).</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>Spatial dimensions of the model's convolutions (2 or 3; 0 = none): selects channels-last or channels-last-3d.</summary>
    public int SpatialDims { get; init; } = 2;

    /// <summary>Seed of the run (recorded in checkpoints; the caller seeds the data loaders with it).</summary>
    public ulong Seed { get; init; }

    /// <summary>Clip the total L2 norm of the gradients to this value before each optimiser step; null = no clipping.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Folder of the checkpoints (last.pt and the best-k files); null = no checkpoints (and no resume).</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>How many best checkpoints (by <see cref="MonitorMetric"/>) to keep; 0 = only last.pt.</summary>
    public int KeepBest { get; init; } = 1;

    /// <summary>
    /// The metric that selects the best checkpoints and drives early stopping and plateau schedulers, as named
    /// in the epoch's metrics: "val_" + a validation metric (e.g. "val_accuracy", "val_loss") or "train_loss".
    /// </summary>
    public string MonitorMetric { get; init; } = "val_accuracy";

    /// <summary>Whether a larger <see cref="MonitorMetric"/> is better (accuracy) or a smaller one (loss).</summary>
    public MetricGoal MonitorGoal { get; init; } = MetricGoal.Maximize;

    /// <summary>Stop when the monitored metric has not improved by more than <see cref="EarlyStoppingMinDelta"/> for this many epochs; null = never.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Smallest change of the monitored metric that counts as an improvement for early stopping.</summary>
    public double EarlyStoppingMinDelta { get; init; }

    /// <summary>Validate every this many epochs (and always after the last one).</summary>
    public int ValidateEvery { get; init; } = 1;

    /// <summary>Also save last.pt every this many optimiser steps within an epoch (long epochs); null = at epoch ends only.</summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>
    /// Write last.pt at the end of every this many epochs (and always after the last epoch, on early stopping and on
    /// cancellation); 1 = every epoch. Iteration-scheduled runs whose "epoch" is a few iterations (UG-MCL with 2 labeled
    /// volumes: one iteration per epoch) use it to checkpoint every N iterations instead of every iteration.
    /// </summary>
    public int CheckpointEveryEpochs { get; init; } = 1;

    /// <summary>
    /// Data-parallel training over this process group (every rank runs the same trainer on its shard of each global
    /// batch; gradients are averaged; only rank 0 writes checkpoints); null or a group of one = single process.
    /// </summary>
    public ProcessGroup? DistributedGroup { get; init; }

    /// <summary>Size of the buckets in which gradients are all-reduced (PyTorch DDP's bucket_cap_mb, 25 MB).</summary>
    public long GradientBucketBytes { get; init; } = ProcessGroup.DefaultBucketBytes;

    /// <summary>
    /// SyncBatchNorm in data-parallel training: every batch-norm layer of the task's modules normalises with the
    /// statistics of the global batch (all ranks) and its running statistics follow the global mean and unbiased
    /// variance; false (default, as PyTorch DDP) = each rank's own batch statistics, rank 0's running statistics kept.
    /// </summary>
    public bool SyncBatchNorm { get; init; }

    /// <summary>When the data-parallel gradient all-reduce runs (overlapped with backward or after it).</summary>
    public GradientSync GradientSync { get; init; } = DistributedOptions.DefaultGradientSync;

    /// <summary>Checks the options' ranges.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be >= 1 (got {Epochs})");
        if (KeepBest < 0) throw new ArgumentException($"keep-best must be >= 0 (got {KeepBest})");
        if (GradientClipNorm is <= 0 or double.NaN) throw new ArgumentException($"gradient-clip-norm must be > 0 (got {GradientClipNorm})");
        if (EarlyStoppingPatience is < 1) throw new ArgumentException($"early-stopping-patience must be >= 1 (got {EarlyStoppingPatience})");
        if (ValidateEvery < 1) throw new ArgumentException($"validate-every must be >= 1 (got {ValidateEvery})");
        if (CheckpointEveryEpochs < 1) throw new ArgumentException($"checkpoint-every-epochs must be >= 1 (got {CheckpointEveryEpochs})");
        if (CheckpointEverySteps is < 1) throw new ArgumentException($"checkpoint-every-steps must be >= 1 (got {CheckpointEverySteps})");
        if (SpatialDims is not (0 or 2 or 3)) throw new ArgumentException($"spatial dims must be 0, 2 or 3 (got {SpatialDims})");
        if (string.IsNullOrWhiteSpace(MonitorMetric)) throw new ArgumentException("monitor metric is empty");
        if (GradientBucketBytes < 1) throw new ArgumentException($"gradient bucket size must be >= 1 byte (got {GradientBucketBytes})");
    }

    /// <summary>The trainer options of a run folder's training: <paramref name="settings"/> as given, checkpoints in <paramref name="checkpointDirectory"/>, the monitored metric's <paramref name="goal"/>.</summary>
    internal static TrainerOptions ForRun(IEpochTrainingSettings settings, string checkpointDirectory, MetricGoal goal) => new()
    {
        Epochs = settings.Epochs,
        Precision = settings.Precision,
        Seed = settings.Seed,
        GradientClipNorm = settings.GradientClipNorm,
        CheckpointDirectory = checkpointDirectory,
        KeepBest = settings.KeepBest,
        MonitorMetric = settings.Monitor,
        MonitorGoal = goal,
        EarlyStoppingPatience = settings.EarlyStoppingPatience,
        DistributedGroup = ProcessGroup.Default,
        SyncBatchNorm = ProcessGroup.Default?.Options.SyncBatchNorm ?? false,
        GradientSync = ProcessGroup.Default?.Options.GradientSync ?? DistributedOptions.DefaultGradientSync,
    };
}

/// <summary>Direction of improvement of a monitored metric.</summary>
public enum MetricGoal
{
    /// <summary>Larger is better (accuracy, AUC, kappa).</summary>
    Maximize,
    /// <summary>Smaller is better (loss, error).</summary>
    Minimize,
}
