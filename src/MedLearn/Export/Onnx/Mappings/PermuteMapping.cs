using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>Permute (torchvision.ops.misc.Permute) → Transpose(perm = dims); negative dims need the input's rank.</summary>
internal sealed class PermuteMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Permute)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var dims = ((Permute)module).Dims;
        OnnxGraphBuilder.Require(dims.All(d => d >= 0), module, path, $"negative dims [{string.Join(", ", dims)}] (write them as non-negative axes)");
        return graph.Transpose(path, input, [.. dims]);
    }
}
