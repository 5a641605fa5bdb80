using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// Element-wise activations and softmax: ReLU, Sigmoid, Tanh, SiLU, LeakyReLU(negative_slope), ELU(alpha),
/// GELU(approximate), Softmax(dim), LogSoftmax(dim), Hardswish, Hardsigmoid → the torch function of the same name.
/// </summary>
internal sealed class ActivationScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } =
        [typeof(ReLU), typeof(Sigmoid), typeof(Tanh), typeof(SiLU), typeof(LeakyReLU), typeof(ELU), typeof(GELU), typeof(Softmax), typeof(LogSoftmax),
         typeof(Hardswish), typeof(Hardsigmoid)];

    public string Forward(Module module, string path) => ForwardDef("return " + module switch
    {
        ReLU => "torch.relu(x)",
        Sigmoid => "torch.sigmoid(x)",
        Tanh => "torch.tanh(x)",
        SiLU => "torch.silu(x)",
        LeakyReLU l => $"torch.leaky_relu(x, {Float(l.NegativeSlope)})",
        ELU e => $"torch.elu(x, {Float(e.Alpha)})",
        GELU g => $"torch.gelu(x, approximate={String(g.Approximate == GeluApproximation.None ? "none" : "tanh")})",
        Softmax s => $"torch.softmax(x, {s.Dim})",
        LogSoftmax l => $"torch.log_softmax(x, {l.Dim})",
        Hardswish => "torch.hardswish(x)",
        Hardsigmoid => "torch.hardsigmoid(x)",
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    });
}
