namespace MedLearn.Torch.Distributed;

/// <summary>When the data-parallel gradient all-reduce runs.</summary>
public enum GradientSync
{
    /// <summary>All buckets are all-reduced after backward returns (one blocking collective per bucket).</summary>
    AfterBackward,

    /// <summary>
    /// Buckets (reverse registration order) are all-reduced asynchronously while backward still runs, as soon as all
    /// their gradients are accumulated (PyTorch DDP's reducer); the trainer waits for them after backward.
    /// </summary>
    Overlapped,
}
