using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Export.Onnx.Mappings;

/// <summary>
/// BatchNorm1d/2d/3d in evaluation mode → BatchNormalization(x, γ, β, running_mean, running_var; epsilon): y = (x − μ) / √(σ² + ε)·γ + β.
/// Without affine parameters γ = 1, β = 0. A batch norm without running statistics (track_running_stats = False)
/// normalises with batch statistics even in evaluation mode and is refused.
/// </summary>
internal sealed class BatchNormMapping : IOnnxModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(BatchNorm1d), typeof(BatchNorm2d), typeof(BatchNorm3d)];

    public string Emit(OnnxGraphBuilder graph, Module module, string path, string input) => Emit(graph, (NormBase)module, path, input);

    /// <summary>Also used for an instance norm with running statistics (the same computation in evaluation mode).</summary>
    internal static string Emit(OnnxGraphBuilder graph, NormBase bn, string path, string input)
    {
        OnnxGraphBuilder.Require(bn.TrackRunningStats && bn.RunningMean is not null && bn.RunningVar is not null, bn, path,
            "no running statistics (track_running_stats=False normalises with batch statistics, which has no fixed ONNX form)");
        var c = bn.NumFeatures;
        var scale = bn.Weight is null ? graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), Ones(c), [c]) : graph.Initializer(OnnxGraphBuilder.Join(path, "weight"), bn.Weight);
        var bias = bn.Bias is null ? graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), new float[c], [c]) : graph.Initializer(OnnxGraphBuilder.Join(path, "bias"), bn.Bias);
        return graph.Node("BatchNormalization", path,
            [input, scale, bias, graph.Initializer(OnnxGraphBuilder.Join(path, "running_mean"), bn.RunningMean!), graph.Initializer(OnnxGraphBuilder.Join(path, "running_var"), bn.RunningVar!)],
            ("epsilon", bn.Eps));
    }

    internal static float[] Ones(long n) => Enumerable.Repeat(1f, checked((int)n)).ToArray();
}
