using MedLearn.Models.Blocks;
using MedLearn.Models.EfficientNet;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="EfficientNet"/> (B0..B4, V2-S): features, global average pool, flatten, classifier (dropout: nothing in
/// evaluation mode, then the linear head). <see cref="MBConv"/> / <see cref="FusedMBConv"/>: block(x), plus x when the
/// block is residual (stochastic depth is the identity in evaluation mode). <see cref="SqueezeExcitation"/>:
/// x · scale_activation(fc2(activation(fc1(avgpool(x))))).
/// </summary>
internal sealed class EfficientNetScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(EfficientNet), typeof(MBConv), typeof(FusedMBConv), typeof(SqueezeExcitation)];

    public string Forward(Module module, string path) => module switch
    {
        EfficientNet => ForwardDef(
            $"x = torch.flatten(torch.adaptive_avg_pool2d({Call("features", "x")}, [1, 1]), 1)",
            $"return {Call("classifier", "x")}"),
        StochasticResidualBlock b => Residual(b.UseResidual),
        SqueezeExcitation => ForwardDef(
            $"s = {Call("activation", Call("fc1", Call("avgpool", "x")))}",
            $"s = {Call("scale_activation", Call("fc2", "s"))}",
            "return s * x"),
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    };

    private static string Residual(bool residual) => residual
        ? ForwardDef($"return {Call("stochastic_depth", Call("block", "x"))} + x")
        : ForwardDef($"return {Call("block", "x")}");
}
