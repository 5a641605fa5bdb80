using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// Folds evaluation-mode batch norms into the convolutions they directly follow, for inference:
/// with <c>s = γ / √(running_var + ε)</c> (γ = 1, β = 0 without affine parameters), the pair
/// <c>bn(conv(x))</c> equals one convolution with weight <c>W·s</c> (per output channel) and bias
/// <c>(b − running_mean)·s + β</c> (b = 0 when the convolution had none). The folded convolution replaces the
/// original and an <see cref="Identity"/> replaces the batch norm, so the forward pass runs one op instead of two
/// and the model has C fewer parameters per folded pair (2C batch-norm parameters gone, C bias values added).
/// <para>Pairs are found in two places: consecutive <see cref="Conv2d"/>, <see cref="BatchNorm2d"/> children of a
/// <see cref="Sequential"/> (e.g. ResNet's <c>downsample</c>, DenseNet's <c>features.conv0</c>/<c>norm0</c>,
/// SmallCnn's stages), and the pairs a module declares through <see cref="IConvBatchNormFoldable"/> (ResNet's stem,
/// <see cref="BasicBlock"/>, <see cref="Bottleneck"/>, <see cref="PreActBasicBlock"/>'s conv1/bn2). Pre-activation
/// layouts, where a batch norm comes before its convolution (DenseNet's dense layers and transitions, bn1 of a
/// pre-activation block, a final BN after a residual sum), have nothing to fold into and are left as they are: in a
/// DenseNet-121 only <c>features.norm0</c> folds. Batch norms without running statistics are left too.</para>
/// <para>The result is for inference only: the batch norms' running statistics are baked in, so training it again
/// would not update them, and its state dict no longer matches the unfolded architecture.</para>
/// </summary>
public static class ConvBatchNormFolding
{
    /// <summary>
    /// Folds every foldable conv/batch-norm pair of <paramref name="model"/> in place; returns how many were folded.
    /// The new convolutions keep the original's dtype, device and memory format and are in evaluation mode.
    /// The default random generator is left as it was.
    /// </summary>
    /// <exception cref="InvalidOperationException">Some module of <paramref name="model"/> is in training mode: batch norm
    /// then normalises with batch statistics, which cannot be folded (call <c>model.Eval()</c> first).</exception>
    public static int Fold(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var training = model.NamedModules().FirstOrDefault(m => m.Module.Training);
        if (training.Module is not null)
            throw new InvalidOperationException(
                $"cannot fold batch norms of a model in training mode ('{(training.Name.Length == 0 ? model.TypeName : training.Name)}' is training): "
                + "training-mode batch norm uses batch statistics; call Eval() first");

        var folded = 0;
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        foreach (var (_, module) in model.NamedModules().ToList())
        {
            if (module is IConvBatchNormFoldable foldable)
            {
                foreach (var (convName, bnName) in foldable.ConvBatchNormPairs)
                {
                    if (module.GetSubmodule(convName) is not Conv2d conv || module.GetSubmodule(bnName) is not BatchNorm2d bn || !CanFold(conv, bn)) continue;
                    foldable.ReplaceLayer(convName, FoldPair(conv, bn));
                    foldable.ReplaceLayer(bnName, NewIdentity());
                    folded++;
                }
            }
            if (module is Sequential sequential)
            {
                for (var i = 0; i + 1 < sequential.Count; i++)
                {
                    if (sequential[i] is not Conv2d conv || sequential[i + 1] is not BatchNorm2d bn || !CanFold(conv, bn)) continue;
                    sequential[i] = FoldPair(conv, bn);
                    sequential[i + 1] = NewIdentity();
                    folded++;
                }
            }
        }
        return folded;
    }

    /// <summary>Whether <paramref name="bn"/> (evaluation mode, with running statistics, one per output channel) can fold into <paramref name="conv"/>.</summary>
    private static bool CanFold(Conv2d conv, BatchNorm2d bn) =>
        !conv.Transposed && bn.TrackRunningStats && bn.RunningMean is not null && bn.RunningVar is not null && bn.NumFeatures == conv.OutChannels;

    private static Identity NewIdentity()
    {
        var identity = new Identity();
        identity.Eval();
        return identity;
    }

    /// <summary>
    /// A new convolution computing <c>bn(conv(x))</c> of the evaluation-mode pair (see <see cref="ConvBatchNormFolding"/>),
    /// in evaluation mode, with the original's dtype, device and memory format. The arithmetic runs in float64 and is
    /// rounded once to the weight's dtype. The default random generator is left as it was.
    /// </summary>
    public static Conv2d FoldPair(Conv2d conv, BatchNorm2d bn)
    {
        ArgumentNullException.ThrowIfNull(conv);
        ArgumentNullException.ThrowIfNull(bn);
        if (!CanFold(conv, bn))
            throw new ArgumentException($"{bn} cannot fold into {conv}: it needs running statistics and {conv.OutChannels} features", nameof(bn));
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var weight = conv.Weight;
        var dtype = weight.DType;
        var mean = bn.RunningMean!.To(DType.Float64);
        var scale = (bn.RunningVar!.To(DType.Float64) + bn.Eps).Rsqrt();
        if (bn.Weight is not null) scale = scale * bn.Weight.To(DType.Float64);
        var bias = conv.Bias is null ? -mean : conv.Bias.To(DType.Float64) - mean;
        bias = bias * scale;
        if (bn.Bias is not null) bias = bias + bn.Bias.To(DType.Float64);
        var newWeight = weight.To(DType.Float64) * scale.Reshape(conv.OutChannels, 1, 1, 1);

        // The constructor draws initial weights from the default generator: put its state back afterwards.
        var rngState = Generator.Default.GetState();
        var result = new Conv2d(conv.InChannels, conv.OutChannels, conv.KernelSize, conv.Stride, conv.Padding, conv.Dilation, conv.Groups,
            bias: true, conv.PaddingMode, dtype, weight.Device);
        Generator.Default.SetState(rngState);
        result.Weight.CopyFrom(newWeight.To(dtype));
        result.Bias!.CopyFrom(bias.To(dtype));
        if (!weight.IsContiguous() && weight.IsContiguous(MemoryFormat.ChannelsLast)) result.To(MemoryFormat.ChannelsLast);
        result.Weight.RequiresGrad = weight.RequiresGrad;
        result.Bias.RequiresGrad = weight.RequiresGrad;
        result.Eval();
        return result;
    }
}
