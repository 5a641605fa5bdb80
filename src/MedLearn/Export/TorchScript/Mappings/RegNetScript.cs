using MedLearn.Models.RegNet;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="RegNet"/>: stem, trunk_output (stages of blocks), avgpool, flatten, fc. <see cref="ResBottleneckBlock"/>:
/// activation(f(x) + shortcut), the shortcut being proj(x) when the block has one, else x.
/// </summary>
internal sealed class RegNetScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(RegNet), typeof(ResBottleneckBlock)];

    public string Forward(Module module, string path) => module switch
    {
        RegNet net => ForwardDef(
            $"x = {Call("trunk_output", Call("stem", "x"))}",
            $"x = torch.flatten({Call("avgpool", "x")}, 1)",
            $"return {Call(net.HeadName, "x")}"),
        ResBottleneckBlock => ForwardDef(
            $"y = {Call("f", "x")}",
            $"s = {(HasChild(module, "proj") ? Call("proj", "x") : "x")}",
            $"return {Call("activation", "y + s")}"),
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    };
}
