using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// Swin's <see cref="ShiftedWindowAttention"/> on [B, H, W, C] with fixed H and W: Pad to multiples of the window; the
/// cyclic shift by −shift as Slice + Concat per axis (ONNX has no roll); windows cut by Reshape/Transpose to
/// [B·nW, Wh·Ww, C]; qkv; multi-head attention with MatMul/Softmax whose additive bias is a constant computed at export
/// (the relative position bias gathered from relative_position_bias_table by relative_position_index, [heads, N, N],
/// plus for shifted windows the −100 region mask, [nW, heads, N, N]); proj; windows merged back, shifted back, cropped.
/// </summary>
internal sealed class ShiftedWindowAttentionMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ShiftedWindowAttention)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var attention = (ShiftedWindowAttention)module;
        var size = graph.RequireStatic(input, module, path, 1, 2, 3);
        long h = size[0], w = size[1], c = size[2];
        var (wh, ww) = attention.WindowSize;
        long padB = (wh - h % wh) % wh, padR = (ww - w % ww) % ww, padH = h + padB, padW = w + padR;
        // As the model: no shift on an axis whose window covers the whole padded map.
        var shiftH = wh >= padH ? 0 : attention.ShiftSize.H;
        var shiftW = ww >= padW ? 0 : attention.ShiftSize.W;
        var shifted = shiftH + shiftW > 0;
        long nh = padH / wh, nw = padW / ww, windows = nh * nw, n = wh * ww, heads = attention.NumHeads;

        var x = padR + padB > 0 ? graph.Node("Pad", path, [input, graph.Int64Initializer(path + ".pads", [0, 0, 0, 0, 0, padB, padR, 0])]) : input;
        if (shifted) x = Roll(graph, path, x, padH, padW, -shiftH, -shiftW);
        x = graph.Reshape(path, graph.Transpose(path, graph.Reshape(path, x, -1, nh, wh, nw, ww, c), 0, 1, 3, 2, 4, 5), -1, n, c);
        var qkv = graph.EmitChild(module, path, "qkv", x);

        string bias;
        using (DisposeScope.Open())
        using (GradMode.NoGrad())
        {
            var relative = attention.RelativePositionBiasTable.IndexSelect(0, attention.RelativePositionIndex).View(n, n, heads).Permute(2, 0, 1);
            if (shifted) relative = relative.Unsqueeze(0) + torch.FromArray(attention.Mask(padH, padW, shiftH, shiftW), windows, 1, n, n);
            bias = graph.Initializer(path + ".attention_bias", relative);
        }
        string AddBias(string scores) => !shifted ? graph.Node("Add", path, [scores, bias])
            : graph.Reshape(path, graph.Node("Add", path, [graph.Reshape(path, scores, -1, windows, heads, n, n), bias]), -1, heads, n, n);
        var attended = MultiheadAttentionMapping.Attend(graph, path, qkv, heads, c, AddBias);
        x = graph.EmitChild(module, path, "proj", graph.SetShape(attended, -1, n, c));

        x = graph.Reshape(path, graph.Transpose(path, graph.Reshape(path, x, -1, nh, nw, wh, ww, c), 0, 1, 3, 2, 4, 5), -1, padH, padW, c);
        if (shifted) x = Roll(graph, path, x, padH, padW, shiftH, shiftW);
        if (padR + padB > 0) x = graph.Slice(path, x, [0, 0], [h, w], [1, 2]);
        return graph.SetShape(x, -1, h, w, c);
    }

    /// <summary>torch.roll of the map [B, H, W, C] by (<paramref name="dh"/>, <paramref name="dw"/>) on axes 1 and 2, as Slice + Concat.</summary>
    private static string Roll(OnnxGraphBuilder graph, string path, string x, long height, long width, long dh, long dw)
    {
        string RollAxis(string t, long axis, long length, long shift)
        {
            var s = ((shift % length) + length) % length; // element i moves to (i + s) mod length
            if (s == 0) return t;
            var tail = graph.Slice(path, t, [length - s], [long.MaxValue], [axis]);
            var head = graph.Slice(path, t, [0], [length - s], [axis]);
            return graph.Node("Concat", path, [tail, head], ("axis", axis));
        }
        return RollAxis(RollAxis(x, 1, height, dh), 2, width, dw);
    }
}
