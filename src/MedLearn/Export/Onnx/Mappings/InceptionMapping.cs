using MedLearn.Models.Inception;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// <see cref="Inception3"/> at inference: the optional input transform (channel c ↦ x·std_c/0.5 + (mean_c − 0.5)/0.5
/// as Mul and Add), the stem and Mixed blocks in order, GlobalAveragePool, Flatten and fc. The auxiliary head
/// (AuxLogits) only runs in training and is not written; neither is dropout.
/// </summary>
internal sealed class InceptionMapping : IOnnxModuleMapping
{
    private static readonly string[] s_trunk = ["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1", "Conv2d_3b_1x1", "Conv2d_4a_3x3", "maxpool2",
        "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c"];

    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Inception3)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var x = input;
        if (((Inception3)module).TransformInput)
        {
            double[] mean = [0.485, 0.456, 0.406];
            double[] std = [0.229, 0.224, 0.225];
            var transformPath = OnnxGraphBuilder.Join(path, "transform_input");
            var scale = graph.Initializer(transformPath + ".scale", [.. std.Select(s => (float)(s / 0.5))], [1, 3, 1, 1]);
            var shift = graph.Initializer(transformPath + ".shift", [.. mean.Select(m => (float)((m - 0.5) / 0.5))], [1, 3, 1, 1]);
            x = graph.Node("Add", transformPath, [graph.Node("Mul", transformPath, [x, scale]), shift]);
        }
        foreach (var name in s_trunk) x = graph.EmitChild(module, path, name, x);
        x = graph.Node("GlobalAveragePool", OnnxGraphBuilder.Join(path, "avgpool"), [x]);
        x = graph.Node("Flatten", OnnxGraphBuilder.Join(path, "flatten"), [x], ("axis", 1L));
        return graph.EmitChild(module, path, "fc", x);
    }
}
