using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's Swin PatchMerging (V1): x [.., H, W, C] padded to even H and W, the 2 x 2 neighbours concatenated
/// in torchvision's order (x[0::2, 0::2], x[1::2, 0::2], x[0::2, 1::2], x[1::2, 1::2]) → [.., H/2, W/2, 4C], then
/// <c>norm</c> (LayerNorm 4C) and <c>reduction</c> (Linear 4C → 2C, no bias). Registration order: reduction, norm.
/// </summary>
public sealed class PatchMerging : Module<Tensor, Tensor>
{
    private readonly Linear _reduction;
    private readonly LayerNorm _norm;

    /// <summary>Merges patches of <paramref name="dim"/> channels.</summary>
    public PatchMerging(long dim)
    {
        _reduction = RegisterModule("reduction", new Linear(4 * dim, 2 * dim, bias: false));
        _norm = RegisterModule("norm", new LayerNorm(4 * dim));
    }

    /// <summary>x [B, H, W, C] → [B, ⌈H/2⌉, ⌈W/2⌉, 2C].</summary>
    public override Tensor Forward(Tensor input)
    {
        using var scope = DisposeScope.Open();
        long h = input.Shape[^3], w = input.Shape[^2];
        var x = h % 2 + w % 2 > 0 ? Functional.Pad(input, [0, 0, 0, w % 2, 0, h % 2]) : input;
        var hd = x.Dim - 3;
        var wd = x.Dim - 2;
        Tensor Part(long r, long c) => x.Slice(hd, r, null, 2).Slice(wd, c, null, 2);
        var merged = torch.Cat([Part(0, 0), Part(1, 0), Part(0, 1), Part(1, 1)], -1);
        return scope.MoveToOuter(_reduction.Forward(_norm.Forward(merged)));
    }
}
