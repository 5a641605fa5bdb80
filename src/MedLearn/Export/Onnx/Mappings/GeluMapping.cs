using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// GELU → 0.5·x·(1 + erf(x/√2)) (exact) or 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (tanh approximation), written
/// with Erf/Tanh, Mul and Add because the Gelu op only exists from opset 20.
/// </summary>
internal sealed class GeluMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(GELU)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var gelu = (GELU)module;
        string inner;
        if (gelu.Approximate == GeluApproximation.None)
        {
            inner = graph.Node("Erf", path, [graph.Node("Mul", path, [input, graph.Scalar(path + ".inv_sqrt2", (float)(1 / Math.Sqrt(2)))])]);
        }
        else
        {
            var cube = graph.Node("Mul", path, [graph.Node("Mul", path, [input, input]), input]);
            var sum = graph.Node("Add", path, [input, graph.Node("Mul", path, [cube, graph.Scalar(path + ".c", 0.044715f)])]);
            inner = graph.Node("Tanh", path, [graph.Node("Mul", path, [sum, graph.Scalar(path + ".sqrt_2_over_pi", (float)Math.Sqrt(2 / Math.PI))])]);
        }
        var onePlus = graph.Node("Add", path, [inner, graph.Scalar(path + ".one", 1f)]);
        return graph.Node("Mul", path, [graph.Node("Mul", path, [input, onePlus]), graph.Scalar(path + ".half", 0.5f)]);
    }
}
