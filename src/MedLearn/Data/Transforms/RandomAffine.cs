using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Random affine transform about the image centre (torchvision <c>RandomAffine</c>; 2-D and 3-D), built with
/// <c>F.affine_grid</c> + <c>F.grid_sample</c> (<c>align_corners=False</c>, zeros padding): the image is sampled with
/// <see cref="Interpolation"/>, the mask always with nearest (so it stays a subset of its labels, 0 outside).
/// </summary>
/// <remarks>
/// <para>Parameters (torchvision's get_params order, drawn from <see cref="TransformContext.Random"/>): angle
/// <c>U(−degrees, degrees)</c> (or <c>U(degreesRange)</c>) (3-D: three angles, each from the same range); translation per axis
/// <c>round(U(−f·n, f·n))</c> pixels for fraction f of size n in (W, H[, D]) order; scale <c>U(scale₀, scale₁)</c>;
/// shear x <c>U(shear₀, shear₁)</c> and y <c>U(shear₂, shear₃)</c> (2-D only). Defaults: degrees 0, no translation,
/// scale 1, no shear — i.e. the identity.</para>
/// <para>With the same parameters the image equals torchvision's <c>F.affine(img, angle, translate, scale, shear,
/// interpolation, fill=None)</c> (see <see cref="ApplyParameters"/>). Differences: the default interpolation is
/// bilinear (torchvision: nearest); <see cref="Fill"/> blends linearly <c>y + fill·(1 − m)</c> with m the sampled
/// coverage (torchvision multiplies the image by m a second time).</para>
/// <para>Edge cases: the image must be floating point; meta geometry is not changed (augmentation); NaN voxels
/// spread to their bilinear neighbours. Mask/image spatial mismatch is an <see cref="ArgumentException"/>.</para>
/// </remarks>
/// <param name="degrees">Rotation range ±degrees (default 0).</param>
/// <param name="translate">Max translation as a fraction of the size per axis, (W, H[, D]) order; null = none.</param>
/// <param name="scale">Scale range (min, max); null = 1.</param>
/// <param name="shear">torchvision shear: 1 value s = x in (−s, s); 2 values = x range; 4 values = x and y ranges. 2-D only.</param>
/// <param name="interpolation">Image sampling (default bilinear).</param>
/// <param name="fill">Value outside the input for the image (default 0).</param>
/// <param name="degreesRange">Asymmetric rotation range (min, max) replacing ±<paramref name="degrees"/> (torchvision's sequence form).</param>
public sealed class RandomAffine(double degrees = 0, double[]? translate = null, (double Min, double Max)? scale = null,
    double[]? shear = null, GridSampleMode interpolation = GridSampleMode.Bilinear, double fill = 0, (double Min, double Max)? degreesRange = null) : ITransform
{
    /// <summary>Rotation range (min, max) in degrees.</summary>
    public (double Min, double Max) Degrees { get; } = degreesRange is { } dr
        ? (dr.Min <= dr.Max ? dr : throw new ArgumentOutOfRangeException(nameof(degreesRange), "need min <= max"))
        : degrees >= 0 ? (-degrees, degrees) : throw new ArgumentOutOfRangeException(nameof(degrees), "must be >= 0");

    /// <summary>Translation fractions in (W, H[, D]) order.</summary>
    public double[]? Translate { get; } = translate is { } t && t.Any(v => v is < 0 or > 1)
        ? throw new ArgumentOutOfRangeException(nameof(translate), "fractions must be in [0, 1]") : translate;

    /// <summary>Scale range.</summary>
    public (double Min, double Max)? ScaleRange { get; } = scale is { } s && (s.Min <= 0 || s.Max < s.Min)
        ? throw new ArgumentOutOfRangeException(nameof(scale), "need 0 < min <= max") : scale;

    /// <summary>Shear ranges (normalised to 4 values: x min, x max, y min, y max), or null.</summary>
    public double[]? Shear { get; } = shear switch
    {
        null => null,
        [var v] => [-Math.Abs(v), Math.Abs(v), 0, 0],
        [var a, var b] => [a, b, 0, 0],
        [_, _, _, _] => shear,
        _ => throw new ArgumentException("RandomAffine: shear takes 1, 2 or 4 values"),
    };

    /// <summary>Image sampling mode.</summary>
    public GridSampleMode Interpolation { get; } = interpolation;

    /// <summary>Image fill outside the input.</summary>
    public double Fill { get; } = fill;

    /// <summary>Draws the parameters for an input of spatial size <paramref name="spatial"/> (tensor order).</summary>
    public AffineParameters GetParams(long[] spatial, Random random)
    {
        var dims = spatial.Length;
        var angles = Enumerable.Range(0, dims == 2 ? 1 : 3).Select(_ => TransformHelpers.Uniform(random, Degrees.Min, Degrees.Max)).ToArray();
        var n = spatial.Reverse().ToArray(); // (W, H[, D])
        var tr = new double[dims];
        if (Translate is { } t)
        {
            if (t.Length != dims) throw new ArgumentException($"RandomAffine: {t.Length} translate fractions for {dims} spatial dims");
            for (var a = 0; a < dims; a++)
            {
                var max = t[a] * n[a];
                tr[a] = Math.Round(TransformHelpers.Uniform(random, -max, max), MidpointRounding.ToEven);
            }
        }
        var sc = ScaleRange is { } s ? TransformHelpers.Uniform(random, s.Min, s.Max) : 1.0;
        double[]? sh = null;
        if (Shear is { } r)
        {
            if (dims == 3) throw new ArgumentException("RandomAffine: shear is supported in 2-D only");
            var sx = TransformHelpers.Uniform(random, r[0], r[1]);
            var sy = r[2] == 0 && r[3] == 0 ? 0 : TransformHelpers.Uniform(random, r[2], r[3]);
            sh = [sx, sy];
        }
        return new AffineParameters(angles, tr, sc, sh);
    }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckSpatial(sample, nameof(RandomAffine));
        TransformHelpers.CheckFloat(sample, nameof(RandomAffine));
        var p = GetParams(TransformHelpers.Spatial(sample.Image), context.Random);
        return ApplyParameters(sample, p, Interpolation, Fill);
    }

    /// <summary>
    /// Applies fixed affine parameters to image (with <paramref name="interpolation"/>) and mask (nearest):
    /// <c>y = grid_sample(x, affine_grid(θ, size, False), zeros, align_corners=False)</c> with θ from
    /// <see cref="AffineParameters.Theta"/>; the output keeps the input size.
    /// </summary>
    public static Sample ApplyParameters(Sample sample, AffineParameters parameters, GridSampleMode interpolation = GridSampleMode.Bilinear, double fill = 0)
    {
        var dims = TransformHelpers.CheckSpatial(sample, nameof(RandomAffine));
        TransformHelpers.CheckFloat(sample, nameof(RandomAffine));
        var spatial = TransformHelpers.Spatial(sample.Image);
        var theta = parameters.Theta(spatial);
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() =>
        {
            var grid = Grid(theta, img, dims);
            var x = img.Unsqueeze(0);
            var y = Functional.GridSample(x, grid, interpolation, GridSamplePadding.Zeros, alignCorners: false);
            if (fill != 0)
            {
                var cover = Functional.GridSample(torch.OnesLike(x.Narrow(1, 0, 1)), grid, interpolation, GridSamplePadding.Zeros, alignCorners: false);
                y = y.Add(cover.Neg().Add(1).Mul(fill));
            }
            return y.Squeeze(0);
        });
        if (sample.Mask is { } m)
            sample.Mask = TransformHelpers.MaskThroughFloat(m, f =>
                Functional.GridSample(f.Unsqueeze(0), Grid(theta, f, dims), GridSampleMode.Nearest, GridSamplePadding.Zeros, alignCorners: false).Squeeze(0));
        return sample;
    }

    private static Tensor Grid(float[] theta, Tensor like, int dims)
    {
        var t = torch.FromArray(theta, 1, dims, dims + 1).To(like.DType);
        return Functional.AffineGrid(t, [1, .. like.Shape], alignCorners: false);
    }
}
