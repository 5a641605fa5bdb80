using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>ELU → Elu(alpha).</summary>
internal sealed class EluMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ELU)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) =>
        graph.Node("Elu", path, [input], ("alpha", ((ELU)module).Alpha));
}
