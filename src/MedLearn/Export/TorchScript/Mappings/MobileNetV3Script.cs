using MedLearn.Models.MobileNet;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="MobileNetV3"/>: features, avgpool, flatten, then the classifier chain (Linear, hard swish, dropout —
/// nothing in evaluation mode —, the head). <see cref="InvertedResidual"/>: block(x), plus x when stride 1 and the
/// channels are equal. (The squeeze-excitation block and the hard activations have mappings of their own.)
/// </summary>
internal sealed class MobileNetV3Script : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(MobileNetV3), typeof(InvertedResidual)];

    public string Forward(Module module, string path) => module switch
    {
        MobileNetV3 => ForwardDef(
            $"x = torch.flatten({Call("avgpool", Call("features", "x"))}, 1)",
            $"return {Call("classifier", "x")}"),
        InvertedResidual block => block.UseResidual
            ? ForwardDef($"return {Call("block", "x")} + x")
            : ForwardDef($"return {Call("block", "x")}"),
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    };
}
