using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// ConvTranspose1d/2d/3d → torch.conv_transpose{n}d(x, weight, bias, stride, padding, output_padding, groups, dilation);
/// <see cref="DepthToSpaceConvTranspose3d"/> (whichever way it computes, it is ConvTranspose3d(in, out, k, stride=k))
/// → torch.conv_transpose3d with stride k.
/// </summary>
internal sealed class ConvTransposeScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ConvTranspose1d), typeof(ConvTranspose2d), typeof(ConvTranspose3d), typeof(DepthToSpaceConvTranspose3d)];

    public string Forward(Module module, string path)
    {
        if (module is DepthToSpaceConvTranspose3d d2s)
        {
            long[] k = [d2s.Factor, d2s.Factor, d2s.Factor];
            return ForwardDef($"return torch.conv_transpose3d(x, self.weight, {Optional("bias", d2s.Bias)}, {Ints(k)})");
        }
        var conv = (ConvNd)module;
        var n = conv.SpatialDims;
        return ForwardDef($"return torch.conv_transpose{n}d(x, self.weight, {Optional("bias", conv.Bias)}, {Ints(Expand(conv.Stride, n))}, {Ints(Expand(conv.Padding, n))}, "
            + $"{Ints(Expand(conv.OutputPadding, n))}, {conv.Groups}, {Ints(Expand(conv.Dilation, n))})");
    }
}
