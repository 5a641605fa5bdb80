using MedLearn.Models.Inception;
using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// <see cref="Inception3"/> in evaluation mode: the optional input transform (channel c ↦ x·std_c/0.5 + (mean_c − 0.5)/0.5),
/// the stem and Mixed blocks in order, global average pool, flatten, dropout (nothing in evaluation mode), fc; the
/// auxiliary head only runs in training and is not called. <see cref="BasicConv2d"/>: relu(bn(conv(x))). The Mixed blocks
/// <see cref="InceptionA"/> .. <see cref="InceptionE"/>: their branches (chains of BasicConv2d, avg_pool 3x3/1 pad 1
/// counting the padding, max_pool 3x3/2) concatenated on the channel axis in torchvision's order.
/// <see cref="InceptionAux"/> (written so the class compiles): avg_pool 5x5/3, conv0, conv1, global average pool, fc.
/// </summary>
internal sealed class InceptionScript : ITorchScriptModuleMapping
{
    private static readonly string[] s_trunk = ["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1", "Conv2d_3b_1x1", "Conv2d_4a_3x3", "maxpool2",
        "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c"];

    private const string AvgPool = "torch.avg_pool2d(x, [3, 3], [1, 1], [1, 1], False, True, None)";
    private const string MaxPool = "torch.max_pool2d(x, [3, 3], [2, 2], [0, 0], [1, 1], False)";

    public IReadOnlyList<Type> ModuleTypes { get; } =
        [typeof(Inception3), typeof(BasicConv2d), typeof(InceptionA), typeof(InceptionB), typeof(InceptionC), typeof(InceptionD), typeof(InceptionE), typeof(InceptionAux)];

    public string Forward(Module module, string path) => module switch
    {
        Inception3 net => Root(net),
        BasicConv2d => ForwardDef($"return torch.relu({Call("bn", Call("conv", "x"))})"),
        InceptionA => Concat(Chain("x", "branch1x1"), Chain("x", "branch5x5_1", "branch5x5_2"),
            Chain("x", "branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"), Chain(AvgPool, "branch_pool")),
        InceptionB => Concat(Chain("x", "branch3x3"), Chain("x", "branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"), MaxPool),
        InceptionC => Concat(Chain("x", "branch1x1"), Chain("x", "branch7x7_1", "branch7x7_2", "branch7x7_3"),
            Chain("x", "branch7x7dbl_1", "branch7x7dbl_2", "branch7x7dbl_3", "branch7x7dbl_4", "branch7x7dbl_5"), Chain(AvgPool, "branch_pool")),
        InceptionD => Concat(Chain("x", "branch3x3_1", "branch3x3_2"), Chain("x", "branch7x7x3_1", "branch7x7x3_2", "branch7x7x3_3", "branch7x7x3_4"), MaxPool),
        InceptionE => ForwardDef(
            $"b3 = {Call("branch3x3_1", "x")}",
            $"d = {Chain("x", "branch3x3dbl_1", "branch3x3dbl_2")}",
            $"return torch.cat([{Chain("x", "branch1x1")}, {Chain("b3", "branch3x3_2a")}, {Chain("b3", "branch3x3_2b")}, "
            + $"{Chain("d", "branch3x3dbl_3a")}, {Chain("d", "branch3x3dbl_3b")}, {Chain(AvgPool, "branch_pool")}], 1)"),
        InceptionAux => ForwardDef(
            $"x = {Chain("torch.avg_pool2d(x, [5, 5], [3, 3], [0, 0], False, True, None)", "conv0", "conv1")}",
            $"return {Call("fc", "torch.flatten(torch.adaptive_avg_pool2d(x, [1, 1]), 1)")}"),
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    };

    private static string Root(Inception3 net)
    {
        var lines = new List<string>();
        if (net.TransformInput)
        {
            double[] mean = [0.485, 0.456, 0.406];
            double[] std = [0.229, 0.224, 0.225];
            var channels = Enumerable.Range(0, 3).Select(c => $"x[:, {c}:{c + 1}] * {Float(std[c] / 0.5)} + {Float((mean[c] - 0.5) / 0.5)}");
            lines.Add($"x = torch.cat([{string.Join(", ", channels)}], 1)");
        }
        lines.AddRange(s_trunk.Select(n => $"x = {Call(n, "x")}"));
        lines.Add($"x = torch.flatten({Call("avgpool", "x")}, 1)");
        lines.Add($"return {Call(net.HeadName, Call("dropout", "x"))}");
        return ForwardDef(lines);
    }

    private static string Chain(string input, params string[] children) => children.Aggregate(input, (x, child) => Call(child, x));

    private static string Concat(params string[] branches) => ForwardDef($"return torch.cat([{string.Join(", ", branches)}], 1)");
}
