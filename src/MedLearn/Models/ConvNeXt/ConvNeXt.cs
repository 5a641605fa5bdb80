using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision.models.ConvNeXt with its exact parameter names, registration order and initialisation:
/// <c>features</c> = stem (0: conv 4x4/4 with bias, 1: LayerNorm2d), then per stage a Sequential of
/// <see cref="CNBlock"/>s and, between stages, a down-sampling Sequential (0: LayerNorm2d, 1: conv 2x2/2);
/// <c>avgpool</c>; <c>classifier</c> = (0: LayerNorm2d, 1: Flatten, 2: Linear). Stochastic depth grows linearly
/// from 0 at the first block to <c>stochasticDepthProb</c> at the last; convolutions and linear layers get
/// trunc_normal(std 0.02) weights and zero biases. The pooled feature vector is the output of classifier.1
/// (after the final LayerNorm2d), the head is classifier.2.
/// </summary>
public sealed class ConvNeXt : ImageClassifier
{
    private readonly Sequential _features;
    private readonly AdaptiveAvgPool2d _avgpool;
    private readonly Sequential _classifier;
    private readonly long _featureDim;

    /// <summary>A ConvNeXt of the stages in <paramref name="blockSetting"/>.</summary>
    public ConvNeXt(IReadOnlyList<CNBlockConfig> blockSetting, double stochasticDepthProb = 0, double layerScale = 1e-6,
        long numClasses = 1000, long inChannels = 3)
    {
        if (blockSetting.Count == 0 || blockSetting.Any(c => c.NumLayers < 1)) throw new ArgumentException("a ConvNeXt needs at least one stage of at least one block", nameof(blockSetting));
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);

        var stem = blockSetting[0].InputChannels;
        // Appended, not passed to the constructor: a Sequential argument would be enumerated as its layers.
        _features = RegisterModule("features", new Sequential());
        _features.Append(new Sequential(new Conv2d(inChannels, stem, 4, stride: 4, padding: 0, bias: true), new LayerNorm2d(stem)));
        var totalBlocks = blockSetting.Sum(c => c.NumLayers);
        var blockId = 0;
        foreach (var cnf in blockSetting)
        {
            var stage = new Sequential();
            for (var i = 0; i < cnf.NumLayers; i++)
            {
                // torchvision divides by (total - 1.0): a single-block network gets NaN there; keep it 0 instead.
                var sdProb = totalBlocks > 1 ? stochasticDepthProb * blockId / (totalBlocks - 1.0) : 0;
                stage.Append(new CNBlock(cnf.InputChannels, layerScale, sdProb));
                blockId++;
            }
            _features.Append(stage);
            if (cnf.OutChannels is long outChannels)
                _features.Append(new Sequential(new LayerNorm2d(cnf.InputChannels), new Conv2d(cnf.InputChannels, outChannels, 2, stride: 2)));
        }
        _avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d(1));
        var last = blockSetting[^1];
        _featureDim = last.OutChannels ?? last.InputChannels;
        _classifier = RegisterModule("classifier", new Sequential(new LayerNorm2d(_featureDim), new Flatten(1), new Linear(_featureDim, numClasses)));

        using var noGrad = GradMode.NoGrad();
        foreach (var (_, m) in NamedModules())
        {
            switch (m)
            {
                case Conv2d c:
                    Init.TruncNormal_(c.Weight, std: 0.02);
                    if (c.Bias is not null) Init.Zeros_(c.Bias);
                    break;
                case Linear l:
                    InitLinear(l);
                    break;
            }
        }
    }

    private static void InitLinear(Linear l)
    {
        Init.TruncNormal_(l.Weight, std: 0.02);
        if (l.Bias is not null) Init.Zeros_(l.Bias);
    }

    /// <summary>torchvision.models.convnext_tiny: stages (96→192, 3), (192→384, 3), (384→768, 9), (768, 3); stochastic depth 0.1.</summary>
    public static ConvNeXt ConvNeXtTiny(long numClasses = 1000, long inChannels = 3) =>
        new([new(96, 192, 3), new(192, 384, 3), new(384, 768, 9), new(768, null, 3)], 0.1, 1e-6, numClasses, inChannels);

    /// <summary>torchvision.models.convnext_small: like tiny with 27 blocks in the third stage; stochastic depth 0.4.</summary>
    public static ConvNeXt ConvNeXtSmall(long numClasses = 1000, long inChannels = 3) =>
        new([new(96, 192, 3), new(192, 384, 3), new(384, 768, 27), new(768, null, 3)], 0.4, 1e-6, numClasses, inChannels);

    /// <inheritdoc/>
    public override string HeadName => "classifier.2";

    /// <inheritdoc/>
    public override string FirstConvName => "features.0.0";

    /// <inheritdoc/>
    public override long FeatureDim => _featureDim;

    /// <inheritdoc/>
    protected override void InitHead(Linear head)
    {
        using var noGrad = GradMode.NoGrad();
        InitLinear(head);
    }

    /// <summary>features.0 (stem), features.1, .. (stages and down-sampling layers; features.7 is the last feature map of the 4-stage networks).</summary>
    public override IReadOnlyList<string> ActivationNames => [.. ActivationCapture.Names(_features, "features")];

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture)
    {
        // Recorded activations belong to the caller's scope; without a capture the intermediates die here.
        if (capture is not null) return Pool(capture.Run(_features, "features", input));
        using var scope = DisposeScope.Open();
        return scope.MoveToOuter(Pool(_features.Forward(input)));
    }

    /// <summary>avgpool, classifier.0 (LayerNorm2d), classifier.1 (Flatten): the head's input.</summary>
    private Tensor Pool(Tensor featureMap) => _classifier[1].ForwardReleasing(_classifier[0].ForwardReleasing(_avgpool.Forward(featureMap)));
}
