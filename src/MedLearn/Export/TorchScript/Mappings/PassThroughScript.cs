using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>Identity and (evaluation-mode) Dropout/Dropout2d/Dropout3d/StochasticDepth: return the input.</summary>
internal sealed class PassThroughScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Identity), typeof(Dropout), typeof(Dropout2d), typeof(Dropout3d), typeof(StochasticDepth)];

    public string Forward(Module module, string path) => ForwardDef("return x");
}
