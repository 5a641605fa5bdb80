using MedLearn.Torch.Distributed;

namespace MedLearn.Torch.Nn;

/// <summary>
/// torch.nn.SyncBatchNorm.convert_sync_batchnorm for MedLearn models: switches every batch-norm layer of a model
/// (BatchNorm1d/2d/3d, at any depth) between per-rank statistics and statistics of the global batch over a process
/// group. The layers stay the same objects, so parameter and buffer names (state_dict keys) do not change.
/// </summary>
/// <remarks>
/// Synchronised layers compute, in training mode, the per-channel mean and biased variance of all ranks' batches
/// concatenated (counts may differ per rank), update the running statistics with the global mean and unbiased
/// variance, and all-reduce Σdy and Σdy·(x−μ) in the backward pass. In evaluation mode they are plain batch norm with
/// the running statistics. Every rank must run the same forward and backward passes (each layer is a collective).
/// </remarks>
public static class SyncBatchNorm
{
    /// <summary>Synchronises the batch-norm layers of <paramref name="model"/> over <paramref name="group"/> (null = back to per-rank statistics).</summary>
    /// <returns>The number of batch-norm layers switched.</returns>
    public static int Convert(Module model, ProcessGroup? group)
    {
        ArgumentNullException.ThrowIfNull(model);
        var count = 0;
        foreach (var (_, module) in model.NamedModules())
        {
            if (module is not BatchNorm bn) continue;
            bn.SyncGroup = group;
            count++;
        }
        return count;
    }
}
