using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>LayerNorm → torch.layer_norm(x, normalized_shape, γ, β, ε) over the last len(normalized_shape) axes.</summary>
internal sealed class LayerNormScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(LayerNorm)];

    public string Forward(Module module, string path)
    {
        var norm = (LayerNorm)module;
        return ForwardDef($"return torch.layer_norm(x, {Ints(norm.NormalizedShape)}, {Optional("weight", norm.Weight)}, {Optional("bias", norm.Bias)}, {Float(norm.Eps)}, True)");
    }
}
