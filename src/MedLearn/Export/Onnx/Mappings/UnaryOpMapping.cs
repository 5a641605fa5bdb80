using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>Parameterless element-wise activations: ReLU → Relu, Sigmoid → Sigmoid, Tanh → Tanh.</summary>
internal sealed class UnaryOpMapping : IOnnxModuleMapping
{
    private static readonly Dictionary<Type, string> s_ops = new() { [typeof(ReLU)] = "Relu", [typeof(Sigmoid)] = "Sigmoid", [typeof(Tanh)] = "Tanh" };

    public IReadOnlyList<Type> ModuleTypes { get; } = [.. s_ops.Keys];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) => graph.Node(s_ops[module.GetType()], path, [input]);
}
