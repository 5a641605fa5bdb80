using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// torchvision.transforms.functional colour adjustments on float images in [0, 1] (channel-first, any spatial
/// rank), written as tensor ops: the building blocks of <see cref="ColorJitter"/>.
/// </summary>
public static class ColorOps
{
    /// <summary>ITU-R 601-2 luma (torchvision rgb_to_grayscale): <c>0.2989 R + 0.587 G + 0.114 B</c>, keeping a channel dim of 1.</summary>
    public static Tensor Grayscale(Tensor rgb)
    {
        if (rgb.Size(0) == 1) return rgb.Alias();
        if (rgb.Size(0) is not (3 or 4)) throw new ArgumentException($"Grayscale: expected 1, 3 or 4 channels, got {TransformHelpers.Fmt(rgb.Shape)}");
        var shape = Enumerable.Repeat(1L, rgb.Dim).ToArray();
        shape[0] = 3;
        using var w = torch.FromArray(new[] { 0.2989, 0.587, 0.114 }, shape).To(rgb.DType);
        using var c = rgb.Narrow(0, 0, 3);
        using var p = c.Mul(w);
        return p.Sum(0, keepdim: true);
    }

    /// <summary>torchvision _blend: <c>clamp(f·a + (1 − f)·b, 0, 1)</c>.</summary>
    private static Tensor Blend(Tensor a, Tensor b, double f) => a.Mul(f).Add(b.Mul(1 - f)).Clamp(0, 1);

    /// <summary>adjust_brightness: <c>clamp(f·x, 0, 1)</c>; f ≥ 0.</summary>
    public static Tensor AdjustBrightness(Tensor x, double factor)
    {
        if (factor < 0) throw new ArgumentOutOfRangeException(nameof(factor), "brightness factor must be >= 0");
        using var scope = DisposeScope.Open();
        return scope.MoveToOuter(Blend(x, torch.ZerosLike(x), factor));
    }

    /// <summary>adjust_contrast: <c>clamp(f·x + (1 − f)·mean(gray(x)), 0, 1)</c> with the mean over the whole image.</summary>
    public static Tensor AdjustContrast(Tensor x, double factor)
    {
        if (factor < 0) throw new ArgumentOutOfRangeException(nameof(factor), "contrast factor must be >= 0");
        using var scope = DisposeScope.Open();
        var mean = Grayscale(x).Mean();
        return scope.MoveToOuter(x.Mul(factor).Add(mean.Mul(1 - factor)).Clamp(0, 1));
    }

    /// <summary>adjust_saturation: <c>clamp(f·x + (1 − f)·gray(x), 0, 1)</c>; a 1-channel image is returned unchanged (torchvision).</summary>
    public static Tensor AdjustSaturation(Tensor x, double factor)
    {
        if (factor < 0) throw new ArgumentOutOfRangeException(nameof(factor), "saturation factor must be >= 0");
        if (x.Size(0) == 1) return x.Alias();
        using var scope = DisposeScope.Open();
        return scope.MoveToOuter(Blend(x, Grayscale(x), factor));
    }

    /// <summary>
    /// adjust_hue: RGB → HSV (torchvision _rgb2hsv), <c>h ← (h + f) mod 1</c>, HSV → RGB (_hsv2rgb); f in [−0.5, 0.5].
    /// A 1-channel image is returned unchanged.
    /// </summary>
    public static Tensor AdjustHue(Tensor x, double factor)
    {
        if (factor is < -0.5 or > 0.5) throw new ArgumentOutOfRangeException(nameof(factor), "hue factor must be in [-0.5, 0.5]");
        if (x.Size(0) == 1) return x.Alias();
        if (x.Size(0) != 3) throw new ArgumentException($"AdjustHue: expected 1 or 3 channels, got {TransformHelpers.Fmt(x.Shape)}");
        using var scope = DisposeScope.Open();
        var hsv = RgbToHsv(x).Unbind(0);
        var h = hsv[0].Add(factor).Remainder(1.0);
        return scope.MoveToOuter(HsvToRgb(torch.Stack([h, hsv[1], hsv[2]], 0)));
    }

    /// <summary>torchvision _rgb2hsv on [3, ...]: h in [0, 1), s, v = max.</summary>
    public static Tensor RgbToHsv(Tensor img)
    {
        using var scope = DisposeScope.Open();
        var ch = img.Unbind(0);
        var (r, g, b) = (ch[0], ch[1], ch[2]);
        var maxc = img.Amax([0]);
        var minc = img.Amin([0]);
        var eqc = maxc.Eq(minc);
        var cr = maxc.Sub(minc);
        var s = cr.Div(torch.Where(eqc, 1.0, maxc));
        var crDiv = torch.Where(eqc, 1.0, cr);
        var rc = maxc.Sub(r).Div(crDiv);
        var gc = maxc.Sub(g).Div(crDiv);
        var bc = maxc.Sub(b).Div(crDiv);
        var isR = maxc.Eq(r);
        var isG = maxc.Eq(g);
        var hr = isR.To(img.DType).Mul(bc.Sub(gc));
        var hg = isG.LogicalAnd(isR.LogicalNot()).To(img.DType).Mul(rc.Sub(bc).Add(2.0));
        var hb = isG.LogicalNot().LogicalAnd(isR.LogicalNot()).To(img.DType).Mul(gc.Sub(rc).Add(4.0));
        var h = hr.Add(hg).Add(hb).Div(6.0).Add(1.0).Fmod(1.0);
        return scope.MoveToOuter(torch.Stack([h, s, maxc], 0));
    }

    /// <summary>torchvision _hsv2rgb on [3, ...].</summary>
    public static Tensor HsvToRgb(Tensor img)
    {
        using var scope = DisposeScope.Open();
        var ch = img.Unbind(0);
        var (h, s, v) = (ch[0], ch[1], ch[2]);
        var i = h.Mul(6.0).Floor();
        var f = h.Mul(6.0).Sub(i);
        var ii = i.Remainder(6.0);
        var p = v.Mul(s.Neg().Add(1.0)).Clamp(0, 1);
        var q = v.Mul(s.Mul(f).Neg().Add(1.0)).Clamp(0, 1);
        var t = v.Mul(s.Mul(f.Neg().Add(1.0)).Neg().Add(1.0)).Clamp(0, 1);
        // one-hot of the sector i over 6 values: [6, ...]
        var sectorShape = Enumerable.Repeat(1L, ii.Dim + 1).ToArray();
        sectorShape[0] = 6;
        var mask = ii.Unsqueeze(0).Eq(torch.Arange(0, 6, dtype: img.DType).Reshape(sectorShape)).To(img.DType);
        var a1 = torch.Stack([v, q, p, p, t, v], 0);
        var a2 = torch.Stack([t, v, v, q, p, p], 0);
        var a3 = torch.Stack([p, p, t, v, v, q], 0);
        var a4 = torch.Stack([a1, a2, a3], 0); // [3, 6, ...]
        return scope.MoveToOuter(a4.Mul(mask.Unsqueeze(0)).Sum(1));
    }
}
