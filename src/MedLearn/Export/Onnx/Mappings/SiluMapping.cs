using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>SiLU (swish) → x · Sigmoid(x) (opsets before 24 have no Swish op).</summary>
internal sealed class SiluMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(SiLU)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) =>
        graph.Node("Mul", path, [input, graph.Node("Sigmoid", path, [input])]);
}
