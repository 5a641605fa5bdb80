using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>LeakyReLU → LeakyRelu(alpha = negative_slope).</summary>
internal sealed class LeakyReluMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(LeakyReLU)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) =>
        graph.Node("LeakyRelu", path, [input], ("alpha", ((LeakyReLU)module).NegativeSlope));
}
