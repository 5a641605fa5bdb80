using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision.models.SwinTransformer (V1) with its exact parameter names, registration order and initialisation:
/// <c>features</c> = patch embedding (0: conv P x P / P, 1: permute to NHWC, 2: LayerNorm), then per stage a
/// Sequential of <see cref="SwinTransformerBlock"/>s (shift 0 in even blocks, half the window in odd ones) with a
/// <see cref="PatchMerging"/> between stages; <c>norm</c> (LayerNorm), <c>permute</c>, <c>avgpool</c>, <c>flatten</c>,
/// <c>head</c>. Stochastic depth grows linearly from 0 to <c>stochasticDepthProb</c> over the blocks; every Linear
/// gets trunc_normal(std 0.02) weights and zero biases (as torchvision's constructor does last), relative position
/// bias tables trunc_normal(0.02). Inputs of any size work (windows are padded as in torchvision).
/// </summary>
public sealed class SwinTransformer : ImageClassifier
{
    private readonly Sequential _features;
    private readonly LayerNorm _norm;
    private readonly long _featureDim;

    /// <summary>
    /// A Swin of <paramref name="depths"/> blocks per stage with <paramref name="numHeads"/> heads, embedding width
    /// <paramref name="embedDim"/> (doubled per stage), square patches of <paramref name="patchSize"/> and windows of
    /// <paramref name="windowSize"/>.
    /// </summary>
    public SwinTransformer(long patchSize, long embedDim, IReadOnlyList<int> depths, IReadOnlyList<long> numHeads, long windowSize,
        double stochasticDepthProb = 0.1, double mlpRatio = 4.0, long numClasses = 1000, long inChannels = 3)
    {
        if (depths.Count == 0 || depths.Count != numHeads.Count || depths.Any(d => d < 1))
            throw new ArgumentException("a Swin needs at least one stage, one head count per stage and at least one block per stage", nameof(depths));
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);

        // Appended, not passed to the constructor: a Sequential argument would be enumerated as its layers.
        _features = RegisterModule("features", new Sequential());
        _features.Append(new Sequential(new Conv2d(inChannels, embedDim, patchSize, stride: patchSize), new Permute(0, 2, 3, 1), new LayerNorm(embedDim)));
        var totalBlocks = depths.Sum();
        var blockId = 0;
        long[] window = [windowSize, windowSize];
        for (var s = 0; s < depths.Count; s++)
        {
            var dim = embedDim << s;
            var stage = new Sequential();
            for (var i = 0; i < depths[s]; i++)
            {
                // torchvision divides by (total - 1): a single-block network would get NaN; keep it 0 instead.
                var sdProb = totalBlocks > 1 ? stochasticDepthProb * blockId / (totalBlocks - 1.0) : 0;
                long[] shift = i % 2 == 0 ? [0, 0] : [windowSize / 2, windowSize / 2];
                stage.Append(new SwinTransformerBlock(dim, numHeads[s], window, shift, mlpRatio, sdProb));
                blockId++;
            }
            _features.Append(stage);
            if (s < depths.Count - 1) _features.Append(new PatchMerging(dim));
        }
        _featureDim = embedDim << (depths.Count - 1);
        _norm = RegisterModule("norm", new LayerNorm(_featureDim));
        RegisterModule("permute", new Permute(0, 3, 1, 2));
        RegisterModule("avgpool", new AdaptiveAvgPool2d(1));
        RegisterModule("flatten", new Flatten(1));
        RegisterModule("head", new Linear(_featureDim, numClasses));

        using var noGrad = GradMode.NoGrad();
        foreach (var (_, m) in NamedModules())
            if (m is Linear l) InitLinear(l);
    }

    private static void InitLinear(Linear l)
    {
        Init.TruncNormal_(l.Weight, std: 0.02);
        if (l.Bias is not null) Init.Zeros_(l.Bias);
    }

    /// <summary>torchvision.models.swin_t: patch 4, width 96, depths (2, 2, 6, 2), heads (3, 6, 12, 24), window 7, stochastic depth 0.2.</summary>
    public static SwinTransformer SwinT(long numClasses = 1000, long inChannels = 3) =>
        new(4, 96, [2, 2, 6, 2], [3, 6, 12, 24], 7, 0.2, 4.0, numClasses, inChannels);

    /// <inheritdoc/>
    public override string HeadName => "head";

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

    /// <summary>
    /// features.0 (patch embedding), features.1 .. (stages and patch mergings) and "norm" (the final LayerNorm, the
    /// last feature map; every token reaches the pooled features), each as an NCHW map [N, C, H, W] (the network itself
    /// runs channels-last [N, H, W, C]; the maps are permuted views of the same values).
    /// </summary>
    public override IReadOnlyList<string> ActivationNames => [.. ActivationCapture.Names(_features, "features"), "norm"];

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture)
    {
        using var scope = capture is null ? DisposeScope.Open() : null;
        Tensor x;
        if (capture is null) x = _norm.Forward(_features.Forward(input));
        else
        {
            x = input;
            foreach (var (name, module) in _features.NamedChildren())
                x = Record(capture, "features." + name, ((Module<Tensor, Tensor>)module).Forward(x));
            x = Record(capture, "norm", _norm.Forward(x));
        }
        var pooled = x.Mean([1, 2]);
        return scope is null ? pooled : scope.MoveToOuter(pooled);
    }

    /// <summary>Records x [N, H, W, C] as an NCHW map and returns the NHWC tensor to continue with.</summary>
    private static Tensor Record(ActivationCapture capture, string name, Tensor x)
    {
        var map = x.Permute(0, 3, 1, 2);
        var continued = capture.Record(name, map);
        return ReferenceEquals(continued, map) ? x : continued.Permute(0, 2, 3, 1);
    }
}
