using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary><see cref="PreActResNet"/> (GMIC's trunk): first_conv, first_pool, the stages of layer_list in order, final_bn, relu → the feature map.</summary>
internal sealed class PreActResNetMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(PreActResNet)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var x = graph.EmitChild(module, path, "first_pool", graph.EmitChild(module, path, "first_conv", input));
        var stages = module.GetSubmodule("layer_list");
        foreach (var (name, stage) in stages.NamedChildren()) x = graph.Emit(stage, OnnxGraphBuilder.Join(OnnxGraphBuilder.Join(path, "layer_list"), name), x);
        return graph.EmitChild(module, path, "relu", graph.EmitChild(module, path, "final_bn", x));
    }
}
