using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// <see cref="VNet"/>: encoder blocks with stride-2 down-sampling, decoder blocks after up-sampling with additive skips
/// (Add), dropout (nothing in evaluation mode), the segmentation head as the main output and, for the dual-task
/// network, Tanh of the distance head as the extra graph output <c>distance</c> [batch, classes − 1, D, H, W].
/// </summary>
internal sealed class VNetMapping : IOnnxModuleMapping
{
    /// <summary>Name of the dual-task network's signed-distance output.</summary>
    public const string DistanceOutput = "distance";

    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(VNet)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var net = (VNet)module;
        // ActivationNames lists the blocks in forward order: encoder i, its "_dw" (i < depth), then ("_up", decoder) pairs.
        var names = net.ActivationNames;
        var depth = net.Options.Depth;
        var skips = new string[depth + 1];
        var x = input;
        for (var i = 0; i <= depth; i++)
        {
            x = skips[i] = graph.EmitChild(module, path, names[2 * i], x);
            if (i < depth) x = graph.EmitChild(module, path, names[2 * i + 1], x);
        }
        for (var j = 0; j < depth; j++)
        {
            var (upName, decoderName) = (names[2 * depth + 1 + 2 * j], names[2 * depth + 2 + 2 * j]);
            var up = graph.EmitChild(module, path, upName, x);
            x = graph.EmitChild(module, path, decoderName, graph.Node("Add", OnnxGraphBuilder.Join(path, upName), [up, skips[depth - 1 - j]]));
        }
        if (!net.HasDistanceHead) return graph.EmitChild(module, path, "out_conv", x);
        var distance = graph.Node("Tanh", OnnxGraphBuilder.Join(path, "out_conv"), [graph.EmitChild(module, path, "out_conv", x)]);
        graph.AddOutput(DistanceOutput, distance, ["batch", net.Classes - 1, "depth", "height", "width"]);
        return graph.EmitChild(module, path, "out_conv2", x);
    }
}
