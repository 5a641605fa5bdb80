using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// Swin's <see cref="PatchMerging"/> on [B, H, W, C] (fixed H and W): Pad to even sizes, the four stride-2 Slices
/// (0,0), (1,0), (0,1), (1,1) concatenated on the channel axis, norm, reduction → [B, ⌈H/2⌉, ⌈W/2⌉, 2C].
/// </summary>
internal sealed class PatchMergingMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(PatchMerging)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var size = graph.RequireStatic(input, module, path, 1, 2, 3);
        long h = size[0], w = size[1], c = size[2];
        var x = h % 2 + w % 2 > 0 ? graph.Node("Pad", path, [input, graph.Int64Initializer(path + ".pads", [0, 0, 0, 0, 0, h % 2, w % 2, 0])]) : input;
        string Part(long r, long col) => graph.Slice(path, x, [r, col], [long.MaxValue, long.MaxValue], [1, 2], [2, 2]);
        long h2 = (h + 1) / 2, w2 = (w + 1) / 2;
        var merged = graph.SetShape(graph.Node("Concat", path, [Part(0, 0), Part(1, 0), Part(0, 1), Part(1, 1)], ("axis", -1L)), -1, h2, w2, 4 * c);
        var normalized = graph.SetShape(graph.EmitChild(module, path, "norm", merged), -1, h2, w2, 4 * c);
        return graph.SetShape(graph.EmitChild(module, path, "reduction", normalized), -1, h2, w2, 2 * c);
    }
}
