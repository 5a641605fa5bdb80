using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// Swin's pre-norm <see cref="SwinTransformerBlock"/> on [B, H, W, C]: x = input + attn(norm1(input)); output =
/// x + mlp(norm2(x)) (stochastic depth is the identity at inference). The known map size passes to attn and the output.
/// </summary>
internal sealed class SwinTransformerBlockMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(SwinTransformerBlock)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        graph.RequireStatic(input, module, path, 1, 2, 3);
        var shape = graph.Shape(input)!.ToArray();
        var normalized = graph.SetShape(graph.EmitChild(module, path, "norm1", input), shape);
        var x = graph.SetShape(graph.Node("Add", path, [input, graph.EmitChild(module, path, "attn", normalized)]), shape);
        return graph.SetShape(graph.Node("Add", path, [x, graph.EmitChild(module, path, "mlp", graph.EmitChild(module, path, "norm2", x))]), shape);
    }
}
