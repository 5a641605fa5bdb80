using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary><see cref="ResNet"/>: conv1, bn1, relu, maxpool, layer1..layer4, avgpool, flatten, then the head.</summary>
internal sealed class ResNetScript : ITorchScriptModuleMapping
{
    private static readonly string[] s_trunk = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool"];

    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ResNet)];

    public string Forward(Module module, string path) =>
        ForwardDef([.. s_trunk.Select(n => $"x = {Call(n, "x")}"), "x = torch.flatten(x, 1)", $"return {Call(((ResNet)module).HeadName, "x")}"]);
}
