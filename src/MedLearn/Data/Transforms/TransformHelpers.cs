using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Data.Transforms;

/// <summary>Shared plumbing of the transforms: shape checks, scoped computation, nearest resampling of masks, meta updates.</summary>
internal static class TransformHelpers
{
    /// <summary>Spatial shape of a channel-first tensor.</summary>
    public static long[] Spatial(Tensor t) => t.Shape[1..];

    /// <summary>Formats a shape as [a, b, c].</summary>
    public static string Fmt(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>
    /// Checks the start of a spatial transform: the image has 2 or 3 spatial dims (channel-first) and the mask, when
    /// present, has the image's spatial size. Throws <see cref="ArgumentException"/> naming both shapes otherwise.
    /// </summary>
    public static int CheckSpatial(Sample sample, string transform, bool allow3D = true)
    {
        var dims = sample.Image.Dim - 1;
        if (dims is < 2 or > 3 || (!allow3D && dims == 3))
            throw new ArgumentException($"{transform}: expected a channel-first image [C, H, W]{(allow3D ? " or [C, D, H, W]" : "")}, got {Fmt(sample.Image.Shape)}");
        if (sample.Mask is { } m)
        {
            var (si, sm) = (Spatial(sample.Image), m.Dim == sample.Image.Dim ? Spatial(m) : m.Shape);
            if (m.Dim != sample.Image.Dim || !si.SequenceEqual(sm))
                throw new ArgumentException(
                    $"{transform}: mask shape {Fmt(m.Shape)} does not match image shape {Fmt(sample.Image.Shape)} (spatial sizes must be equal)");
        }
        return dims;
    }

    /// <summary>Throws unless the image is floating point (intensity transforms).</summary>
    public static void CheckFloat(Sample sample, string transform)
    {
        if (!sample.Image.DType.IsFloatingPoint())
            throw new ArgumentException($"{transform}: expected a floating-point image, got {sample.Image.DType} (apply ToFloat or ScaleIntensity first)");
    }

    /// <summary>
    /// Runs <paramref name="f"/> in an inner dispose scope and moves its result to the caller's scope, so the
    /// intermediates are freed at once.
    /// </summary>
    public static Tensor Scoped(Func<Tensor> f)
    {
        using var scope = DisposeScope.Open();
        var r = f();
        if (r.Scope == scope) scope.MoveToOuter(r);
        return r;
    }

    /// <summary>Applies <paramref name="f"/> to the image, and (with the mask's own dtype kept) to the mask when present.</summary>
    public static void Both(Sample sample, Func<Tensor, Tensor> f)
    {
        sample.Image = Scoped(() => f(sample.Image));
        if (sample.Mask is { } m) sample.Mask = Scoped(() => f(m));
    }

    /// <summary>
    /// Resamples a mask through a float computation with nearest-neighbour sampling and casts back to its dtype,
    /// so its values stay a subset of its input labels.
    /// </summary>
    public static Tensor MaskThroughFloat(Tensor mask, Func<Tensor, Tensor> nearest) => Scoped(() =>
    {
        var dt = mask.DType;
        var f = dt.IsFloatingPoint() ? mask : mask.To(DType.Float32);
        var r = nearest(f);
        return r.DType == dt ? r : r.To(dt);
    });

    /// <summary>
    /// Interpolates a channel-first tensor to <paramref name="size"/>: (bi/tri)linear with align_corners=false,
    /// or nearest (PyTorch's legacy nearest, as torchvision uses for masks).
    /// </summary>
    public static Tensor Interp(Tensor x, long[] size, bool nearest)
    {
        var mode = nearest ? InterpolateMode.Nearest : size.Length == 3 ? InterpolateMode.Trilinear : InterpolateMode.Bilinear;
        using var b = x.Unsqueeze(0);
        using var r = Functional.Interpolate(b, size, mode: mode, alignCorners: nearest ? null : false);
        return r.Squeeze(0);
    }

    /// <summary>Tensor spatial axis (0-based, tensor order) to the affine's file axis (i = W, j = H, k = D).</summary>
    private static int FileAxis(int spatialAxis, int dims) => dims - 1 - spatialAxis;

    /// <summary>
    /// Meta after the voxel grid changed: new voxel <c>v</c> along tensor axis a sits at old (continuous) voxel
    /// <c>offset[a] + v·factor[a]</c>. Spacing scales by <c>factor</c>; the affine's columns scale and its origin moves.
    /// </summary>
    public static ImageMeta Regrid(ImageMeta meta, int dims, double[] offset, double[] factor)
    {
        var spacing = meta.Spacing.Length == dims ? meta.Spacing.ToArray() : Enumerable.Repeat(1.0, dims).ToArray();
        var aff = meta.Affine.ToArray();
        for (var a = 0; a < dims; a++)
        {
            spacing[a] *= factor[a];
            var c = FileAxis(a, dims);
            if (c > 2) continue;
            for (var r = 0; r < 3; r++)
            {
                aff[r * 4 + 3] += aff[r * 4 + c] * offset[a];
                aff[r * 4 + c] *= factor[a];
            }
        }
        return meta with { Spacing = spacing, Affine = aff };
    }

    /// <summary>Meta after a crop/pad that starts at old voxel <paramref name="start"/> (negative = padding).</summary>
    public static ImageMeta Shift(ImageMeta meta, int dims, long[] start) =>
        Regrid(meta, dims, start.Select(s => (double)s).ToArray(), Enumerable.Repeat(1.0, dims).ToArray());

    /// <summary>
    /// Crops and/or zero-pads a channel-first tensor in one op: along spatial axis a, keeps old voxels
    /// <c>[start[a], start[a] + size[a])</c>, filling voxels outside the input with <paramref name="fill"/>.
    /// </summary>
    public static Tensor CropOrPad(Tensor x, long[] start, long[] size, double fill = 0)
    {
        var sp = Spatial(x);
        var pad = new long[2 * sp.Length];
        for (var a = 0; a < sp.Length; a++)
        {
            var k = 2 * (sp.Length - 1 - a);
            pad[k] = -start[a];
            pad[k + 1] = start[a] + size[a] - sp[a];
        }
        if (pad.All(p => p == 0)) return x.Alias();
        if (pad.All(p => p <= 0))
        {
            // pure crop: a view, no fill needed (and works for every dtype)
            var r = x;
            for (var a = 0; a < sp.Length; a++) r = r.Narrow(a + 1, start[a], size[a]);
            return r.Contiguous();
        }
        return Functional.Pad(x, pad, PadMode.Constant, fill);
    }

    /// <summary>Uniform double in [lo, hi) from the context's managed stream.</summary>
    public static double Uniform(Random r, double lo, double hi) => lo + (hi - lo) * r.NextDouble();

    /// <summary>Normalises spatial axis indices (negative count from the end) and validates them.</summary>
    public static int[] Axes(IEnumerable<int> axes, int dims, string transform) => axes.Select(a =>
    {
        var n = a < 0 ? a + dims : a;
        if (n < 0 || n >= dims) throw new ArgumentException($"{transform}: spatial axis {a} out of range for {dims} spatial dims");
        return n;
    }).ToArray();
}
