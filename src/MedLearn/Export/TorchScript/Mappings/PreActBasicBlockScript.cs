using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="PreActBasicBlock"/>: a = relu(bn1(x)); conv2(relu(bn2(conv1(a)))) + shortcut, the shortcut being
/// downsample(a) when the block has one, else x; no activation after the sum.
/// </summary>
internal sealed class PreActBasicBlockScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(PreActBasicBlock)];

    public string Forward(Module module, string path) => ForwardDef(
        $"a = {Call("relu", Call("bn1", "x"))}",
        $"s = {(HasChild(module, "downsample") ? Call("downsample", "a") : "x")}",
        $"y = {Call("relu", Call("bn2", Call("conv1", "a")))}",
        $"return {Call("conv2", "y")} + s");
}
