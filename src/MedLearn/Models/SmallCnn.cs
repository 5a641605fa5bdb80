using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// A tiny convolutional classifier for tests, demos and small data: <c>features</c> = <c>depth</c> conv3x3-bn-relu
/// stages with width, 2 x width, 4 x width, ... channels, every stage but the last followed by a 2x2 max pool, the
/// last with stride 2; then global average pooling, optional dropout and the linear head <c>fc</c>. The defaults (width
/// 16, depth 3, no dropout) have 23,826 parameters for 2 classes, and a 64x64 input reaches the pool as 8x8.
/// Parameters: Σᵢ 9·cᵢ₋₁·cᵢ + 2·cᵢ (conv without bias, batch norm) + (c_last + 1)·classes, with c₀ = input channels and
/// cᵢ = width · 2^(i−1). Convolutions get kaiming_normal_(fan_out, relu), batch norms weight 1 / bias 0, the head
/// torch.nn's default Linear init (like torchvision's ResNet). Layer names: features.conv{i}, bn{i}, relu{i}, pool{i}.
/// </summary>
public sealed class SmallCnn : ImageClassifier
{
    /// <summary>Default channels of the first stage.</summary>
    public const int DefaultWidth = 16;

    /// <summary>Default number of stages.</summary>
    public const int DefaultDepth = 3;

    private readonly Sequential _features;
    private readonly Dropout? _dropout;
    private readonly long _featureDim;

    /// <summary>A SmallCnn with <paramref name="numClasses"/> outputs, <paramref name="inChannels"/> input channels,
    /// <paramref name="width"/> channels in the first stage, <paramref name="depth"/> stages and <paramref name="dropout"/>
    /// before the head.</summary>
    public SmallCnn(long numClasses = 2, long inChannels = 3, long width = DefaultWidth, int depth = DefaultDepth, double dropout = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        if (!(dropout is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1)");
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        var channels = inChannels;
        for (var i = 1; i <= depth; i++)
        {
            var output = width << (i - 1);
            var last = i == depth;
            layers.Add(($"conv{i}", new Conv2d(channels, output, 3, stride: last ? 2 : 1, padding: 1, bias: false)));
            layers.Add(($"bn{i}", new BatchNorm2d(output)));
            layers.Add(($"relu{i}", new ReLU(inplace: true)));
            if (!last) layers.Add(($"pool{i}", new MaxPool2d(2, stride: 2)));
            channels = output;
        }
        _features = RegisterModule("features", new Sequential([.. layers]));
        _featureDim = channels;
        if (dropout > 0) _dropout = RegisterModule("dropout", new Dropout(dropout));
        RegisterModule("fc", new Linear(_featureDim, numClasses));

        using var noGrad = GradMode.NoGrad();
        foreach (var (_, m) in NamedModules())
        {
            switch (m)
            {
                case Conv2d c:
                    Init.KaimingNormal_(c.Weight, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu);
                    break;
                case BatchNorm2d b:
                    Init.Ones_(b.Weight!);
                    Init.Zeros_(b.Bias!);
                    break;
            }
        }
    }

    /// <inheritdoc/>
    public override string HeadName => "fc";

    /// <inheritdoc/>
    public override string FirstConvName => "features.conv1";

    /// <inheritdoc/>
    public override long FeatureDim => _featureDim;

    /// <summary>features.conv1 .. features.relu{depth} (the last ReLU is the last feature map).</summary>
    public override IReadOnlyList<string> ActivationNames => [.. ActivationCapture.Names(_features, "features")];

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture)
    {
        var pooled = Functional.AdaptiveAvgPool2d(capture is null ? _features.Forward(input) : capture.Run(_features, "features", input), [1, 1]).Flatten(1);
        return _dropout is null ? pooled : _dropout.Forward(pooled);
    }
}
