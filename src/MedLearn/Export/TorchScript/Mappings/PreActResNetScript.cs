using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary><see cref="PreActResNet"/> (GMIC's trunk): first_conv, first_pool, the stages of layer_list in order, final_bn, relu → the feature map.</summary>
internal sealed class PreActResNetScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(PreActResNet)];

    public string Forward(Module module, string path)
    {
        var lines = new List<string> { $"x = {Call("first_pool", Call("first_conv", "x"))}" };
        foreach (var (name, _) in module.GetSubmodule("layer_list").NamedChildren())
            lines.Add($"x = getattr(self.layer_list, {String(name)}).forward(x)");
        lines.Add($"return {Call("relu", Call("final_bn", "x"))}");
        return ForwardDef(lines);
    }
}
