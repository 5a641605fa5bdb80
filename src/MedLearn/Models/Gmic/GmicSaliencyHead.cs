using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Gmic;

/// <summary>
/// The class saliency maps of GMIC's global module: <c>A = sigmoid(conv1x1(h_g))</c>, one bias-free 1x1
/// convolution from 256 channels to one channel per class. Named as in the authors' checkpoints
/// (<c>left_postprocess_net.gn_conv_last</c>).
/// </summary>
public sealed class GmicSaliencyHead : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;

    /// <summary>A head from <paramref name="inChannels"/> feature channels to <paramref name="classes"/> maps.</summary>
    public GmicSaliencyHead(long inChannels, long classes)
    {
        _conv = RegisterModule("gn_conv_last", new Conv2d(inChannels, classes, 1, bias: false));
    }

    /// <summary>Saliency maps [N, classes, h, w] in (0, 1) from features [N, inChannels, h, w].</summary>
    public override Tensor Forward(Tensor input) => _conv.Forward(input).Sigmoid();
}
