using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// ConvNeXt's <see cref="CNBlock"/>: input + layer_scale · block(input), the block being depthwise Conv, Transpose to
/// NHWC, LayerNormalization, MatMul/Add (Linear on the channels-last map), GELU, MatMul/Add, Transpose back; the
/// layer scale [C, 1, 1] broadcasts over the NCHW map. Stochastic depth is the identity at inference.
/// </summary>
internal sealed class CNBlockMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(CNBlock)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var block = graph.EmitChild(module, path, "block", input);
        var scaled = graph.Node("Mul", path, [block, graph.Initializer(OnnxGraphBuilder.Join(path, "layer_scale"), ((CNBlock)module).LayerScale)]);
        return graph.Node("Add", path, [scaled, input]);
    }
}
