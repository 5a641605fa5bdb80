using MedLearn.Models.Blocks;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.MobileNet;

/// <summary>
/// torchvision.models.mobilenet_v3_large with its exact layout, parameter names, registration order and
/// initialisation: <c>features</c> = "0" conv3x3/2-bn-hardswish (16), "1".."15" <see cref="InvertedResidual"/>s, "16"
/// 1x1 conv-bn-hardswish (960); <c>avgpool</c>; <c>classifier</c> = "0" Linear(960, 1280), "1" Hardswish, "2" Dropout(0.2),
/// "3" Linear(1280, classes). The head is <c>classifier.3</c> (what transfer learning replaces), so the feature vector
/// is the 1280-wide output of classifier.0-1. Convolutions kaiming_normal_(fan_out), batch norms 1/0, linears N(0, 0.01) with bias 0.
/// </summary>
public sealed class MobileNetV3 : ImageClassifier
{
    /// <summary>Batch-norm epsilon of every layer (torchvision: 1e-3).</summary>
    public const double BnEps = 1e-3;

    /// <summary>Batch-norm momentum of every layer (torchvision: 0.01).</summary>
    public const double BnMomentum = 0.01;

    private readonly Sequential _features;
    private readonly Linear _classifier0;
    private readonly Dropout _dropout;

    /// <summary>MobileNetV3-Large (width 1.0, no dilation, full tail) with <paramref name="numClasses"/> outputs.</summary>
    public MobileNetV3(long numClasses = 1000, long inChannels = 3, double dropout = 0.2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        InvertedResidualConfig[] large =
        [
            new(16, 3, 16, 16, false, false, 1), new(16, 3, 64, 24, false, false, 2), new(24, 3, 72, 24, false, false, 1),
            new(24, 5, 72, 40, true, false, 2), new(40, 5, 120, 40, true, false, 1), new(40, 5, 120, 40, true, false, 1),
            new(40, 3, 240, 80, false, true, 2), new(80, 3, 200, 80, false, true, 1), new(80, 3, 184, 80, false, true, 1),
            new(80, 3, 184, 80, false, true, 1), new(80, 3, 480, 112, true, true, 1), new(112, 3, 672, 112, true, true, 1),
            new(112, 5, 672, 160, true, true, 2), new(160, 5, 960, 160, true, true, 1), new(160, 5, 960, 160, true, true, 1),
        ];
        const long lastChannel = 1280;
        // Append, not the Sequential(params modules) constructor: a Sequential argument would be spread into its layers.
        _features = RegisterModule("features", new Sequential());
        _features.Append(ConvNormActivation.Create(inChannels, large[0].InputChannels, 3, 2, activation: new Hardswish(inplace: true), eps: BnEps, momentum: BnMomentum));
        foreach (var cfg in large) _features.Append(new InvertedResidual(cfg));
        var lastConv = 6 * large[^1].OutChannels;
        _features.Append(ConvNormActivation.Create(large[^1].OutChannels, lastConv, 1, activation: new Hardswish(inplace: true), eps: BnEps, momentum: BnMomentum));
        RegisterModule("avgpool", new AdaptiveAvgPool2d(1));
        _classifier0 = new Linear(lastConv, lastChannel);
        _dropout = new Dropout(dropout, inplace: true);
        RegisterModule("classifier", new Sequential(_classifier0, new Hardswish(inplace: true), _dropout, new Linear(lastChannel, numClasses)));

        KaimingFanOutInit.Apply(this, InitHead);
    }

    /// <inheritdoc/>
    public override string HeadName => "classifier.3";

    /// <inheritdoc/>
    public override string FirstConvName => "features.0.0";

    /// <inheritdoc/>
    public override long FeatureDim => _classifier0.OutFeatures;

    /// <inheritdoc/>
    protected override void InitHead(Linear head)
    {
        using var noGrad = GradMode.NoGrad();
        Init.Normal_(head.Weight, 0, 0.01);
        Init.Zeros_(head.Bias!);
    }

    /// <summary>features.0 .. features.16 (features.16, the last 1x1 conv, is the last feature map).</summary>
    public override IReadOnlyList<string> ActivationNames => [.. ActivationCapture.Names(_features, "features")];

    /// <summary>features, global average pool, classifier.0 (Linear 960→1280) and classifier.1 (hard swish).</summary>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture)
    {
        var x = capture is null ? _features.Forward(input) : capture.Run(_features, "features", input);
        x = Functional.AdaptiveAvgPool2d(x, [1, 1]).Flatten(1);
        return Functional.Hardswish_(_classifier0.ForwardReleasing(x));
    }

    /// <summary>classifier.2 (dropout, training only; not in place) then the linear classifier.3.</summary>
    public override Tensor ForwardHead(Tensor features)
    {
        if (!Training || _dropout.P == 0) return base.ForwardHead(features);
        using var dropped = Functional.Dropout(features, _dropout.P, training: true);
        return base.ForwardHead(dropped);
    }
}
