using MedLearn.Models;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="SwinTransformer"/>: features (NHWC from the patch embedding on), norm, the mean over H and W, head.
/// <see cref="SwinTransformerBlock"/>: x = x + attn(norm1(x)); x + mlp(norm2(x)) (stochastic depth is the identity in
/// evaluation mode). <see cref="PatchMerging"/>: odd H/W padded by one zero row/column, the four 2x2 phases
/// concatenated on channels in torchvision's order, norm, reduction. <see cref="ShiftedWindowAttention"/>: the map padded
/// to whole windows, rolled by −shift (no shift on an axis the window covers), split into windows, attention
/// softmax((q·scale)·kᵀ + relative position bias [+ the shifted-window mask: −100 between tokens of different regions])·v,
/// proj, windows merged, rolled back, padding cropped. The mask is computed for the input's size in the script, as the
/// model does.
/// </summary>
internal sealed class SwinScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } = [typeof(SwinTransformer), typeof(SwinTransformerBlock), typeof(PatchMerging), typeof(ShiftedWindowAttention)];

    public string Forward(Module module, string path) => module switch
    {
        SwinTransformer swin => ForwardDef(
            $"x = {Call("norm", Call("features", "x"))}",
            $"return {Call(swin.HeadName, "torch.mean(x, [1, 2])")}"),
        SwinTransformerBlock => ForwardDef(
            $"x = x + {Call("stochastic_depth", Call("attn", Call("norm1", "x")))}",
            $"return x + {Call("stochastic_depth", Call("mlp", Call("norm2", "x")))}"),
        PatchMerging => ForwardDef(
            "h = x.size(1)",
            "w = x.size(2)",
            "if h % 2 + w % 2 > 0:",
            "    x = torch.constant_pad_nd(x, [0, 0, 0, w % 2, 0, h % 2], 0.0)",
            "x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], -1)",
            $"return {Call("reduction", Call("norm", "x"))}"),
        ShiftedWindowAttention attention => Attention(attention),
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    };

    private static string Attention(ShiftedWindowAttention a)
    {
        var (wh, ww) = a.WindowSize;
        var (sh, sw) = a.ShiftSize;
        var heads = a.NumHeads;
        var n = wh * ww;
        return ForwardDef(
            "b = x.size(0)",
            "h = x.size(1)",
            "w = x.size(2)",
            "c = x.size(3)",
            $"pad_r = ({ww} - w % {ww}) % {ww}",
            $"pad_b = ({wh} - h % {wh}) % {wh}",
            "if pad_r + pad_b > 0:",
            "    x = torch.constant_pad_nd(x, [0, 0, 0, pad_r, 0, pad_b], 0.0)",
            "ph = h + pad_b",
            "pw = w + pad_r",
            $"sh = 0 if {wh} >= ph else {sh}",
            $"sw = 0 if {ww} >= pw else {sw}",
            "shifted = sh + sw > 0",
            "if shifted:",
            "    x = torch.roll(x, [-sh, -sw], [1, 2])",
            $"nh = ph // {wh}",
            $"nw = pw // {ww}",
            $"d = c // {heads}",
            $"x = x.view([b, nh, {wh}, nw, {ww}, c]).permute([0, 1, 3, 2, 4, 5]).reshape([b * nh * nw, {n}, c])",
            $"qkv = {Call("qkv", "x")}.reshape([b, nh * nw, {n}, 3, {heads}, d]).permute([3, 0, 1, 4, 2, 5])",
            $"bias = torch.index_select(self.relative_position_bias_table, 0, self.relative_position_index).view([{n}, {n}, {heads}]).permute([2, 0, 1])",
            "if shifted:",
            // Region labels as the model (and torchvision) draw them: 0 before the last window, 1 in it before the
            // shift, 2 in the shift; one region on an axis without shift.
            "    rows: List[int] = []",
            "    for i in range(ph):",
            $"        rows.append(0 if sh == 0 or i < ph - {wh} else (1 if i < ph - sh else 2))",
            "    cols: List[int] = []",
            "    for j in range(pw):",
            $"        cols.append(0 if sw == 0 or j < pw - {ww} else (1 if j < pw - sw else 2))",
            "    labels = torch.tensor(rows).unsqueeze(1) * 3 + torch.tensor(cols).unsqueeze(0)",
            $"    labels = labels.view([nh, {wh}, nw, {ww}]).permute([0, 2, 1, 3]).reshape([nh * nw, {n}])",
            $"    mask = x.new_zeros([nh * nw, 1, {n}, {n}]).masked_fill((labels.unsqueeze(2) != labels.unsqueeze(1)).unsqueeze(1), -100.0)",
            "    bias = bias.unsqueeze(0) + mask",
            $"scores = torch.matmul(qkv[0] * {Float(1.0 / Math.Sqrt(((Linear)a.GetSubmodule("qkv")).InFeatures / heads))}, qkv[1].transpose(-2, -1)) + bias",
            "y = torch.matmul(torch.softmax(scores, -1), qkv[2])",
            $"x = {Call("proj", $"y.permute([0, 1, 3, 2, 4]).reshape([b * nh * nw, {n}, c])")}",
            $"x = x.view([b, nh, nw, {wh}, {ww}, c]).permute([0, 1, 3, 2, 4, 5]).reshape([b, ph, pw, c])",
            "if shifted:",
            "    x = torch.roll(x, [sh, sw], [1, 2])",
            "if pad_r + pad_b > 0:",
            "    x = x[:, 0:h, 0:w]",
            "return x.contiguous()");
    }
}
