using MedLearn.Reports.Charts;
using MedLearn.Torch;

namespace MedLearn.Explain;

/// <summary>
/// The colour map of heat-map overlays: "jet" (matplotlib's definition: piecewise linear through dark blue, blue,
/// cyan, yellow-green, yellow, red and dark red), tabulated at 256 levels. Cold = blue, hot = red.
/// </summary>
public static class HeatColourMap
{
    /// <summary>The jet anchors, evenly spaced over [0, 1].</summary>
    public static ColourMap Jet { get; } = new(
        [.. new[] { "#00007f", "#0000ff", "#007fff", "#00ffff", "#7fff7f", "#ffff00", "#ff7f00", "#ff0000", "#7f0000" }.Select(Colour.Parse)]);

    /// <summary>The 256-entry lookup table: entry i is <see cref="Jet"/> at i / 255.</summary>
    public static IReadOnlyList<Colour> Table { get; } = [.. Enumerable.Range(0, 256).Select(i => Jet.At(i / 255.0))];

    /// <summary>
    /// Colours of <paramref name="values"/> (any shape; each value is clamped to [0, 1], NaN counts as 0) as float32
    /// RGB in [0, 1], shape [3, *values.Shape]: entry round(255·v) of <see cref="Table"/>.
    /// </summary>
    public static Tensor Apply(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = DisposeScope.Open();
        var lut = torch.FromArray(Table.SelectMany(c => new[] { c.R / 255f, c.G / 255f, c.B / 255f }).ToArray(), 256, 3);
        var index = (values.To(DType.Float32).NanToNum(0).Clamp(0, 1) * 255).Round().To(DType.Int64).Reshape(-1);
        var rgb = lut.IndexSelect(0, index).Reshape([.. values.Shape, 3]).Movedim(-1, 0);
        return scope.MoveToOuter(rgb.Contiguous());
    }
}
