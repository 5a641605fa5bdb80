using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// AdaptiveAvgPool2d/3d and AdaptiveMaxPool2d to output size 1 → GlobalAveragePool / GlobalMaxPool. Other output
/// sizes depend on the input size (ONNX has no adaptive pooling op) and are refused.
/// </summary>
internal sealed class AdaptivePoolMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(AdaptiveAvgPool2d), typeof(AdaptiveAvgPool3d), typeof(AdaptiveMaxPool2d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var (size, op) = module switch
        {
            AdaptiveAvgPool2d a => (a.OutputSize, "GlobalAveragePool"),
            AdaptiveAvgPool3d a => (a.OutputSize, "GlobalAveragePool"),
            AdaptiveMaxPool2d m => (m.OutputSize, "GlobalMaxPool"),
            _ => throw new ArgumentException(module.TypeName, nameof(module)),
        };
        OnnxGraphBuilder.Require(size.All(s => s == 1), module, path,
            $"output size [{string.Join(", ", size)}] (ONNX has no adaptive pooling op; only output size 1 maps, to {op})");
        return graph.Node(op, path, [input]);
    }
}
