using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary><see cref="DenseNet"/>: features, Relu, GlobalAveragePool, Flatten, classifier (torchvision's forward).</summary>
internal sealed class DenseNetMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(DenseNet)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var x = graph.Node("Relu", OnnxGraphBuilder.Join(path, "relu"), [graph.EmitChild(module, path, "features", input)]);
        x = graph.Node("GlobalAveragePool", OnnxGraphBuilder.Join(path, "avgpool"), [x]);
        x = graph.Node("Flatten", OnnxGraphBuilder.Join(path, "flatten"), [x], ("axis", 1L));
        return graph.EmitChild(module, path, ((DenseNet)module).HeadName, x);
    }
}
