namespace MedLearn.Torch.Nn;

/// <summary>
/// Shared part of batch and instance norm (torch.nn._NormBase): parameters <c>weight</c> (ones), <c>bias</c>
/// (zeros) when affine, and buffers <c>running_mean</c> (zeros), <c>running_var</c> (ones) and
/// <c>num_batches_tracked</c> (int64 scalar 0) when tracking running statistics, registered in PyTorch's order.
/// </summary>
public abstract class NormBase : Module<Tensor, Tensor>
{
    private protected NormBase(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype, Device? device)
    {
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        if (affine)
        {
            Weight = RegisterParameter("weight", Torch.Empty([numFeatures], dtype, device));
            Bias = RegisterParameter("bias", Torch.Empty([numFeatures], dtype, device));
        }
        else
        {
            RegisterParameter("weight", null);
            RegisterParameter("bias", null);
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Torch.Zeros([numFeatures], dtype, device));
            RunningVar = RegisterBuffer("running_var", Torch.Ones([numFeatures], dtype, device));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Torch.Zeros([], DType.Int64, device));
        }
        else
        {
            RegisterBuffer("running_mean", null);
            RegisterBuffer("running_var", null);
            RegisterBuffer("num_batches_tracked", null);
        }
        ResetParameters();
    }

    public long NumFeatures { get; }
    public double Eps { get; }

    /// <summary>Weight of the newest batch in the running statistics; null = cumulative average (1/num_batches_tracked).</summary>
    public double? Momentum { get; }
    public bool Affine { get; }
    public bool TrackRunningStats { get; }

    /// <summary>Per-channel scale γ, or null when not affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>Per-channel shift β, or null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean, or null when not tracking.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance, or null when not tracking.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Number of training batches seen (int64 scalar), or null when not tracking.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Resets running_mean to 0, running_var to 1 and num_batches_tracked to 0.</summary>
    public void ResetRunningStats()
    {
        if (!TrackRunningStats) return;
        Init.Zeros_(RunningMean!);
        Init.Ones_(RunningVar!);
        Init.Zeros_(NumBatchesTracked!);
    }

    /// <summary>Resets the running statistics and sets γ = 1, β = 0.</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (!Affine) return;
        Init.Ones_(Weight!);
        Init.Zeros_(Bias!);
    }

    /// <summary>Throws unless the input has the rank this layer expects.</summary>
    private protected abstract void CheckInputDim(Tensor input);

    public override string ToString() =>
        $"{GetType().Name}({NumFeatures}, eps={Eps}, momentum={(Momentum is null ? "None" : Momentum.Value.ToString())}, affine={(Affine ? "True" : "False")}, track_running_stats={(TrackRunningStats ? "True" : "False")})";
}
