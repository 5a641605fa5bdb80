using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>Softmax → Softmax(axis = dim), LogSoftmax → LogSoftmax(axis = dim) (opset 13's single-axis form, as torch).</summary>
internal sealed class SoftmaxMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Softmax), typeof(LogSoftmax)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) => module switch
    {
        Softmax s => graph.Node("Softmax", path, [input], ("axis", s.Dim)),
        LogSoftmax l => graph.Node("LogSoftmax", path, [input], ("axis", l.Dim)),
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    };
}
