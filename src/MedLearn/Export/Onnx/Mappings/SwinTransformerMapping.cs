using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// <see cref="SwinTransformer"/> (fixed input height and width: the windows, paddings and shift masks depend on them):
/// features.0 (patch conv, Transpose to NHWC, LayerNormalization), the stages and patch mergings on channels-last maps
/// whose sizes the mappings track, norm, ReduceMean over H and W, head.
/// </summary>
internal sealed class SwinTransformerMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(SwinTransformer)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var size = graph.RequireStatic(input, module, path, 2, 3);
        var patch = (Conv2d)module.GetSubmodule("features.0.0");
        var featuresPath = OnnxGraphBuilder.Join(path, "features");
        var x = input;
        foreach (var (name, child) in module.GetSubmodule("features").NamedChildren())
        {
            x = graph.Emit(child, OnnxGraphBuilder.Join(featuresPath, name), x);
            if (name == "0")
                graph.SetShape(x, -1, (size[0] - patch.KernelSize[0]) / patch.Stride[0] + 1, (size[1] - patch.KernelSize[^1]) / patch.Stride[^1] + 1, patch.OutChannels);
        }
        var c = graph.Shape(x)![3];
        x = graph.EmitChild(module, path, "norm", x);
        x = graph.SetShape(graph.Node("ReduceMean", OnnxGraphBuilder.Join(path, "avgpool"), [x], ("axes", new long[] { 1, 2 }), ("keepdims", 0L)), -1, c);
        return graph.EmitChild(module, path, "head", x);
    }
}
