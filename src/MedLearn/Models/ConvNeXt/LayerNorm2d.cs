using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision.models.convnext.LayerNorm2d: layer normalisation of each pixel's channel vector of an NCHW map
/// (permute to NHWC, layer_norm over C, permute back); parameters <c>weight</c> (ones) and <c>bias</c> (zeros) [C].
/// </summary>
public sealed class LayerNorm2d : Module<Tensor, Tensor>
{
    private readonly long[] _shape;

    /// <summary>A layer over <paramref name="channels"/> channels (torchvision's ConvNeXt uses eps 1e-6).</summary>
    public LayerNorm2d(long channels, double eps = 1e-6)
    {
        _shape = [channels];
        Eps = eps;
        Weight = Init.Ones_(RegisterParameter("weight", torch.Empty([channels]))!);
        Bias = Init.Zeros_(RegisterParameter("bias", torch.Empty([channels]))!);
    }

    /// <summary>Value added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Scale γ [C].</summary>
    public Tensor Weight { get; }

    /// <summary>Shift β [C].</summary>
    public Tensor Bias { get; }

    /// <summary>x [N, C, H, W] → same shape, each (n, :, h, w) normalised.</summary>
    public override Tensor Forward(Tensor input)
    {
        using var scope = DisposeScope.Open();
        var y = Functional.LayerNorm(input.Permute(0, 2, 3, 1), _shape, Weight, Bias, Eps);
        return scope.MoveToOuter(y.Permute(0, 3, 1, 2));
    }
}
