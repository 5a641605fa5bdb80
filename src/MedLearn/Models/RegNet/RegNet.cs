using MedLearn.Models.Blocks;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.RegNet;

/// <summary>
/// torchvision.models.RegNet (Y variants: squeeze-excitation ratio 0.25) with its exact layout, parameter names,
/// registration order and initialisation: <c>stem</c> conv3x3/2-bn-relu (32), <c>trunk_output</c> = block1..block4
/// (stages of <see cref="ResBottleneckBlock"/>s named "block{stage}-{i}"; the first of each has stride 2), <c>avgpool</c>,
/// <c>fc</c>. Convolutions N(0, √(2/(k·k·out))), batch norms 1/0, fc N(0, 0.01) with bias 0.
/// </summary>
public sealed class RegNet : ImageClassifier
{
    private readonly Sequential _stem;
    private readonly Sequential _trunk;
    private readonly long _featureDim;

    /// <summary>A RegNet with the given resolved stages (torchvision's <c>BlockParams</c> after quantisation).</summary>
    /// <param name="depths">Blocks per stage.</param>
    /// <param name="widths">Output channels per stage.</param>
    /// <param name="groupWidth">Channels per group of the 3x3 convolutions.</param>
    /// <param name="seRatio">Squeeze-excitation ratio (Y: 0.25; null for the X variants).</param>
    /// <param name="numClasses">Outputs of fc.</param>
    /// <param name="inChannels">Input channels of the stem.</param>
    /// <param name="stemWidth">Output channels of the stem.</param>
    public RegNet(IReadOnlyList<int> depths, IReadOnlyList<long> widths, long groupWidth, double? seRatio, long numClasses = 1000, long inChannels = 3, long stemWidth = 32)
    {
        ArgumentNullException.ThrowIfNull(depths);
        ArgumentNullException.ThrowIfNull(widths);
        if (depths.Count == 0 || depths.Count != widths.Count || depths.Any(d => d < 1)) throw new ArgumentException("a RegNet needs stages of at least one block, one width each", nameof(depths));
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        _stem = RegisterModule("stem", ConvNormActivation.Create(inChannels, stemWidth, 3, 2, activation: new ReLU(inplace: true)));
        _trunk = RegisterModule("trunk_output", new Sequential());
        var current = stemWidth;
        for (var s = 0; s < depths.Count; s++)
        {
            var stage = new Sequential();
            for (var i = 0; i < depths[s]; i++)
                stage.Add($"block{s + 1}-{i}", new ResBottleneckBlock(i == 0 ? current : widths[s], widths[s], i == 0 ? 2 : 1, groupWidth, seRatio));
            _trunk.Add($"block{s + 1}", stage);
            current = widths[s];
        }
        _featureDim = current;
        RegisterModule("avgpool", new AdaptiveAvgPool2d(1));
        RegisterModule("fc", new Linear(current, numClasses));

        using var noGrad = GradMode.NoGrad();
        foreach (var (_, m) in NamedModules())
        {
            switch (m)
            {
                case Conv2d c:
                    Init.Normal_(c.Weight, 0, Math.Sqrt(2.0 / (c.KernelSize[0] * c.KernelSize[1] * c.OutChannels)));
                    break;
                case BatchNorm2d b:
                    Init.Ones_(b.Weight!);
                    Init.Zeros_(b.Bias!);
                    break;
                case Linear l:
                    InitHead(l);
                    break;
            }
        }
    }

    /// <summary>
    /// torchvision.models.regnet_y_400mf: depth 16, w_0 48, w_a 27.89, w_m 2.09, group width 8, SE 0.25, which
    /// torchvision's BlockParams.from_init_params resolves to depths [1, 3, 6, 6] and widths [48, 104, 208, 440].
    /// </summary>
    public static RegNet RegNetY400MF(long numClasses = 1000, long inChannels = 3) => new([1, 3, 6, 6], [48, 104, 208, 440], 8, 0.25, numClasses, inChannels);

    /// <inheritdoc/>
    public override string HeadName => "fc";

    /// <inheritdoc/>
    public override string FirstConvName => "stem.0";

    /// <inheritdoc/>
    public override long FeatureDim => _featureDim;

    /// <inheritdoc/>
    protected override void InitHead(Linear head)
    {
        using var noGrad = GradMode.NoGrad();
        Init.Normal_(head.Weight, 0, 0.01);
        Init.Zeros_(head.Bias!);
    }

    /// <summary>stem, trunk_output.block1 .. trunk_output.block4 (the last feature map).</summary>
    public override IReadOnlyList<string> ActivationNames => ["stem", .. ActivationCapture.Names(_trunk, "trunk_output")];

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture)
    {
        Tensor x;
        if (capture is null) x = _trunk.ForwardReleasing(_stem.Forward(input));
        else x = capture.Run(_trunk, "trunk_output", capture.Record("stem", _stem.Forward(input)));
        return Functional.AdaptiveAvgPool2d(x, [1, 1]).Flatten(1);
    }
}
