using MedLearn.Models.Inception;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// Inception-v3's blocks: <see cref="BasicConv2d"/> (conv, bn, Relu) and the Mixed blocks <see cref="InceptionA"/> ..
/// <see cref="InceptionE"/>, whose branches (chains of BasicConv2d, AveragePool 3x3/1 pad 1 counting the padding as
/// torch's default does, MaxPool 3x3/2) are concatenated on the channel axis in torchvision's order.
/// </summary>
internal sealed class InceptionBlockMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(BasicConv2d), typeof(InceptionA), typeof(InceptionB), typeof(InceptionC), typeof(InceptionD), typeof(InceptionE)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        string Chain(string x, params string[] names)
        {
            foreach (var name in names) x = graph.EmitChild(module, path, name, x);
            return x;
        }
        string AvgPool(string x) => graph.Node("AveragePool", OnnxGraphBuilder.Join(path, "avg_pool"), [x],
            ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 1, 1 }), ("pads", new long[] { 1, 1, 1, 1 }), ("count_include_pad", 1L));
        string MaxPool(string x) => graph.Node("MaxPool", OnnxGraphBuilder.Join(path, "max_pool"), [x], ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }));
        string Concat(params string[] branches) => graph.Node("Concat", path, branches, ("axis", 1L));

        switch (module)
        {
            case BasicConv2d:
                return graph.Node("Relu", OnnxGraphBuilder.Join(path, "relu"), [Chain(input, "conv", "bn")]);
            case InceptionA:
                return Concat(Chain(input, "branch1x1"), Chain(input, "branch5x5_1", "branch5x5_2"),
                    Chain(input, "branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"), Chain(AvgPool(input), "branch_pool"));
            case InceptionB:
                return Concat(Chain(input, "branch3x3"), Chain(input, "branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"), MaxPool(input));
            case InceptionC:
                return Concat(Chain(input, "branch1x1"), Chain(input, "branch7x7_1", "branch7x7_2", "branch7x7_3"),
                    Chain(input, "branch7x7dbl_1", "branch7x7dbl_2", "branch7x7dbl_3", "branch7x7dbl_4", "branch7x7dbl_5"), Chain(AvgPool(input), "branch_pool"));
            case InceptionD:
                return Concat(Chain(input, "branch3x3_1", "branch3x3_2"), Chain(input, "branch7x7x3_1", "branch7x7x3_2", "branch7x7x3_3", "branch7x7x3_4"), MaxPool(input));
            case InceptionE:
                var b3 = Chain(input, "branch3x3_1");
                var d = Chain(input, "branch3x3dbl_1", "branch3x3dbl_2");
                return Concat(Chain(input, "branch1x1"), Chain(b3, "branch3x3_2a"), Chain(b3, "branch3x3_2b"),
                    Chain(d, "branch3x3dbl_3a"), Chain(d, "branch3x3dbl_3b"), Chain(AvgPool(input), "branch_pool"));
            default:
                throw new ArgumentException(module.TypeName, nameof(module));
        }
    }
}
