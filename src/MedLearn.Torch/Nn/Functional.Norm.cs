using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

public static partial class Functional
{
    /// <summary>
    /// Batch normalisation over (N, C, *): y = (x − μ_c)/√(σ²_c + eps)·γ_c + β_c per channel c.
    /// Training: μ, σ² are the batch statistics over N and the spatial dims (biased variance), and when
    /// <paramref name="runningMean"/>/<paramref name="runningVar"/> are given they are updated in place:
    /// running = (1 − momentum)·running + momentum·stat, with the unbiased batch variance. Evaluation:
    /// the running statistics are used (they must be given). Training with one value per channel
    /// (N·∏spatial = 1) is an error, as in PyTorch.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        var r = Native.ml_batch_norm(input.Handle, Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias), training ? 1 : 0, momentum, eps);
        GC.KeepAlive(runningMean); GC.KeepAlive(runningVar); GC.KeepAlive(weight); GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }

    /// <summary>
    /// Instance normalisation over (N, C, *): each (n, c) slice is normalised by its own mean and biased
    /// variance, then scaled by γ_c and shifted by β_c. With <paramref name="useInputStats"/> false, the
    /// running statistics are used instead; when true and running statistics are given they are updated with
    /// the batch average of the instance statistics (momentum as in <see cref="BatchNorm"/>). A single spatial
    /// element with input statistics is an error.
    /// </summary>
    public static Tensor InstanceNorm(Tensor input, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null, Tensor? bias = null,
        bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        var r = Native.ml_instance_norm(input.Handle, Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias), useInputStats ? 1 : 0, momentum, eps);
        GC.KeepAlive(runningMean); GC.KeepAlive(runningVar); GC.KeepAlive(weight); GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }

    /// <summary>Instance norm of one unbatched (C, *) input, normalised as a batch of one.</summary>
    internal static Tensor InstanceNormUnbatched(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool useInputStats, double momentum, double eps)
    {
        var r = Native.ml_instance_norm_unbatched(input.Handle, Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias), useInputStats ? 1 : 0, momentum, eps);
        GC.KeepAlive(runningMean); GC.KeepAlive(runningVar); GC.KeepAlive(weight); GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }

    /// <summary>
    /// Group normalisation over (N, C, *): channels are split into <paramref name="numGroups"/> groups; each
    /// (n, group) is normalised by its mean and biased variance, then y·γ_c + β_c per channel. C must be
    /// divisible by numGroups.
    /// </summary>
    public static Tensor GroupNorm(Tensor input, long numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        var r = Native.ml_group_norm(input.Handle, numGroups, Opt(weight), Opt(bias), eps);
        GC.KeepAlive(weight); GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }

    /// <summary>
    /// Layer normalisation over the trailing dims given by <paramref name="normalizedShape"/>:
    /// y = (x − mean)/√(var + eps)·γ + β with mean and biased variance over those dims; γ, β have shape
    /// normalizedShape. The input's trailing dims must equal normalizedShape.
    /// </summary>
    public static unsafe Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        IntPtr r;
        fixed (long* s = normalizedShape) r = Native.ml_layer_norm(input.Handle, s, normalizedShape.Length, Opt(weight), Opt(bias), eps);
        GC.KeepAlive(weight); GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }
}
