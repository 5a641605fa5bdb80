using MedLearn.Models.EfficientNet;
using MedLearn.Models.MobileNet;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// The inverted-residual blocks EfficientNet's <see cref="MBConv"/> and <see cref="FusedMBConv"/> and MobileNetV3's
/// <see cref="InvertedResidual"/>: <c>block</c>, plus the input when the block keeps stride and channels (stochastic
/// depth is the identity at inference).
/// </summary>
internal sealed class InvertedResidualMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(MBConv), typeof(FusedMBConv), typeof(InvertedResidual)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var y = graph.EmitChild(module, path, "block", input);
        var residual = module switch
        {
            StochasticResidualBlock b => b.UseResidual,
            InvertedResidual r => r.UseResidual,
            _ => throw new ArgumentException(module.TypeName, nameof(module)),
        };
        return residual ? graph.Node("Add", path, [y, input]) : y;
    }
}
