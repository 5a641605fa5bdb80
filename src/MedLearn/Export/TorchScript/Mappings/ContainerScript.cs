using MedLearn.Torch.Nn;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>ModuleList and ModuleDict: containers without a forward of their own (their parent calls the children).</summary>
internal sealed class ContainerScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ModuleList), typeof(ModuleDict)];

    public string Forward(Module module, string path) => "";
}
