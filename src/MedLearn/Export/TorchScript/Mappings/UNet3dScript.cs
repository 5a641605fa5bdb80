using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="UNet3d"/>: inc, down1..down{D}, then per up{i} the up-sampling <c>up</c>, the channel concatenation
/// [skip, up] and <c>conv</c>, and the 1x1x1 head <c>outc</c>.
/// </summary>
internal sealed class UNet3dScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(UNet3d), typeof(UNet3dUp)];

    public string Forward(Module module, string path)
    {
        // An up block's own forward is never called (the parent passes its skip): a placeholder for the class.
        if (module is UNet3dUp) return ForwardDef("return x");
        var depth = ((UNet3d)module).Options.Depth;
        var lines = new List<string> { $"x = {Call("inc", "x")}", "s0 = x" };
        for (var i = 1; i <= depth; i++) lines.AddRange([$"x = {Call($"down{i}", "x")}", $"s{i} = x"]);
        for (var i = 1; i <= depth; i++)
            lines.Add($"x = self.up{i}.conv.forward(torch.cat([s{depth - i}, self.up{i}.up.forward(x)], 1))");
        lines.Add($"return {Call("outc", "x")}");
        return ForwardDef(lines);
    }
}
