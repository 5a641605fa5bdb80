namespace MedLearn.Data.Transforms;

/// <summary>
/// torchvision's <c>RandomResizedCrop</c>: picks a box with torchvision's exact algorithm, crops it from image
/// and mask and resizes it to <see cref="Size"/> (image bilinear, align_corners=false, no antialias; mask nearest).
/// </summary>
/// <remarks>
/// <para>Box (<see cref="GetParams"/>), with A = H·W: up to 10 attempts of target area
/// <c>A·U(scale₀, scale₁)</c> and aspect <c>exp(U(ln ratio₀, ln ratio₁))</c> (log-uniform),
/// <c>w = round(√(area·aspect))</c>, <c>h = round(√(area/aspect))</c> (round half to even); the first with
/// <c>0 &lt; w ≤ W, 0 &lt; h ≤ H</c> is placed at <c>i = randint(0, H − h + 1)</c>, <c>j = randint(0, W − w + 1)</c>.
/// Fallback: a central crop of the whole image, narrowed to the ratio bounds when the image's aspect
/// <c>W/H</c> lies outside them.</para>
/// <para>Defaults: scale (0.08, 1), ratio (3/4, 4/3). 2-D only (the algorithm is defined on H×W; for volumes use
/// <see cref="RandomCrop"/> + <see cref="Resize"/>). The image must be floating point. Spacing and affine are
/// updated as by <see cref="Resize"/> after the crop.</para>
/// </remarks>
public sealed class RandomResizedCrop : ICropAwareTransform
{
    /// <param name="size">Output [H, W] (one value = square).</param>
    /// <param name="scale">Range of the box area as a fraction of the image (default (0.08, 1)).</param>
    /// <param name="ratio">Range of the box aspect w/h (default (3/4, 4/3)).</param>
    public RandomResizedCrop(long[] size, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null)
    {
        Size = size.Length switch
        {
            1 when size[0] > 0 => [size[0], size[0]],
            2 when size.All(s => s > 0) => size,
            _ => throw new ArgumentException($"RandomResizedCrop: size must be 1 or 2 positive values, got {TransformHelpers.Fmt(size)}"),
        };
        Scale = scale ?? (0.08, 1.0);
        Ratio = ratio ?? (3.0 / 4.0, 4.0 / 3.0);
        if (Scale.Min > Scale.Max || Ratio.Min > Ratio.Max || Scale.Min < 0 || Ratio.Min <= 0)
            throw new ArgumentException("RandomResizedCrop: scale and ratio must be (min, max) ranges with min <= max (ratio > 0)");
    }

    /// <summary>Output [H, W].</summary>
    public long[] Size { get; }

    /// <summary>Area fraction range.</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>Aspect (w/h) range.</summary>
    public (double Min, double Max) Ratio { get; }

    /// <summary>
    /// Allows a crop-aware dataset to decode the box at 1/2, 1/4 or 1/8 resolution (JPEG DCT scaling, like PIL's
    /// draft mode) when the box is at least that factor times <see cref="Size"/> in both dimensions. Faster, but the
    /// pixels differ slightly from full decode + resize, and the box is rounded to the reduced grid (an offset of
    /// at most reduce/2 source pixels, under half an output pixel). Default false: results equal the normal path.
    /// </summary>
    public bool AllowReducedDecode { get; init; }

    /// <summary>torchvision's <c>RandomResizedCrop.get_params</c> with draws from <paramref name="random"/>: (top, left, h, w).</summary>
    public static (long Top, long Left, long Height, long Width) GetParams(long height, long width,
        (double Min, double Max) scale, (double Min, double Max) ratio, Random random)
    {
        var area = (double)height * width;
        var (logLo, logHi) = (Math.Log(ratio.Min), Math.Log(ratio.Max));
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var targetArea = area * TransformHelpers.Uniform(random, scale.Min, scale.Max);
            var aspect = Math.Exp(TransformHelpers.Uniform(random, logLo, logHi));
            var w = (long)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            var h = (long)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                var i = random.NextInt64(0, height - h + 1);
                var j = random.NextInt64(0, width - w + 1);
                return (i, j, h, w);
            }
        }
        return Fallback(height, width, ratio);
    }

    /// <summary>torchvision's central fallback box.</summary>
    public static (long Top, long Left, long Height, long Width) Fallback(long height, long width, (double Min, double Max) ratio)
    {
        var inRatio = (double)width / height;
        long w, h;
        if (inRatio < ratio.Min)
        {
            w = width;
            h = (long)Math.Round(w / ratio.Min, MidpointRounding.ToEven);
        }
        else if (inRatio > ratio.Max)
        {
            h = height;
            w = (long)Math.Round(h * ratio.Max, MidpointRounding.ToEven);
        }
        else (w, h) = (width, height);
        return ((height - h) / 2, (width - w) / 2, h, w);
    }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckSpatial(sample, nameof(RandomResizedCrop), allow3D: false);
        TransformHelpers.CheckFloat(sample, nameof(RandomResizedCrop));
        var (top, left, h, w) = GetParams(sample.Image.Size(1), sample.Image.Size(2), Scale, Ratio, context.Random);
        return ResizedCrop(sample, top, left, h, w, Size);
    }

    /// <inheritdoc/>
    public CropPlan? PlanCrop(long height, long width, TransformContext context)
    {
        var (top, left, h, w) = GetParams(height, width, Scale, Ratio, context.Random);
        var reduce = 1;
        if (AllowReducedDecode)
            foreach (var r in (ReadOnlySpan<int>)[8, 4, 2])
                if (h >= r * Size[0] && w >= r * Size[1]) { reduce = r; break; }
        return new CropPlan(top, left, h, w, reduce);
    }

    /// <inheritdoc/>
    public Sample ApplyPlanned(Sample region, CropPlan plan, int reduce, TransformContext context)
    {
        TransformHelpers.CheckSpatial(region, nameof(RandomResizedCrop), allow3D: false);
        TransformHelpers.CheckFloat(region, nameof(RandomResizedCrop));
        var dims = TransformHelpers.Spatial(region.Image);
        if (reduce == 1 && (dims[0] != plan.Height || dims[1] != plan.Width))
            throw new ArgumentException($"RandomResizedCrop: region {TransformHelpers.Fmt(dims)} does not match the planned box [{plan.Height}, {plan.Width}]");
        // The region's voxel v sits at full-resolution voxel start + (v + 0.5)·reduce − 0.5.
        double[] offset = [plan.Top + 0.5 * reduce - 0.5, plan.Left + 0.5 * reduce - 0.5];
        region.Meta = TransformHelpers.Regrid(region.Meta, 2, offset, [reduce, reduce]);
        Resize.Apply(region, Size, 2);
        return region;
    }

    /// <summary>
    /// torchvision's <c>F.resized_crop</c> on the sample: crop box (top, left, height, width), then resize to
    /// <paramref name="size"/> (image bilinear align_corners=false without antialias, mask nearest).
    /// </summary>
    public static Sample ResizedCrop(Sample sample, long top, long left, long height, long width, long[] size)
    {
        TransformHelpers.CheckSpatial(sample, nameof(ResizedCrop), allow3D: false);
        long[] start = [top, left], box = [height, width];
        TransformHelpers.Both(sample, t => TransformHelpers.CropOrPad(t, start, box));
        sample.Meta = TransformHelpers.Shift(sample.Meta, 2, start);
        Resize.Apply(sample, size, 2);
        return sample;
    }
}
