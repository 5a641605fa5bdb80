using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>Sequential → its children in order, each fed the previous output.</summary>
internal sealed class SequentialMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Sequential)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) => ChildChainMapping.Chain(graph, module, path, input);
}
