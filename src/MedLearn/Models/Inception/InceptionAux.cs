using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Inception;

/// <summary>
/// torchvision's InceptionAux (<c>AuxLogits</c>, on Mixed_6e's 768-channel map in training): avgpool 5x5/3,
/// <c>conv0</c> 1x1 (128), <c>conv1</c> 5x5 (768), global average pool, <c>fc</c> (classes).
/// </summary>
public sealed class InceptionAux : Module<Tensor, Tensor>
{
    private readonly BasicConv2d _conv0, _conv1;

    /// <summary>An auxiliary head reading <paramref name="inChannels"/> with <paramref name="numClasses"/> outputs.</summary>
    public InceptionAux(long inChannels, long numClasses)
    {
        _conv0 = RegisterModule("conv0", new BasicConv2d(inChannels, 128, 1));
        _conv1 = RegisterModule("conv1", new BasicConv2d(128, 768, 5));
        RegisterModule("fc", new Linear(768, numClasses));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = _conv1.ForwardReleasing(_conv0.ForwardReleasing(Functional.AvgPool2d(input, [5, 5], [3, 3])));
        using var pooled = Functional.AdaptiveAvgPool2d(x, [1, 1]);
        x.Dispose();
        using var flat = pooled.Flatten(1);
        // The head is looked up by name: ImageClassifier.ReplaceHead may have replaced it.
        return ((Linear)GetSubmodule("fc")).Forward(flat);
    }
}
