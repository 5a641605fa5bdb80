using MedLearn.Models;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// <see cref="DenseBlock"/>: each dense layer reads the channel concatenation (Concat, axis 1) of the block input and
/// every earlier layer's output; the block returns the concatenation of all of them.
/// </summary>
internal sealed class DenseBlockMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(DenseBlock)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        List<string> features = [input];
        foreach (var (name, layer) in module.NamedChildren())
        {
            var layerPath = OnnxGraphBuilder.Join(path, name);
            var layerInput = features.Count == 1 ? input : graph.Node("Concat", layerPath, features, ("axis", 1L));
            features.Add(graph.Emit(layer, layerPath, layerInput));
        }
        return graph.Node("Concat", path, features, ("axis", 1L));
    }
}
