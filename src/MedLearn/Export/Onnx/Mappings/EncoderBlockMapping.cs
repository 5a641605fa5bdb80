using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>ViT's pre-norm <see cref="EncoderBlock"/>: x = input + self_attention(ln_1(input)); output = x + mlp(ln_2(x)) (dropouts vanish).</summary>
internal sealed class EncoderBlockMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(EncoderBlock)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var attended = graph.EmitChild(module, path, "dropout", graph.EmitChild(module, path, "self_attention", graph.EmitChild(module, path, "ln_1", input)));
        var x = graph.Node("Add", path, [attended, input]);
        return graph.Node("Add", path, [x, graph.EmitChild(module, path, "mlp", graph.EmitChild(module, path, "ln_2", x))]);
    }
}
