using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary><see cref="ConvNeXt"/>: features, GlobalAveragePool, then the classifier chain (LayerNorm2d, Flatten, Linear).</summary>
internal sealed class ConvNeXtMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ConvNeXt)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var x = graph.Node("GlobalAveragePool", OnnxGraphBuilder.Join(path, "avgpool"), [graph.EmitChild(module, path, "features", input)]);
        return graph.EmitChild(module, path, "classifier", x);
    }
}
