namespace MedLearn.Data.Transforms;

/// <summary>
/// Rotates image and mask by <c>k·90°</c> in the plane of two spatial axes, exactly <c>torch.rot90(x, k,
/// dims=(a+1, b+1))</c>: k = 1 is <c>flip(b)</c> then <c>transpose(a, b)</c>, k = 2 flips both, k = 3 is
/// <c>flip(a)</c> then transpose (MONAI <c>Rotate90</c>). Default plane: the last two spatial axes (H, W), i.e.
/// in-plane for 2-D images and axial slices of 3-D volumes.
/// </summary>
/// <remarks>
/// Edge cases: k is taken modulo 4 (negative k rotates the other way; k ≡ 0 is the identity); the two axes must
/// differ. Odd k swaps the two axes' sizes and spacings in the meta (the affine is not rotated: augmentation).
/// Works for any dtype. Mask/image spatial mismatch is an <see cref="ArgumentException"/>.
/// </remarks>
/// <param name="k">Number of quarter turns (default 1).</param>
/// <param name="planeAxes">Two spatial axes (default (−2, −1)).</param>
public sealed class Rotate90(int k = 1, (int A, int B)? planeAxes = null) : ITransform
{
    /// <summary>Quarter turns.</summary>
    public int K { get; } = k;

    /// <summary>Spatial axes of the rotation plane.</summary>
    public (int A, int B) PlaneAxes { get; } = planeAxes ?? (-2, -1);

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        Run(sample, K, PlaneAxes, nameof(Rotate90));
        return sample;
    }

    internal static void Run(Sample sample, int k, (int A, int B) plane, string name)
    {
        var dims = TransformHelpers.CheckSpatial(sample, name);
        var ax = TransformHelpers.Axes([plane.A, plane.B], dims, name);
        if (ax[0] == ax[1]) throw new ArgumentException($"{name}: the plane axes must differ, got ({plane.A}, {plane.B})");
        var (a, b) = (ax[0] + 1L, ax[1] + 1L);
        var kk = ((k % 4) + 4) % 4;
        if (kk == 0) return;
        TransformHelpers.Both(sample, t => kk switch
        {
            1 => t.Flip(b).Transpose(a, b).Contiguous(),
            2 => t.Flip(a, b),
            _ => t.Flip(a).Transpose(a, b).Contiguous(),
        });
        if (kk % 2 == 1 && sample.Meta.Spacing.Length == dims)
        {
            var sp = sample.Meta.Spacing.ToArray();
            (sp[ax[0]], sp[ax[1]]) = (sp[ax[1]], sp[ax[0]]);
            sample.Meta = sample.Meta with { Spacing = sp };
        }
    }
}
