using MedLearn.Models.RegNet;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>RegNet's <see cref="ResBottleneckBlock"/>: activation(f(x) + shortcut), the shortcut being proj(x) when the block has one, else x.</summary>
internal sealed class ResBottleneckBlockMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ResBottleneckBlock)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var f = graph.EmitChild(module, path, "f", input);
        var shortcut = OnnxGraphBuilder.HasChild(module, "proj") ? graph.EmitChild(module, path, "proj", input) : input;
        return graph.EmitChild(module, path, "activation", graph.Node("Add", path, [f, shortcut]));
    }
}
