using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>AvgPool2d/3d → AveragePool (kernel_shape, strides, pads, ceil_mode, count_include_pad). A divisor_override is refused.</summary>
internal sealed class AvgPoolMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(AvgPool2d), typeof(AvgPool3d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var pool = (AvgPoolNd)module;
        OnnxGraphBuilder.Require(pool.DivisorOverride is null, module, path, "divisor_override (ONNX AveragePool has no such attribute)");
        var n = module is AvgPool2d ? 2 : 3;
        return graph.Node("AveragePool", path, [input],
            ("kernel_shape", OnnxGraphBuilder.Expand(pool.KernelSize, n)), ("strides", OnnxGraphBuilder.Expand(pool.Stride, n)),
            ("pads", OnnxGraphBuilder.Pads(pool.Padding, n)), ("ceil_mode", pool.CeilMode ? 1L : 0L), ("count_include_pad", pool.CountIncludePad ? 1L : 0L));
    }
}
