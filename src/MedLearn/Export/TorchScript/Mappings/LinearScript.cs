using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>Linear → torch.linear(x, W, b) = x·Wᵀ + b over the last axis (any rank).</summary>
internal sealed class LinearScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Linear)];

    public string Forward(Module module, string path) =>
        ForwardDef($"return torch.linear(x, self.weight, {Optional("bias", ((Linear)module).Bias)})");
}
