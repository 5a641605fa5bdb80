using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="DenseBlock"/>: each dense layer reads the channel concatenation of the block input and every earlier
/// layer's output; the block returns the concatenation of all of them.
/// </summary>
internal sealed class DenseBlockScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(DenseBlock)];

    public string Forward(Module module, string path)
    {
        var lines = new List<string> { "features = [x]" };
        foreach (var (name, _) in module.NamedChildren())
            lines.Add($"features.append({Call(name, "torch.cat(features, 1)")})");
        lines.Add("return torch.cat(features, 1)");
        return ForwardDef(lines);
    }
}
