using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>ViT's <see cref="Encoder"/> on tokens [N, L, D]: ln(layers(input + pos_embedding)) (dropout vanishes).</summary>
internal sealed class EncoderMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Encoder)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) =>
        Emit(graph, (Encoder)module, path, input, graph.Initializer(OnnxGraphBuilder.Join(path, "pos_embedding"), ((Encoder)module).PosEmbedding));

    /// <summary>The encoder with the position embedding <paramref name="positions"/> (an initializer made for the exported grid).</summary>
    internal static string Emit(OnnxGraphBuilder graph, Encoder encoder, string path, string input, string positions)
    {
        var x = graph.EmitChild(encoder, path, "dropout", graph.Node("Add", path, [input, positions]));
        return graph.EmitChild(encoder, path, "ln", graph.EmitChild(encoder, path, "layers", x));
    }
}
