using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>The residual block a <see cref="ResNet"/> is built from.</summary>
public enum ResNetBlock
{
    /// <summary><see cref="BasicBlock"/> (ResNet-18/34).</summary>
    Basic,

    /// <summary><see cref="Models.Bottleneck"/> (ResNet-50 and up).</summary>
    Bottleneck,
}

/// <summary>
/// torchvision.models.ResNet with its exact layout, parameter names, registration order and initialisation:
/// conv1 7x7/2, bn1, relu, maxpool 3x3/2, layer1..layer4 (blocks "0", "1", ...; 64, 128, 256, 512 planes),
/// avgpool, fc. Convolutions get kaiming_normal_(fan_out, relu), batch norms weight 1 / bias 0, fc torch.nn's
/// default Linear init.
/// </summary>
public sealed class ResNet : ImageClassifier, IConvBatchNormFoldable
{
    private static readonly string[] s_stemNames = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool"];
    private readonly Module<Tensor, Tensor>[] _stem;
    private readonly long _featureDim;

    /// <summary>A ResNet of <paramref name="block"/>s with <paramref name="layers"/> blocks per stage.</summary>
    public ResNet(ResNetBlock block, IReadOnlyList<int> layers, long numClasses = 1000, long inChannels = 3)
    {
        if (layers.Count != 4 || layers.Any(n => n < 1)) throw new ArgumentException("a ResNet needs 4 stages of at least one block", nameof(layers));
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        var expansion = block == ResNetBlock.Basic ? BasicBlock.Expansion : Bottleneck.Expansion;

        var conv1 = RegisterModule("conv1", new Conv2d(inChannels, 64, 7, stride: 2, padding: 3, bias: false));
        var bn1 = RegisterModule("bn1", new BatchNorm2d(64));
        var relu = RegisterModule("relu", new ReLU(inplace: true));
        var maxpool = RegisterModule("maxpool", new MaxPool2d(3, stride: 2, padding: 1));
        long inplanes = 64;
        var stages = new Module<Tensor, Tensor>[4];
        long[] planes = [64, 128, 256, 512];
        for (var i = 0; i < 4; i++)
            stages[i] = RegisterModule($"layer{i + 1}", MakeLayer(block, expansion, ref inplanes, planes[i], layers[i], i == 0 ? 1 : 2));
        var avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d([1, 1]));
        _featureDim = 512 * expansion;
        RegisterModule("fc", new Linear(_featureDim, numClasses));
        _stem = [conv1, bn1, relu, maxpool, .. stages, avgpool];

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

    private static Sequential MakeLayer(ResNetBlock block, long expansion, ref long inplanes, long planes, int blocks, long stride)
    {
        Sequential? downsample = null;
        if (stride != 1 || inplanes != planes * expansion)
            downsample = new Sequential(
                new Conv2d(inplanes, planes * expansion, 1, stride: stride, bias: false),
                new BatchNorm2d(planes * expansion));
        var layer = new Sequential();
        layer.Append(Block(block, inplanes, planes, stride, downsample));
        inplanes = planes * expansion;
        for (var i = 1; i < blocks; i++) layer.Append(Block(block, inplanes, planes, 1, null));
        return layer;
    }

    private static Module<Tensor, Tensor> Block(ResNetBlock block, long inplanes, long planes, long stride, Sequential? downsample) =>
        block == ResNetBlock.Basic ? new BasicBlock(inplanes, planes, stride, downsample) : new Bottleneck(inplanes, planes, stride, downsample);

    /// <inheritdoc/>
    public override string HeadName => "fc";

    /// <inheritdoc/>
    public override string FirstConvName => "conv1";

    /// <inheritdoc/>
    public override long FeatureDim => _featureDim;

    /// <summary>conv1, bn1, relu, maxpool, layer1 .. layer4 (layer4 is the last feature map).</summary>
    public override IReadOnlyList<string> ActivationNames { get; } = s_stemNames[..^1];

    /// <inheritdoc/>
    protected internal override Tensor ForwardFeatures(Tensor input, ActivationCapture? capture)
    {
        var x = input;
        for (var i = 0; i < _stem.Length; i++)
        {
            // The caller owns the input; every later x is this forward's own intermediate.
            x = i == 0 ? _stem[i].Forward(x) : _stem[i].ForwardReleasing(x);
            if (capture is not null) x = capture.Record(s_stemNames[i], x);
        }
        return x.Flatten(1);
    }

    /// <summary>The stem's bn1 follows conv1 (the blocks fold themselves).</summary>
    public IReadOnlyList<(string Conv, string BatchNorm)> ConvBatchNormPairs => [("conv1", "bn1")];

    /// <inheritdoc/>
    public void ReplaceLayer(string name, Module<Tensor, Tensor> replacement)
    {
        var index = name switch
        {
            "conv1" => 0,
            "bn1" => 1,
            _ => throw new ArgumentException($"{nameof(ResNet)} cannot replace '{name}'", nameof(name)),
        };
        _stem[index] = replacement;
        ReplaceModule(name, replacement);
    }

    /// <summary>torchvision.models.resnet18: BasicBlocks [2, 2, 2, 2].</summary>
    public static ResNet ResNet18(long numClasses = 1000, long inChannels = 3) => new(ResNetBlock.Basic, [2, 2, 2, 2], numClasses, inChannels);

    /// <summary>torchvision.models.resnet34: BasicBlocks [3, 4, 6, 3].</summary>
    public static ResNet ResNet34(long numClasses = 1000, long inChannels = 3) => new(ResNetBlock.Basic, [3, 4, 6, 3], numClasses, inChannels);

    /// <summary>torchvision.models.resnet50: Bottlenecks [3, 4, 6, 3].</summary>
    public static ResNet ResNet50(long numClasses = 1000, long inChannels = 3) => new(ResNetBlock.Bottleneck, [3, 4, 6, 3], numClasses, inChannels);
}
