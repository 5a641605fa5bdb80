using MedLearn.Torch.Nn;
using static MedLearn.Export.TorchScript.TorchScriptSource;

namespace MedLearn.Export.TorchScript.Mappings;

/// <summary>
/// MaxPool2d/3d → torch.max_pool{n}d(x, kernel, stride, padding, dilation, ceil_mode); AvgPool2d/3d →
/// torch.avg_pool{n}d(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override); adaptive pools →
/// torch.adaptive_{avg,max}_pool{n}d(x, output_size) (any output size: TorchScript keeps the op).
/// </summary>
internal sealed class PoolScript : ITorchScriptModuleMapping
{
    public IReadOnlyList<Type> ModuleTypes { get; } =
        [typeof(MaxPool2d), typeof(MaxPool3d), typeof(AvgPool2d), typeof(AvgPool3d), typeof(AdaptiveAvgPool2d), typeof(AdaptiveAvgPool3d), typeof(AdaptiveMaxPool2d)];

    public string Forward(Module module, string path) => ForwardDef("return " + module switch
    {
        MaxPoolNd m => MaxPool(m, module is MaxPool2d ? 2 : 3),
        AvgPoolNd a => AvgPool(a, module is AvgPool2d ? 2 : 3),
        AdaptiveAvgPool2d a => $"torch.adaptive_avg_pool2d(x, {Ints(Expand(a.OutputSize, 2))})",
        AdaptiveAvgPool3d a => $"torch.adaptive_avg_pool3d(x, {Ints(Expand(a.OutputSize, 3))})",
        AdaptiveMaxPool2d a => $"torch.adaptive_max_pool2d(x, {Ints(Expand(a.OutputSize, 2))})[0]",
        _ => throw new ArgumentException(module.TypeName, nameof(module)),
    });

    private static string MaxPool(MaxPoolNd p, int n) =>
        $"torch.max_pool{n}d(x, {Ints(Expand(p.KernelSize, n))}, {Ints(Expand(p.Stride, n))}, {Ints(Expand(p.Padding, n))}, {Ints(Expand(p.Dilation, n))}, {Bool(p.CeilMode)})";

    private static string AvgPool(AvgPoolNd p, int n) =>
        $"torch.avg_pool{n}d(x, {Ints(Expand(p.KernelSize, n))}, {Ints(Expand(p.Stride, n))}, {Ints(Expand(p.Padding, n))}, {Bool(p.CeilMode)}, {Bool(p.CountIncludePad)}, "
        + (p.DivisorOverride is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None") + ")";
}
