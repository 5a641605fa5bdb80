using MedLearn.Models;
using MedLearn.Models.EfficientNet;
using MedLearn.Models.MobileNet;
using MedLearn.Models.RegNet;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// The CNN classifiers whose forward pass is a trunk, global average pooling, Flatten and a head chain:
/// <see cref="EfficientNet"/> and <see cref="MobileNetV3"/> (features → classifier; dropout vanishes, MobileNetV3's
/// classifier.0-1 Linear + hard swish run before its head classifier.3) and <see cref="RegNet"/> (stem, trunk_output → fc).
/// </summary>
internal sealed class PooledClassifierMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(EfficientNet), typeof(MobileNetV3), typeof(RegNet)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        string[] trunk = module is RegNet ? ["stem", "trunk_output"] : ["features"];
        var x = input;
        foreach (var name in trunk) x = graph.EmitChild(module, path, name, x);
        x = graph.Node("GlobalAveragePool", OnnxGraphBuilder.Join(path, "avgpool"), [x]);
        x = graph.Node("Flatten", OnnxGraphBuilder.Join(path, "flatten"), [x], ("axis", 1L));
        return graph.EmitChild(module, path, module is RegNet ? "fc" : "classifier", x);
    }
}
