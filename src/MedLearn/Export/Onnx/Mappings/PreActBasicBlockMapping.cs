using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// <see cref="PreActBasicBlock"/>: a = relu(bn1(x)); conv2(relu(bn2(conv1(a)))) + shortcut, the shortcut being
/// downsample(a) when the block has one, else x; no activation after the sum.
/// </summary>
internal sealed class PreActBasicBlockMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(PreActBasicBlock)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var a = graph.EmitChild(module, path, "relu", graph.EmitChild(module, path, "bn1", input));
        var shortcut = OnnxGraphBuilder.HasChild(module, "downsample") ? graph.EmitChild(module, path, "downsample", a) : input;
        var x = graph.EmitChild(module, path, "relu", graph.EmitChild(module, path, "bn2", graph.EmitChild(module, path, "conv1", a)));
        x = graph.EmitChild(module, path, "conv2", x);
        return graph.Node("Add", path, [x, shortcut]);
    }
}
