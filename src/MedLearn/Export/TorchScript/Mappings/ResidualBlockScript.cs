using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// torchvision's residual blocks: <see cref="BasicBlock"/> relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut) and
/// <see cref="Bottleneck"/> relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut), the shortcut being
/// <c>downsample(x)</c> when the block has one, else x.
/// </summary>
internal sealed class ResidualBlockScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(BasicBlock), typeof(Bottleneck)];

    public string Forward(Module module, string path)
    {
        string[] stages = module is BasicBlock ? ["1", "2"] : ["1", "2", "3"];
        var lines = new List<string> { "y = x" };
        for (var i = 0; i < stages.Length; i++)
        {
            lines.Add($"y = {Call("bn" + stages[i], Call("conv" + stages[i], "y"))}");
            if (i < stages.Length - 1) lines.Add($"y = {Call("relu", "y")}");
        }
        lines.Add($"s = {(HasChild(module, "downsample") ? Call("downsample", "x") : "x")}");
        lines.Add($"return {Call("relu", "y + s")}");
        return ForwardDef(lines);
    }
}
