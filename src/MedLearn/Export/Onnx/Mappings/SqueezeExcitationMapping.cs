using MedLearn.Models.Blocks;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary><see cref="SqueezeExcitation"/>: x · scale_activation(fc2(activation(fc1(GlobalAveragePool(x))))), the scale broadcast over H and W.</summary>
internal sealed class SqueezeExcitationMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(SqueezeExcitation)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var scale = graph.Node("GlobalAveragePool", OnnxGraphBuilder.Join(path, "avgpool"), [input]);
        foreach (var name in new[] { "fc1", "activation", "fc2", "scale_activation" }) scale = graph.EmitChild(module, path, name, scale);
        return graph.Node("Mul", path, [input, scale]);
    }
}
