using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Cli.Demo;

/// <summary>conv-bn-relu-pool, conv-bn-relu, global average pool, linear: a few thousand parameters.</summary>
internal sealed class TinyCnn : Module<Tensor, Tensor>
{
    private readonly Sequential _body;

    public TinyCnn(int classes)
    {
        _body = RegisterModule("body", new Sequential(
            new Conv2d(1, 8, 3, padding: 1, bias: false),
            new BatchNorm2d(8),
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(8, 16, 3, padding: 1, bias: false),
            new BatchNorm2d(16),
            new ReLU(),
            new AdaptiveAvgPool2d(1),
            new Flatten(),
            new Linear(16, classes)));
    }

    public override Tensor Forward(Tensor input) => _body.Forward(input);
}
