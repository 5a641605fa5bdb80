using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision.models.DenseNet with its exact parameter names, registration order and initialisation:
/// <c>features</c> (conv0 7x7/2, norm0, relu0, pool0 3x3/2, denseblock1..4 with transition1..3 between them,
/// norm5) and the linear <c>classifier</c>; forward = features, relu, global average pool, flatten, classifier.
/// Convolutions get kaiming_normal_ (fan_in), batch norms weight 1 / bias 0, the classifier bias 0.
/// </summary>
public sealed class DenseNet : ImageClassifier
{
    private readonly Sequential _features;
    private readonly long _featureDim;

    /// <summary>
    /// A DenseNet with <paramref name="blockConfig"/> layers per dense block; each transition halves the channels.
    /// </summary>
    public DenseNet(long growthRate = 32, IReadOnlyList<int>? blockConfig = null, long numInitFeatures = 64, long bnSize = 4,
        long numClasses = 1000, long inChannels = 3)
    {
        blockConfig ??= [6, 12, 24, 16];
        if (blockConfig.Count == 0 || blockConfig.Any(n => n < 1)) throw new ArgumentException("every dense block needs at least one layer", nameof(blockConfig));
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);

        _features = RegisterModule("features", new Sequential(
            ("conv0", new Conv2d(inChannels, numInitFeatures, 7, stride: 2, padding: 3, bias: false)),
            ("norm0", new BatchNorm2d(numInitFeatures)),
            ("relu0", new ReLU(inplace: true)),
            ("pool0", new MaxPool2d(3, stride: 2, padding: 1))));
        var numFeatures = numInitFeatures;
        for (var i = 0; i < blockConfig.Count; i++)
        {
            _features.Add($"denseblock{i + 1}", new DenseBlock(blockConfig[i], numFeatures, growthRate, bnSize));
            numFeatures += blockConfig[i] * growthRate;
            if (i == blockConfig.Count - 1) continue;
            _features.Add($"transition{i + 1}", new Transition(numFeatures, numFeatures / 2));
            numFeatures /= 2;
        }
        _features.Add("norm5", new BatchNorm2d(numFeatures));
        _featureDim = numFeatures;
        RegisterModule("classifier", new Linear(numFeatures, numClasses));

        using var noGrad = GradMode.NoGrad();
        foreach (var (_, m) in NamedModules())
        {
            switch (m)
            {
                case Conv2d c:
                    Init.KaimingNormal_(c.Weight);
                    break;
                case BatchNorm2d b:
                    Init.Ones_(b.Weight!);
                    Init.Zeros_(b.Bias!);
                    break;
                case Linear l:
                    Init.Zeros_(l.Bias!);
                    break;
            }
        }
    }

    /// <summary>torchvision.models.densenet121: growth 32, blocks (6, 12, 24, 16), 64 initial features, bn_size 4.</summary>
    public static DenseNet DenseNet121(long numClasses = 1000, long inChannels = 3) =>
        new(32, [6, 12, 24, 16], 64, 4, numClasses, inChannels);

    /// <inheritdoc/>
    public override string HeadName => "classifier";

    /// <inheritdoc/>
    public override string FirstConvName => "features.conv0";

    /// <inheritdoc/>
    public override long FeatureDim => _featureDim;

    /// <inheritdoc/>
    protected override void InitHead(Linear head)
    {
        using var noGrad = GradMode.NoGrad();
        Init.Zeros_(head.Bias!);
    }

    /// <summary>
    /// features.conv0, features.norm0, features.relu0, features.pool0, features.denseblock1, features.transition1, ..,
    /// features.denseblock4, features.norm5, then "relu": the ReLU torchvision's forward applies to the features (the
    /// last feature map).
    /// </summary>
    public override IReadOnlyList<string> ActivationNames => [.. ActivationCapture.Names(_features, "features"), "relu"];

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture)
    {
        if (capture is null) return Functional.AdaptiveAvgPool2d(Functional.Relu_(_features.Forward(input)), [1, 1]).Flatten(1);
        var x = capture.Record("relu", Functional.Relu_(capture.Run(_features, "features", input)));
        return Functional.AdaptiveAvgPool2d(x, [1, 1]).Flatten(1);
    }
}
