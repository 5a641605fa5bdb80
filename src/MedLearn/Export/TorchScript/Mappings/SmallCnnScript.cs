using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary><see cref="SmallCnn"/>: features, global average pool, flatten, (dropout), head.</summary>
internal sealed class SmallCnnScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(SmallCnn)];

    public string Forward(Module module, string path)
    {
        var lines = new List<string> { $"x = torch.flatten(torch.adaptive_avg_pool2d({Call("features", "x")}, [1, 1]), 1)" };
        if (HasChild(module, "dropout")) lines.Add($"x = {Call("dropout", "x")}");
        lines.Add($"return {Call(((SmallCnn)module).HeadName, "x")}");
        return ForwardDef(lines);
    }
}
