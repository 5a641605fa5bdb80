using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// Hardsigmoid → HardSigmoid(alpha = 1/6, beta = 0.5), i.e. clamp(x/6 + 1/2, 0, 1) = relu6(x + 3)/6; Hardswish →
/// HardSwish (opset 14 and later), or x · HardSigmoid(x) in opset 13.
/// </summary>
internal sealed class HardActivationMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Hardsigmoid), typeof(Hardswish)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        if (module is Hardswish && graph.Opset >= 14) return graph.Node("HardSwish", path, [input]);
        var sigmoid = graph.Node("HardSigmoid", path, [input], ("alpha", 1f / 6), ("beta", 0.5f));
        return module is Hardsigmoid ? sigmoid : graph.Node("Mul", path, [input, sigmoid]);
    }
}
