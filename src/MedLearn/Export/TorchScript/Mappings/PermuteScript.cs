using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>Permute (torchvision.ops.misc.Permute) → x.permute(dims).</summary>
internal sealed class PermuteScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Permute)];

    public string Forward(Module module, string path) => ForwardDef($"return x.permute({Ints(((Permute)module).Dims)})");
}
