using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// InstanceNorm2d/3d → torch.instance_norm(x, γ, β, running_mean, running_var, use_input_stats, momentum, ε): input
/// statistics unless the module tracks running statistics (which evaluation mode then uses).
/// </summary>
internal sealed class InstanceNormScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(InstanceNorm2d), typeof(InstanceNorm3d)];

    public string Forward(Module module, string path)
    {
        var norm = (NormBase)module;
        var w = Optional("weight", norm.Weight);
        var b = Optional("bias", norm.Bias);
        return ForwardDef(norm.TrackRunningStats && norm.RunningMean is not null && norm.RunningVar is not null
            ? $"return torch.instance_norm(x, {w}, {b}, self.running_mean, self.running_var, False, 0.0, {Float(norm.Eps)}, True)"
            : $"return torch.instance_norm(x, {w}, {b}, None, None, True, 0.0, {Float(norm.Eps)}, True)");
    }
}
