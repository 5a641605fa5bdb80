namespace MedLearn.Torch.Nn;

/// <summary>
/// Instance normalisation layer (torch.nn.InstanceNorm*d): each (sample, channel) is normalised by its own
/// statistics. Defaults as PyTorch: not affine, no running statistics. With tracking, evaluation uses the
/// running statistics; unbatched input (C, *) is accepted.
/// </summary>
public abstract class InstanceNorm : NormBase
{
    private protected InstanceNorm(long numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, DType dtype, Device? device)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device) { }

    private protected abstract int NoBatchDim { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        CheckInputDim(input);
        var featureDim = input.Dim - NoBatchDim;
        if (input.Size(featureDim) != NumFeatures && Affine)
            throw new ArgumentException($"expected input's size at dim={featureDim} to match num_features ({NumFeatures}), but got: {input.Size(featureDim)}.");
        var useInputStats = Training || !TrackRunningStats;
        return input.Dim == NoBatchDim
            ? Functional.InstanceNormUnbatched(input, RunningMean, RunningVar, Weight, Bias, useInputStats, Momentum ?? 0.1, Eps)
            : Functional.InstanceNorm(input, RunningMean, RunningVar, Weight, Bias, useInputStats, Momentum ?? 0.1, Eps);
    }
}
