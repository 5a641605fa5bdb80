using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// torchvision's residual blocks: <see cref="BasicBlock"/> relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut) and
/// <see cref="Bottleneck"/> relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut), where the shortcut is
/// <c>downsample(x)</c> when the block has one, else x. Folded blocks (batch norms replaced by Identity) export too.
/// </summary>
internal sealed class ResidualBlockMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(BasicBlock), typeof(Bottleneck)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        string[] stages = module is BasicBlock ? ["1", "2"] : ["1", "2", "3"];
        var x = input;
        for (var i = 0; i < stages.Length; i++)
        {
            x = graph.EmitChild(module, path, "bn" + stages[i], graph.EmitChild(module, path, "conv" + stages[i], x));
            if (i < stages.Length - 1) x = graph.EmitChild(module, path, "relu", x);
        }
        var shortcut = OnnxGraphBuilder.HasChild(module, "downsample") ? graph.EmitChild(module, path, "downsample", input) : input;
        return graph.EmitChild(module, path, "relu", graph.Node("Add", path, [x, shortcut]));
    }
}
