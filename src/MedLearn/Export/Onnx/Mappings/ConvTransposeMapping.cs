using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// ConvTranspose1d/2d/3d and <see cref="DepthToSpaceConvTranspose3d"/> (whichever way it computes, it is
/// ConvTranspose3d(in, out, k, stride=k)) → ConvTranspose with the (in, out/groups, *kernel) weight.
/// </summary>
internal sealed class ConvTransposeMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ConvTranspose1d), typeof(ConvTranspose2d), typeof(ConvTranspose3d), typeof(DepthToSpaceConvTranspose3d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        if (module is DepthToSpaceConvTranspose3d d2s)
        {
            var k = d2s.Factor;
            List<string> dInputs = [input, graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), d2s.Weight)];
            if (d2s.Bias is not null) dInputs.Add(graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), d2s.Bias));
            return graph.Node("ConvTranspose", path, dInputs, ("kernel_shape", new[] { k, k, k }), ("strides", new[] { k, k, k }));
        }
        var conv = (ConvNd)module;
        var n = conv.SpatialDims;
        List<string> inputs = [input, graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), conv.Weight)];
        if (conv.Bias is not null) inputs.Add(graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), conv.Bias));
        return graph.Node("ConvTranspose", path, inputs,
            ("kernel_shape", OnnxGraphBuilder.Expand(conv.KernelSize, n)), ("strides", OnnxGraphBuilder.Expand(conv.Stride, n)),
            ("pads", OnnxGraphBuilder.Pads(conv.Padding, n)), ("dilations", OnnxGraphBuilder.Expand(conv.Dilation, n)),
            ("output_padding", OnnxGraphBuilder.Expand(conv.OutputPadding, n)), ("group", conv.Groups));
    }
}
