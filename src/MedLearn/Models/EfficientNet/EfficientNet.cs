using MedLearn.Models.Blocks;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.EfficientNet;

/// <summary>
/// torchvision.models.EfficientNet (V1 B0..B4 and V2-S) with its exact layout, parameter names, registration order
/// and initialisation: <c>features</c> = "0" stem conv3x3/2-bn-SiLU, "1".."n" stages of <see cref="MBConv"/> /
/// <see cref="FusedMBConv"/> blocks, last 1x1 conv-bn-SiLU; <c>avgpool</c>; <c>classifier</c> = "0" Dropout, "1" Linear.
/// Block i of all blocks gets stochastic-depth probability <c>p · i / total</c> (training only). Convolutions get
/// kaiming_normal_(fan_out), batch norms 1/0, the linear U(±1/√out) with bias 0.
/// </summary>
public sealed class EfficientNet : ImageClassifier
{
    private readonly Sequential _features;
    private readonly Dropout _dropout;
    private readonly long _featureDim;

    /// <summary>An EfficientNet of the given stages.</summary>
    /// <param name="stages">The stages (scaled already).</param>
    /// <param name="dropout">Dropout before the head (training only).</param>
    /// <param name="stochasticDepthProb">Stochastic depth of the last block (torchvision: 0.2).</param>
    /// <param name="numClasses">Outputs of the head.</param>
    /// <param name="inChannels">Input channels of the first convolution.</param>
    /// <param name="lastChannel">Channels of the last conv (null: 4 × the last stage's).</param>
    /// <param name="bnEps">Batch-norm epsilon (V1 1e-5, V2 1e-3).</param>
    public EfficientNet(IReadOnlyList<MBConvConfig> stages, double dropout, double stochasticDepthProb = 0.2, long numClasses = 1000,
        long inChannels = 3, long? lastChannel = null, double bnEps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0 || stages.Any(s => s.NumLayers < 1)) throw new ArgumentException("an EfficientNet needs stages of at least one block", nameof(stages));
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1)");
        StochasticDepthProb = stochasticDepthProb is >= 0 and < 1 ? stochasticDepthProb
            : throw new ArgumentOutOfRangeException(nameof(stochasticDepthProb), stochasticDepthProb, "must be in [0, 1)");

        // Append, not the Sequential(params modules) constructor: a Sequential argument would be spread into its layers.
        _features = RegisterModule("features", new Sequential());
        _features.Append(ConvNormActivation.Create(inChannels, stages[0].InputChannels, 3, 2, activation: new SiLU(inplace: true), eps: bnEps));
        var total = stages.Sum(s => s.NumLayers);
        var blockId = 0;
        foreach (var cfg in stages)
        {
            var stage = new Sequential();
            for (var i = 0; i < cfg.NumLayers; i++)
            {
                var input = i == 0 ? cfg.InputChannels : cfg.OutChannels;
                var stride = i == 0 ? cfg.Stride : 1;
                var p = stochasticDepthProb * blockId / total;
                stage.Append(cfg.Fused ? new FusedMBConv(cfg, input, stride, p, bnEps) : new MBConv(cfg, input, stride, p, bnEps));
                blockId++;
            }
            _features.Append(stage);
        }
        var lastIn = stages[^1].OutChannels;
        _featureDim = lastChannel ?? 4 * lastIn;
        _features.Append(ConvNormActivation.Create(lastIn, _featureDim, 1, activation: new SiLU(inplace: true), eps: bnEps));
        RegisterModule("avgpool", new AdaptiveAvgPool2d(1));
        _dropout = new Dropout(dropout, inplace: true);
        RegisterModule("classifier", new Sequential(_dropout, new Linear(_featureDim, numClasses)));

        KaimingFanOutInit.Apply(this, InitHead);
    }

    /// <summary>Stochastic-depth probability of the last block.</summary>
    public double StochasticDepthProb { get; }

    /// <summary>Dropout probability before the head.</summary>
    public double Dropout => _dropout.P;

    /// <summary>
    /// torchvision's EfficientNet-B<paramref name="variant"/> (0..4): the B0 stages scaled by width
    /// 1.0/1.0/1.1/1.2/1.4 and depth 1.0/1.1/1.2/1.4/1.8; dropout 0.2/0.2/0.3/0.3/0.4.
    /// </summary>
    public static EfficientNet B(int variant, long numClasses = 1000, long inChannels = 3)
    {
        (double Width, double Depth, double Dropout)[] scales = [(1.0, 1.0, 0.2), (1.0, 1.1, 0.2), (1.1, 1.2, 0.3), (1.2, 1.4, 0.3), (1.4, 1.8, 0.4)];
        if (variant < 0 || variant >= scales.Length) throw new ArgumentOutOfRangeException(nameof(variant), variant, "EfficientNet-B0..B4 are available");
        var (w, d, dropout) = scales[variant];
        MBConvConfig S(double e, long k, long s, long i, long o, int n) => MBConvConfig.Scaled(e, k, s, i, o, n, w, d);
        return new EfficientNet(
            [S(1, 3, 1, 32, 16, 1), S(6, 3, 2, 16, 24, 2), S(6, 5, 2, 24, 40, 2), S(6, 3, 2, 40, 80, 3), S(6, 5, 1, 80, 112, 3), S(6, 5, 2, 112, 192, 4), S(6, 3, 1, 192, 320, 1)],
            dropout, 0.2, numClasses, inChannels);
    }

    /// <summary>torchvision's EfficientNet-V2-S: three FusedMBConv and three MBConv stages, last conv 1280, batch-norm eps 1e-3, dropout 0.2.</summary>
    public static EfficientNet V2S(long numClasses = 1000, long inChannels = 3) => new(
        [new(1, 3, 1, 24, 24, 2, Fused: true), new(4, 3, 2, 24, 48, 4, Fused: true), new(4, 3, 2, 48, 64, 4, Fused: true),
         new(4, 3, 2, 64, 128, 6), new(6, 3, 1, 128, 160, 9), new(6, 3, 2, 160, 256, 15)],
        0.2, 0.2, numClasses, inChannels, lastChannel: 1280, bnEps: 1e-3);

    /// <inheritdoc/>
    public override string HeadName => "classifier.1";

    /// <inheritdoc/>
    public override string FirstConvName => "features.0.0";

    /// <inheritdoc/>
    public override long FeatureDim => _featureDim;

    /// <inheritdoc/>
    protected override void InitHead(Linear head)
    {
        using var noGrad = GradMode.NoGrad();
        var range = 1.0 / Math.Sqrt(head.OutFeatures);
        Init.Uniform_(head.Weight, -range, range);
        Init.Zeros_(head.Bias!);
    }

    /// <summary>features.0 (stem), features.1 .. features.n (stages), features.n+1 (last conv: the last feature map).</summary>
    public override IReadOnlyList<string> ActivationNames => [.. ActivationCapture.Names(_features, "features")];

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture)
    {
        var x = capture is null ? _features.Forward(input) : capture.Run(_features, "features", input);
        return Functional.AdaptiveAvgPool2d(x, [1, 1]).Flatten(1);
    }

    /// <summary>classifier.0 (dropout, training only; not in place, the caller may hold the features) then the linear classifier.1.</summary>
    public override Tensor ForwardHead(Tensor features)
    {
        if (!Training || Dropout == 0) return base.ForwardHead(features);
        using var dropped = Functional.Dropout(features, Dropout, training: true);
        return base.ForwardHead(dropped);
    }
}
