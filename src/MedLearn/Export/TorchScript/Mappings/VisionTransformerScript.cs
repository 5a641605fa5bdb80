using MedLearn.Models;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="VisionTransformer"/>: conv_proj, the map reshaped to patch tokens [N, g_h·g_w, D], the class token expanded
/// to the batch and put in front, the encoder's dropout (nothing in evaluation mode), layers and ln with the position
/// embedding for the input's patch grid (another grid than the model's gets the embedding resized as the model does:
/// bicubic, align_corners, class token kept), then the class token into the heads. <see cref="Encoder"/>:
/// ln(layers(dropout(x + pos_embedding))). <see cref="EncoderBlock"/>: x = x + self_attention(ln_1(x));
/// x + mlp(ln_2(x)). <see cref="MultiheadAttention"/> (batch first, self-attention): the packed in-projection split into
/// heads, softmax((q·scale)·kᵀ)·v, the heads merged, out_proj.
/// </summary>
internal sealed class VisionTransformerScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(VisionTransformer), typeof(Encoder), typeof(EncoderBlock), typeof(MultiheadAttention)];

    public string Forward(Module module, string path) => module switch
    {
        VisionTransformer vit => Root(vit),
        Encoder => ForwardDef(
            $"x = {Call("dropout", "x + self.pos_embedding")}",
            $"return {Call("ln", Call("layers", "x"))}"),
        EncoderBlock => ForwardDef(
            $"x = {Call("dropout", Call("self_attention", Call("ln_1", "x")))} + x",
            $"return x + {Call("mlp", Call("ln_2", "x"))}"),
        MultiheadAttention attention => Attention(attention),
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    };

    private static string Root(VisionTransformer vit)
    {
        var d = vit.FeatureDim;
        var p = vit.PatchSize;
        var grid = vit.ImageSize / p;
        return ForwardDef(
            "n = x.size(0)",
            $"gh = x.size(2) // {p}",
            $"gw = x.size(3) // {p}",
            $"x = {Call("conv_proj", "x")}.reshape([n, {d}, gh * gw]).permute([0, 2, 1])",
            "x = torch.cat([self.class_token.expand([n, -1, -1]), x], 1)",
            "pos = self.encoder.pos_embedding",
            $"if gh != {grid} or gw != {grid}:",
            $"    cells = pos[:, 1:].permute([0, 2, 1]).reshape([1, {d}, {grid}, {grid}])",
            $"    cells = torch.upsample_bicubic2d(cells, [gh, gw], True, None, None).reshape([1, {d}, gh * gw]).permute([0, 2, 1])",
            "    pos = torch.cat([pos[:, 0:1], cells], 1)",
            "x = self.encoder.dropout.forward(x + pos)",
            "x = self.encoder.ln.forward(self.encoder.layers.forward(x))",
            $"return {Call("heads", "x[:, 0]")}");
    }

    private static string Attention(MultiheadAttention a)
    {
        var d = a.EmbedDim / a.NumHeads;
        return ForwardDef(
            "n = x.size(0)",
            "l = x.size(1)",
            $"qkv = torch.linear(x, self.in_proj_weight, {Optional("in_proj_bias", a.InProjBias)}).view([n, l, 3, {a.NumHeads}, {d}]).permute([2, 0, 3, 1, 4])",
            $"scores = torch.matmul(qkv[0] * {Float(1.0 / Math.Sqrt(d))}, qkv[1].transpose(-2, -1))",
            "y = torch.matmul(torch.softmax(scores, -1), qkv[2])",
            $"return {Call("out_proj", $"y.transpose(1, 2).reshape([n, l, {a.EmbedDim}])")}");
    }
}
