using MedLearn.Torch.Distributed;

namespace MedLearn.Torch.Nn;

/// <summary>
/// Batch normalisation layer (torch.nn.BatchNorm*d). Training: normalises with batch statistics and, when
/// tracking, increments num_batches_tracked and updates the running statistics with
/// <see cref="NormBase.Momentum"/> (null = cumulative average, factor 1/num_batches_tracked). Evaluation:
/// uses the running statistics (batch statistics if not tracking). With a <see cref="SyncGroup"/> of more than one
/// rank (set by <see cref="SyncBatchNorm.Convert"/>), training uses the statistics of the global batch of all ranks
/// (torch.nn.SyncBatchNorm); the parameter and buffer names stay those of torch.nn.BatchNorm*d.
/// </summary>
public abstract class BatchNorm : NormBase
{
    private protected BatchNorm(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype, Device? device)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device) { }

    /// <summary>The group whose ranks share batch statistics in training (SyncBatchNorm), or null for per-rank statistics.</summary>
    public ProcessGroup? SyncGroup { get; internal set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        CheckInputDim(input);
        var factor = Momentum ?? 0.0;
        if (Training && TrackRunningStats && NumBatchesTracked is not null)
        {
            // As PyTorch: an in-place add, read back only for the cumulative average (momentum null). Reading it every
            // step was an aten::item per layer (a device sync on CUDA), seen in the ResNet-50 training-step profile.
            using (var one = torch.OnesLike(NumBatchesTracked)) NumBatchesTracked.Add_(one); // int64: a float scalar would not cast
            if (Momentum is null) factor = 1.0 / NumBatchesTracked.ToInt64();
        }
        var bnTraining = Training || (RunningMean is null && RunningVar is null);
        var useRunning = !Training || TrackRunningStats;
        if (bnTraining && Training && SyncGroup is { WorldSize: > 1 } group)
            return group.SyncBatchNorm(input, useRunning ? RunningMean : null, useRunning ? RunningVar : null, Weight, Bias, factor, Eps);
        return Functional.BatchNorm(input, useRunning ? RunningMean : null, useRunning ? RunningVar : null, Weight, Bias, bnTraining, factor, Eps);
    }
}
