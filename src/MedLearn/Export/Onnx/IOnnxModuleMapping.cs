using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx;

/// <summary>
/// How one kind of module is written as ONNX nodes: a layer (Conv2d → Conv) or a whole block whose forward pass is
/// code rather than a chain of children (BasicBlock → its children, then Add and Relu). A mapping emits the nodes for
/// the module's evaluation-mode forward pass through <see cref="OnnxGraphBuilder"/> and delegates children back to
/// the builder (<see cref="OnnxGraphBuilder.EmitChild"/>), so each mapping knows only its own module type.
/// Register new ones with <see cref="OnnxModuleMappings.Register"/>; one file per mapping under <c>Mappings/</c>.
/// </summary>
public interface IOnnxModuleMapping
{
    /// <summary>The exact module types (not subclasses) this mapping writes.</summary>
    IReadOnlyList<Type> ModuleTypes { get; }

    /// <summary>
    /// Emits the nodes computing <paramref name="module"/>'s output from the graph value <paramref name="input"/> and
    /// returns the name of the output value.
    /// </summary>
    /// <param name="graph">The graph being built.</param>
    /// <param name="module">The module (one of <see cref="ModuleTypes"/>).</param>
    /// <param name="path">Its dotted path in the model ("" for the root), for node names and error messages.</param>
    /// <param name="input">Name of the input value.</param>
    /// <exception cref="OnnxExportException">A configuration of the module ONNX (or this mapping) cannot express.</exception>
    string Emit(OnnxGraphBuilder graph, Module module, string path, string input);
}
