using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>MaxPool2d/3d → MaxPool (kernel_shape, strides, pads, dilations, ceil_mode).</summary>
internal sealed class MaxPoolMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(MaxPool2d), typeof(MaxPool3d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var pool = (MaxPoolNd)module;
        var n = module is MaxPool2d ? 2 : 3;
        return graph.Node("MaxPool", path, [input],
            ("kernel_shape", OnnxGraphBuilder.Expand(pool.KernelSize, n)), ("strides", OnnxGraphBuilder.Expand(pool.Stride, n)),
            ("pads", OnnxGraphBuilder.Pads(pool.Padding, n)), ("dilations", OnnxGraphBuilder.Expand(pool.Dilation, n)), ("ceil_mode", pool.CeilMode ? 1L : 0L));
    }
}
