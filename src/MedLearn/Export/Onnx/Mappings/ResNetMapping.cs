using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary><see cref="ResNet"/>: conv1, bn1, relu, maxpool, layer1..layer4, avgpool, then Flatten and the fc head.</summary>
internal sealed class ResNetMapping : IOnnxModuleMapping
{
    private static readonly string[] s_trunk = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool"];

    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ResNet)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var x = input;
        foreach (var name in s_trunk) x = graph.EmitChild(module, path, name, x);
        x = graph.Node("Flatten", OnnxGraphBuilder.Join(path, "flatten"), [x], ("axis", 1L));
        return graph.EmitChild(module, path, ((ResNet)module).HeadName, x);
    }
}
