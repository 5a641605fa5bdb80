using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// Linear → Gemm(x, W, b, transB = 1) on a 2-D input (the heads, after Flatten or pooling) or when the input's rank
/// is unknown; on an input of rank 3 or more (transformer tokens [N, L, D], channels-last maps [N, H, W, C]) →
/// MatMul(x, Transpose(W)) + b, which applies the layer to the last axis as torch does (ONNX Runtime folds the
/// transpose of the initializer when it loads the model).
/// </summary>
internal sealed class LinearMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Linear)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var linear = (Linear)module;
        var weight = graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), linear.Weight);
        var bias = linear.Bias is null ? null : graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), linear.Bias);
        if (graph.Shape(input) is not { Count: > 2 } shape)
            return graph.Node("Gemm", path, bias is null ? [input, weight] : [input, weight, bias], ("transB", 1L));
        var y = graph.Node("MatMul", path, [input, graph.Transpose(path, weight, 1, 0)]);
        if (bias is not null) y = graph.Node("Add", path, [y, bias]);
        // The last axis becomes out_features; the others are kept.
        return graph.SetShape(y, [.. shape.Take(shape.Count - 1), linear.OutFeatures]);
    }
}
