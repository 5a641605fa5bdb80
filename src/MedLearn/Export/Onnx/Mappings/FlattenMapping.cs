using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>Flatten(start_dim = 1, end_dim = −1) → Flatten(axis = 1): [N, ...] → [N, product of the rest]. Other ranges are refused.</summary>
internal sealed class FlattenMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(Flatten)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var flatten = (Flatten)module;
        OnnxGraphBuilder.Require(flatten.StartDim == 1 && flatten.EndDim == -1, module, path,
            $"Flatten(start_dim={flatten.StartDim}, end_dim={flatten.EndDim}) (only start_dim=1, end_dim=-1 maps to ONNX Flatten)");
        return graph.Node("Flatten", path, [input], ("axis", 1L));
    }
}
