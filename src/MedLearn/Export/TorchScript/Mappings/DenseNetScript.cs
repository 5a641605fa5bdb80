using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary><see cref="DenseNet"/>: features, relu, global average pool, flatten, classifier (torchvision's forward).</summary>
internal sealed class DenseNetScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(DenseNet)];

    public string Forward(Module module, string path) => ForwardDef(
        $"x = torch.relu({Call("features", "x")})",
        "x = torch.flatten(torch.adaptive_avg_pool2d(x, [1, 1]), 1)",
        $"return {Call(((DenseNet)module).HeadName, "x")}");
}
