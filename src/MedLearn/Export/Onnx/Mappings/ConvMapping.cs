using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>Conv1d/2d/3d → Conv (kernel_shape, strides, pads, dilations, group; weight and bias as initializers). Zero padding only.</summary>
internal sealed class ConvMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Conv1d), typeof(Conv2d), typeof(Conv3d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var conv = (ConvNd)module;
        OnnxGraphBuilder.Require(conv.PaddingMode == PadMode.Constant, module, path, $"padding mode {conv.PaddingMode} (only zeros padding maps to ONNX Conv)");
        var n = conv.SpatialDims;
        List<string> inputs = [input, graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), conv.Weight)];
        if (conv.Bias is not null) inputs.Add(graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), conv.Bias));
        return graph.Node("Conv", path, inputs,
            ("kernel_shape", OnnxGraphBuilder.Expand(conv.KernelSize, n)), ("strides", OnnxGraphBuilder.Expand(conv.Stride, n)),
            ("pads", OnnxGraphBuilder.Pads(conv.Padding, n)), ("dilations", OnnxGraphBuilder.Expand(conv.Dilation, n)), ("group", conv.Groups));
    }
}
