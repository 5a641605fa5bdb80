using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// A configurable pre-activation ResNet trunk (GMIC's <c>ResNetV2</c>): <c>first_conv</c> (no bias) -&gt;
/// <c>first_pool</c> (max) -&gt; stages <c>layer_list.0 ..</c> of <see cref="PreActBasicBlock"/>s -&gt; <c>final_bn</c>
/// -&gt; ReLU. Stage i has <c>numFilters * growthFactor^i</c> channels; its first block carries the stage's stride and
/// a 1x1 convolution shortcut (<c>downsample.0</c>, no bias, always present, as in GMIC) on the pre-activated
/// input. The output is the final feature map [N, <see cref="OutChannels"/>, h, w] (no pooling, no head).
/// Parameter names and registration order follow GMIC, so its checkpoints load by name; initialisation is
/// torch.nn's default (GMIC applies none of its own).
/// </summary>
public sealed class PreActResNet : Module<Tensor, Tensor>, IActivationModel
{
    private readonly Conv2d _firstConv;
    private readonly MaxPool2d _firstPool;
    private readonly Sequential[] _stages;
    private readonly BatchNorm2d _finalBn;
    private readonly ReLU _relu;

    /// <summary>
    /// A trunk on <paramref name="inChannels"/> input channels. <paramref name="blocksPerStage"/> and
    /// <paramref name="strides"/> give, per stage, the number of blocks and the stride of its first block.
    /// </summary>
    public PreActResNet(long inChannels, long numFilters, long firstKernelSize, long firstStride, long firstPadding,
        long firstPoolSize, long firstPoolStride, long firstPoolPadding, IReadOnlyList<int> blocksPerStage, IReadOnlyList<int> strides,
        long growthFactor = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numFilters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(growthFactor, 1);
        ArgumentNullException.ThrowIfNull(blocksPerStage);
        ArgumentNullException.ThrowIfNull(strides);
        if (blocksPerStage.Count == 0 || blocksPerStage.Any(n => n < 1)) throw new ArgumentException("every stage needs at least one block", nameof(blocksPerStage));
        if (strides.Count != blocksPerStage.Count || strides.Any(s => s < 1))
            throw new ArgumentException($"expected {blocksPerStage.Count} positive strides (one per stage), got [{string.Join(", ", strides)}]", nameof(strides));

        _firstConv = RegisterModule("first_conv", new Conv2d(inChannels, numFilters, firstKernelSize, stride: firstStride, padding: firstPadding, bias: false));
        _firstPool = RegisterModule("first_pool", new MaxPool2d(firstPoolSize, stride: firstPoolStride, padding: firstPoolPadding));
        var layerList = RegisterModule("layer_list", new ModuleList());
        _stages = new Sequential[blocksPerStage.Count];
        long inplanes = numFilters, planes = numFilters;
        for (var i = 0; i < blocksPerStage.Count; i++)
        {
            var stage = new Sequential();
            var downsample = new Sequential(new Conv2d(inplanes, planes * PreActBasicBlock.Expansion, 1, stride: strides[i], bias: false));
            stage.Append(new PreActBasicBlock(inplanes, planes, strides[i], downsample));
            inplanes = planes * PreActBasicBlock.Expansion;
            for (var b = 1; b < blocksPerStage[i]; b++) stage.Append(new PreActBasicBlock(inplanes, planes));
            layerList.Append(stage);
            _stages[i] = stage;
            if (i < blocksPerStage.Count - 1) planes *= growthFactor;
        }
        OutChannels = planes * PreActBasicBlock.Expansion;
        _finalBn = RegisterModule("final_bn", new BatchNorm2d(OutChannels));
        _relu = RegisterModule("relu", new ReLU());
    }

    /// <summary>Channels of the output feature map.</summary>
    public long OutChannels { get; }

    /// <summary>
    /// GMIC's ResNet-22 global network: conv 7x7/2 to 16 channels (no bias, no padding), max pool 3x3/2 (no
    /// padding), 5 stages of 2 pre-activation basic blocks with strides 1, 2, 2, 2, 2 and 16, 32, 64, 128, 256
    /// channels, final BN and ReLU. An HxW input gives a 256-channel map reduced about 64-fold per side.
    /// </summary>
    public static PreActResNet ResNet22Trunk(long inChannels = 1) =>
        new(inChannels, numFilters: 16, firstKernelSize: 7, firstStride: 2, firstPadding: 0,
            firstPoolSize: 3, firstPoolStride: 2, firstPoolPadding: 0, blocksPerStage: [2, 2, 2, 2, 2], strides: [1, 2, 2, 2, 2]);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>Images: 2 spatial dimensions.</summary>
    public int SpatialDims => 2;

    /// <summary>first_conv, first_pool, layer_list.0 .., final_bn, relu (the output feature map).</summary>
    public IReadOnlyList<string> ActivationNames =>
        ["first_conv", "first_pool", .. Enumerable.Range(0, _stages.Length).Select(i => $"layer_list.{i}"), "final_bn", "relu"];

    /// <summary>The output feature map and the requested named activations (see <see cref="IActivationModel"/>).</summary>
    /// <exception cref="ArgumentException">An unknown name (the message lists <see cref="ActivationNames"/>).</exception>
    public ActivationOutputs ForwardWithActivations(Tensor input, IReadOnlyCollection<string> names)
    {
        var capture = new ActivationCapture(ActivationNames, names, TypeName);
        return new ActivationOutputs(Forward(input, capture), capture.Activations);
    }

    private Tensor Forward(Tensor input, ActivationCapture? capture)
    {
        Tensor Record(string name, Tensor t) => capture is null ? t : capture.Record(name, t);
        // Record keeps a captured activation and hands on a clone, so releasing the handed-on tensor is safe.
        var x = Record("first_pool", _firstPool.ForwardReleasing(Record("first_conv", _firstConv.Forward(input))));
        for (var i = 0; i < _stages.Length; i++) x = Record($"layer_list.{i}", _stages[i].ForwardReleasing(x));
        return Record("relu", _relu.ForwardReleasing(Record("final_bn", _finalBn.ForwardReleasing(x))));
    }
}
