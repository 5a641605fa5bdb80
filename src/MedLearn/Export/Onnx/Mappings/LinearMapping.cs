using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// Linear → Gemm(x, W, b, transB = 1). Gemm takes a 2-D input, which every head here gets (after Flatten); a linear
/// layer on tokens (rank 3, transformers) would need MatMul + Add instead: extend this mapping when such a model comes.
/// </summary>
internal sealed class LinearMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Linear)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var linear = (Linear)module;
        List<string> inputs = [input, graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), linear.Weight)];
        if (linear.Bias is not null) inputs.Add(graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), linear.Bias));
        return graph.Node("Gemm", path, inputs, ("transB", 1L));
    }
}
