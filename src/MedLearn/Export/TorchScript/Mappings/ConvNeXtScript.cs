using MedLearn.Models;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="ConvNeXt"/>: features, avgpool, then the classifier chain (LayerNorm2d, flatten, the head).
/// <see cref="CNBlock"/>: x + layer_scale · block(x) (stochastic depth is the identity in evaluation mode; the layer scale
/// [C, 1, 1] broadcasts over the NCHW map). <see cref="LayerNorm2d"/>: layer_norm over the channels of the NHWC view,
/// permuted back to NCHW.
/// </summary>
internal sealed class ConvNeXtScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(ConvNeXt), typeof(CNBlock), typeof(LayerNorm2d)];

    public string Forward(Module module, string path) => module switch
    {
        ConvNeXt => ForwardDef($"return {Call("classifier", Call("avgpool", Call("features", "x")))}"),
        CNBlock => ForwardDef($"return {Call("stochastic_depth", $"self.layer_scale * {Call("block", "x")}")} + x"),
        LayerNorm2d norm => ForwardDef(
            $"y = torch.layer_norm(x.permute([0, 2, 3, 1]), {Ints([norm.Weight.Shape[0]])}, self.weight, self.bias, {Float(norm.Eps)}, True)",
            "return y.permute([0, 3, 1, 2])"),
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    };
}
