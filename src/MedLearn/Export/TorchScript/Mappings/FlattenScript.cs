using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>Flatten(start_dim, end_dim) → torch.flatten(x, start_dim, end_dim).</summary>
internal sealed class FlattenScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Flatten)];

    public string Forward(Module module, string path)
    {
        var f = (Flatten)module;
        return ForwardDef($"return torch.flatten(x, {f.StartDim}, {f.EndDim})");
    }
}
