using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// A tiny convolutional classifier for tests and demos (23,826 parameters for 2 classes at the default width):
/// <c>features</c> = three conv3x3-bn-relu stages (width, 2 x width, 4 x width channels), the first two followed
/// by a 2x2 max pool, the last with stride 2; then global average pooling and the linear head <c>fc</c>.
/// A 64x64 input reaches the pool as 8x8. Convolutions get kaiming_normal_(fan_out, relu), batch norms
/// weight 1 / bias 0, the head torch.nn's default Linear init (like torchvision's ResNet).
/// </summary>
public sealed class SmallCnn : ImageClassifier
{
    private readonly Sequential _features;
    private readonly long _featureDim;

    /// <summary>A SmallCnn with <paramref name="numClasses"/> outputs, <paramref name="inChannels"/> input channels and
    /// <paramref name="width"/> channels in the first stage.</summary>
    public SmallCnn(long numClasses = 2, long inChannels = 3, long width = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _features = RegisterModule("features", new Sequential(
            ("conv1", new Conv2d(inChannels, width, 3, padding: 1, bias: false)),
            ("bn1", new BatchNorm2d(width)),
            ("relu1", new ReLU(inplace: true)),
            ("pool1", new MaxPool2d(2, stride: 2)),
            ("conv2", new Conv2d(width, 2 * width, 3, padding: 1, bias: false)),
            ("bn2", new BatchNorm2d(2 * width)),
            ("relu2", new ReLU(inplace: true)),
            ("pool2", new MaxPool2d(2, stride: 2)),
            ("conv3", new Conv2d(2 * width, 4 * width, 3, stride: 2, padding: 1, bias: false)),
            ("bn3", new BatchNorm2d(4 * width)),
            ("relu3", new ReLU(inplace: true))));
        _featureDim = 4 * width;
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

    /// <summary>features.conv1 .. features.relu3 (features.relu3 is the last feature map).</summary>
    public override IReadOnlyList<string> ActivationNames => [.. ActivationCapture.Names(_features, "features")];

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture) =>
        Functional.AdaptiveAvgPool2d(capture is null ? _features.Forward(input) : capture.Run(_features, "features", input), [1, 1]).Flatten(1);
}
