using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// BatchNorm1d/2d/3d in evaluation mode → torch.batch_norm(x, γ, β, running_mean, running_var, training=False, 0, ε):
/// y = (x − μ) / √(σ² + ε)·γ + β. A batch norm without running statistics normalises with batch statistics even in
/// evaluation mode: torch.batch_norm with training=True and no statistics, as torch.nn does.
/// </summary>
internal sealed class BatchNormScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(BatchNorm1d), typeof(BatchNorm2d), typeof(BatchNorm3d)];

    public string Forward(Module module, string path)
    {
        var bn = (NormBase)module;
        var stats = bn.TrackRunningStats && bn.RunningMean is not null && bn.RunningVar is not null;
        return ForwardDef(stats
            ? $"return torch.batch_norm(x, {Optional("weight", bn.Weight)}, {Optional("bias", bn.Bias)}, self.running_mean, self.running_var, False, 0.0, {Float(bn.Eps)}, True)"
            : $"return torch.batch_norm(x, {Optional("weight", bn.Weight)}, {Optional("bias", bn.Bias)}, None, None, True, 0.0, {Float(bn.Eps)}, True)");
    }
}
