using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// Blocks whose forward pass is their children in registration order: DenseNet's <see cref="DenseLayer"/> and
/// <see cref="Transition"/>, the V-Net's <see cref="VNetBlock"/>, the 3-D U-Net's <see cref="UNet3dDoubleConv"/> and
/// <see cref="UNet3dDown"/>. Add a type here only when its forward pass really is that chain.
/// </summary>
internal sealed class ChildChainMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(DenseLayer), typeof(Transition), typeof(VNetBlock), typeof(UNet3dDoubleConv), typeof(UNet3dDown)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) => Chain(graph, module, path, input);

    /// <summary>Emits every child of <paramref name="module"/> in order, each fed the previous output.</summary>
    internal static string Chain(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var x = input;
        foreach (var (name, child) in module.NamedChildren()) x = graph.Emit(child, OnnxGraphBuilder.Join(path, name), x);
        return x;
    }
}
