using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// ConvNeXt's <see cref="LayerNorm2d"/> on NCHW: Transpose to NHWC, LayerNormalization over the channel axis (opset
/// 17), Transpose back.
/// </summary>
internal sealed class LayerNorm2dMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(LayerNorm2d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var norm = (LayerNorm2d)module;
        OnnxGraphBuilder.Require(graph.Opset >= 17, module, path, $"op LayerNormalization needs opset 17 (exporting opset {graph.Opset})");
        var nhwc = graph.Transpose(path, input, 0, 2, 3, 1);
        var y = graph.Node("LayerNormalization", path,
            [nhwc, graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), norm.Weight), graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), norm.Bias)],
            ("axis", -1L), ("epsilon", norm.Eps));
        return graph.Transpose(path, y, 0, 3, 1, 2);
    }
}
