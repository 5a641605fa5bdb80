using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// InstanceNorm2d/3d → InstanceNormalization(x, γ, β; epsilon) (γ = 1, β = 0 without affine parameters), or, with
/// running statistics (track_running_stats = True, which evaluation mode then uses), BatchNormalization.
/// </summary>
internal sealed class InstanceNormMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(InstanceNorm2d), typeof(InstanceNorm3d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input)
    {
        var norm = (NormBase)module;
        if (norm.TrackRunningStats) return BatchNormMapping.Emit(graph, norm, path, input);
        var c = norm.NumFeatures;
        var scale = norm.Weight is null ? graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), BatchNormMapping.Ones(c), [c]) : graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), norm.Weight);
        var bias = norm.Bias is null ? graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), new float[c], [c]) : graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), norm.Bias);
        return graph.Node("InstanceNormalization", path, [input, scale, bias], ("epsilon", norm.Eps));
    }
}
