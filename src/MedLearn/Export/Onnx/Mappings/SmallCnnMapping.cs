using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary><see cref="SmallCnn"/>: features, GlobalAveragePool, Flatten, (dropout: nothing in evaluation mode), fc.</summary>
internal sealed class SmallCnnMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(SmallCnn)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var x = graph.Node("GlobalAveragePool", OnnxGraphBuilder.Join(path, "avgpool"), [graph.EmitChild(module, path, "features", input)]);
        x = graph.Node("Flatten", OnnxGraphBuilder.Join(path, "flatten"), [x], ("axis", 1L));
        if (OnnxGraphBuilder.HasChild(module, "dropout")) x = graph.EmitChild(module, path, "dropout", x);
        return graph.EmitChild(module, path, ((SmallCnn)module).HeadName, x);
    }
}
