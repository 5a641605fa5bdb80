using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>LayerNorm → LayerNormalization (opset 17) over the last len(normalized_shape) axes; γ = 1, β = 0 without elementwise affine.</summary>
internal sealed class LayerNormMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(LayerNorm)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var norm = (LayerNorm)module;
        OnnxGraphBuilder.Require(graph.Opset >= 17, module, path, $"op LayerNormalization needs opset 17 (exporting opset {graph.Opset})");
        var shape = norm.NormalizedShape;
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var scale = norm.Weight is null ? graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), BatchNormMapping.Ones(count), shape) : graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), norm.Weight);
        var bias = norm.Bias is null ? graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), new float[count], shape) : graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), norm.Bias);
        return graph.Node("LayerNormalization", path, [input, scale, bias], ("axis", (long)-shape.Length), ("epsilon", norm.Eps));
    }
}
