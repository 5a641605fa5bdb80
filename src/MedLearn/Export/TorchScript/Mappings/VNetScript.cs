using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="VNet"/>: encoder blocks with stride-2 down-sampling, decoder blocks after up-sampling with additive skips,
/// dropout (nothing in evaluation mode), the segmentation head. The dual-task network's forward returns the tuple
/// (logits, tanh(distance head)) — the logits [batch, classes, D, H, W] and the signed-distance map [batch, classes − 1, D, H, W].
/// </summary>
internal sealed class VNetScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(VNet)];

    public string Forward(Module module, string path)
    {
        var net = (VNet)module;
        // ActivationNames lists the blocks in forward order: encoder i, its "_dw" (i < depth), then ("_up", decoder) pairs.
        var names = net.ActivationNames;
        var depth = net.Options.Depth;
        var lines = new List<string>();
        for (var i = 0; i <= depth; i++)
        {
            lines.Add($"x = {Call(names[2 * i], "x")}");
            lines.Add($"s{i} = x");
            if (i < depth) lines.Add($"x = {Call(names[2 * i + 1], "x")}");
        }
        for (var j = 0; j < depth; j++)
            lines.Add($"x = {Call(names[2 * depth + 2 + 2 * j], $"{Call(names[2 * depth + 1 + 2 * j], "x")} + s{depth - 1 - j}")}");
        if (HasChild(module, "dropout")) lines.Add($"x = {Call("dropout", "x")}");
        if (!net.HasDistanceHead)
        {
            lines.Add($"return {Call("out_conv", "x")}");
            return ForwardDef(lines);
        }
        lines.Add($"return {Call("out_conv2", "x")}, torch.tanh({Call("out_conv", "x")})");
        return Method("def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:", lines);
    }
}
