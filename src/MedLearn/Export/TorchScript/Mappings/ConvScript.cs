using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>Conv1d/2d/3d → torch.conv{n}d(x, weight, bias, stride, padding, dilation, groups). Zero padding only.</summary>
internal sealed class ConvScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Conv1d), typeof(Conv2d), typeof(Conv3d)];

    public string Forward(Module module, string path)
    {
        var conv = (ConvNd)module;
        Require(conv.PaddingMode == PadMode.Constant, module, path, $"padding mode {conv.PaddingMode} (only zeros padding is written)");
        var n = conv.SpatialDims;
        return ForwardDef($"return torch.conv{n}d(x, self.weight, {Optional("bias", conv.Bias)}, {Ints(Expand(conv.Stride, n))}, {Ints(Expand(conv.Padding, n))}, {Ints(Expand(conv.Dilation, n))}, {conv.Groups})");
    }
}
