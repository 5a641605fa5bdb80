using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// Self-attention <see cref="MultiheadAttention"/> on [N, L, E] with MatMul and Softmax (opsets before 23 have no
/// Attention op): qkv = x·in_proj_weightᵀ + in_proj_bias, split into q, k, v, each reshaped to [N, heads, L, d];
/// softmax(q·kᵀ/√d)·v, heads merged back to [N, L, E], then out_proj.
/// </summary>
internal sealed class MultiheadAttentionMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(MultiheadAttention)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var attention = (MultiheadAttention)module;
        var e = attention.EmbedDim;
        var qkv = graph.Node("MatMul", path, [input, graph.Transpose(path, graph.Initializer(OnnxGraphBuilder.Join(path, "in_proj_weight"), attention.InProjWeight), 1, 0)]);
        if (attention.InProjBias is not null) qkv = graph.Node("Add", path, [qkv, graph.Initializer(OnnxGraphBuilder.Join(path, "in_proj_bias"), attention.InProjBias)]);
        var attended = Attend(graph, path, qkv, attention.NumHeads, e, null);
        return graph.EmitChild(module, path, "out_proj", graph.SetShape(attended, -1, -1, e));
    }

    /// <summary>
    /// Multi-head attention of a fused projection <paramref name="qkv"/> [B, L, 3E] (q, k, v blocks on the last axis):
    /// softmax(q·kᵀ/√d + bias)·v per head, returned as [B, L, E]. <paramref name="addBias"/> (when not null) adds the
    /// bias to the scaled scores [B, heads, L, L] and returns the sum.
    /// </summary>
    internal static string Attend(OnnxGraphBuilder graph, string path, string qkv, long heads, long embed, Func<string, string>? addBias)
    {
        var d = embed / heads;
        var parts = graph.NodeWithOutputs("Split", path, [qkv, graph.Int64Initializer(path + ".split", [embed, embed, embed])], 3, ("axis", -1L));
        string Heads(string t, params long[] perm) => graph.Transpose(path, graph.Reshape(path, t, 0, 0, heads, d), perm);
        var q = Heads(parts[0], 0, 2, 1, 3);
        var kT = Heads(parts[1], 0, 2, 3, 1);
        var v = Heads(parts[2], 0, 2, 1, 3);
        var scores = graph.Node("Mul", path, [graph.Node("MatMul", path, [q, kT]), graph.Scalar(path + ".scale", (float)(1 / Math.Sqrt(d)))]);
        if (addBias is not null) scores = addBias(scores);
        var attended = graph.Node("MatMul", path, [graph.Node("Softmax", path, [scores], ("axis", -1L)), v]);
        return graph.Reshape(path, graph.Transpose(path, attended, 0, 2, 1, 3), 0, 0, embed);
    }
}
