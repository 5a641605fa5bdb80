using MedLearn.Torch.Nn;

namespace MedLearn.Export.TorchScript;

/// <summary>
/// How one kind of module is written as TorchScript: the source of its evaluation-mode <c>forward</c>, compiled by
/// libtorch into the module's class. The exporter registers every parameter, buffer and child of the module under its
/// own name (so the scripted module's state dict equals MedLearn's), and each child is written by its own mapping; a
/// mapping calls children with <see cref="TorchScriptSource.Call"/> and reads members with
/// <see cref="TorchScriptSource.Member"/>. Register new ones with <see cref="TorchScriptModuleMappings.Register"/>;
/// one file per mapping under <c>Mappings/</c>.
/// </summary>
public interface ITorchScriptModuleMapping
{
    /// <summary>The exact module types (not subclasses) this mapping writes.</summary>
    IReadOnlyList<Type> ModuleTypes { get; }

    /// <summary>
    /// The TorchScript source of <paramref name="module"/>'s forward method:
    /// <c>def forward(self, x: Tensor) -> Tensor:</c> (see <see cref="TorchScriptSource.ForwardDef"/>); the root module may
    /// return a tuple of tensors; a container without a forward of its own (ModuleList) returns "".
    /// </summary>
    /// <param name="module">The module (one of <see cref="ModuleTypes"/>).</param>
    /// <param name="path">Its dotted path in the model ("" for the root), for error messages.</param>
    /// <exception cref="TorchScriptExportException">A configuration of the module this mapping cannot express.</exception>
    string Forward(Module module, string path);
}
