using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Bench;

/// <summary>
/// torchvision's BasicBlock: conv3x3(stride)-bn-relu-conv3x3-bn, plus the identity or a 1x1-conv/bn
/// <c>downsample</c>, then relu. Parameter names match torchvision (conv1, bn1, conv2, bn2, downsample.0/1).
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly ReLU _relu;
    private readonly Conv2d _conv2;
    private readonly BatchNorm2d _bn2;
    private readonly Sequential? _downsample;

    /// <summary>A block from <paramref name="inplanes"/> to <paramref name="planes"/> channels.</summary>
    public BasicBlock(long inplanes, long planes, long stride = 1)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        _relu = RegisterModule("relu", new ReLU(inplace: true));
        _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, padding: 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        if (stride != 1 || inplanes != planes)
            _downsample = RegisterModule("downsample", new Sequential(
                new Conv2d(inplanes, planes, 1, stride: stride, bias: false),
                new BatchNorm2d(planes)));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        var identity = _downsample?.Forward(x) ?? x;
        var out1 = _relu.Forward(_bn1.Forward(_conv1.Forward(x)));
        var out2 = _bn2.Forward(_conv2.Forward(out1));
        out2.Add_(identity);
        return _relu.Forward(out2);
    }
}

/// <summary>
/// torchvision.models.resnet18 (same layers, order, parameter names and initialisation scheme): conv1 7x7/2,
/// bn1, relu, maxpool 3x3/2, layer1..layer4 of two BasicBlocks each (64, 128, 256, 512 channels), global
/// average pool, fc. Lives in bench until the models issue moves it to src/MedLearn/Models.
/// </summary>
public sealed class ResNet18 : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor>[] _chain;
    private readonly Linear _fc;

    /// <summary>A ResNet-18 with <paramref name="numClasses"/> outputs, initialised like torchvision.</summary>
    public ResNet18(long numClasses = 1000)
    {
        var conv1 = RegisterModule("conv1", new Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false));
        var bn1 = RegisterModule("bn1", new BatchNorm2d(64));
        var relu = RegisterModule("relu", new ReLU(inplace: true));
        var maxpool = RegisterModule("maxpool", new MaxPool2d(3, stride: 2, padding: 1));
        var layer1 = RegisterModule("layer1", MakeLayer(64, 64, 1));
        var layer2 = RegisterModule("layer2", MakeLayer(64, 128, 2));
        var layer3 = RegisterModule("layer3", MakeLayer(128, 256, 2));
        var layer4 = RegisterModule("layer4", MakeLayer(256, 512, 2));
        var avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d([1, 1]));
        _fc = RegisterModule("fc", new Linear(512, numClasses));
        _chain = [conv1, bn1, relu, maxpool, layer1, layer2, layer3, layer4, avgpool];

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

    private static Sequential MakeLayer(long inplanes, long planes, long stride) =>
        new(new BasicBlock(inplanes, planes, stride), new BasicBlock(planes, planes));

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        foreach (var m in _chain) x = m.Forward(x);
        return _fc.Forward(x.Flatten(1));
    }
}
