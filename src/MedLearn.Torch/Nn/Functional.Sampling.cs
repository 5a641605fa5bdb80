using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

/// <summary>Algorithms of <see cref="Functional.Interpolate"/>.</summary>
public enum InterpolateMode
{
    /// <summary>Nearest neighbour, source index ⌊dst·in/out⌋ (PyTorch's legacy "nearest"); 1-3 spatial dims.</summary>
    Nearest = 0,
    /// <summary>Linear, 1 spatial dim (N, C, L).</summary>
    Linear = 1,
    /// <summary>Bilinear, 2 spatial dims.</summary>
    Bilinear = 2,
    /// <summary>Bicubic (A = −0.75), 2 spatial dims; may overshoot the input range.</summary>
    Bicubic = 3,
    /// <summary>Trilinear, 3 spatial dims.</summary>
    Trilinear = 4,
    /// <summary>Adaptive average pooling to the output size.</summary>
    Area = 5,
    /// <summary>Nearest neighbour with pixel-centre alignment (⌊(dst + 0.5)·in/out⌋).</summary>
    NearestExact = 6,
}

/// <summary>Sampling kernel of <see cref="Functional.GridSample"/>.</summary>
public enum GridSampleMode
{
    /// <summary>(Tri)linear interpolation.</summary>
    Bilinear = 0,
    /// <summary>Nearest pixel (round half to even).</summary>
    Nearest = 1,
    /// <summary>Bicubic (4-D input only).</summary>
    Bicubic = 2,
}

/// <summary>Values of <see cref="Functional.GridSample"/> for grid locations outside the input.</summary>
public enum GridSamplePadding
{
    /// <summary>Zero outside.</summary>
    Zeros = 0,
    /// <summary>Clamped to the border value.</summary>
    Border = 1,
    /// <summary>Reflected at the borders.</summary>
    Reflection = 2,
}

/// <summary>How <see cref="Functional.Pad"/> fills the border.</summary>
public enum PadMode
{
    /// <summary>A constant value.</summary>
    Constant,
    /// <summary>Mirror without repeating the edge (padding must be smaller than the dim).</summary>
    Reflect,
    /// <summary>Repeat the edge value.</summary>
    Replicate,
    /// <summary>Wrap around.</summary>
    Circular,
}

public static partial class Functional
{
    /// <summary>
    /// Resamples (N, C, spatial...) to <paramref name="size"/> or by <paramref name="scaleFactor"/> (give exactly
    /// one; a single value applies to every spatial dim), like F.interpolate with recompute_scale_factor=None:
    /// with a scale factor the output size is ⌊in·scale⌋ and the given scale itself maps coordinates.
    /// <paramref name="alignCorners"/> (linear/bilinear/bicubic/trilinear only; null = false): true maps the
    /// corner pixel centres onto each other, false maps the corner edges (half-pixel offsets). Setting it
    /// for nearest/area is an error, as is a mode that does not fit the input rank.
    /// </summary>
    public static unsafe Tensor Interpolate(Tensor input, long[]? size = null, double[]? scaleFactor = null,
        InterpolateMode mode = InterpolateMode.Nearest, bool? alignCorners = null)
    {
        if ((size is null) == (scaleFactor is null))
            throw new ArgumentException("interpolate: give either size or scaleFactor (exactly one)");
        size ??= [];
        scaleFactor ??= [];
        fixed (long* s = size)
        fixed (double* f = scaleFactor)
            return Tensor.Wrap(Native.ml_interpolate(input.Handle, (int)mode, s, size.Length, f, scaleFactor.Length,
                alignCorners is null ? -1 : alignCorners.Value ? 1 : 0));
    }

    /// <summary>
    /// Sampling grid of an affine transform: <paramref name="theta"/> (N, 2, 3) with size (N, C, H, W) gives a
    /// (N, H, W, 2) grid of (x, y) in [−1, 1]; (N, 3, 4) with (N, C, D, H, W) gives (N, D, H, W, 3). With
    /// <paramref name="alignCorners"/> −1/1 are the corner pixel centres, otherwise the corner edges.
    /// Non-positive sizes are an error.
    /// </summary>
    public static unsafe Tensor AffineGrid(Tensor theta, long[] size, bool alignCorners = false)
    {
        fixed (long* s = size) return Tensor.Wrap(Native.ml_affine_grid(theta.Handle, s, size.Length, alignCorners ? 1 : 0));
    }

    /// <summary>
    /// Samples <paramref name="input"/> (N, C, H, W) at <paramref name="grid"/> (N, H_out, W_out, 2) locations
    /// (x, y normalised to [−1, 1]), or (N, C, D, H, W) at (N, D_out, H_out, W_out, 3). Locations outside are
    /// handled by <paramref name="paddingMode"/>; NaN grid values are treated as −1. Input and grid need the
    /// same dtype; differentiable w.r.t. both.
    /// </summary>
    public static Tensor GridSample(Tensor input, Tensor grid, GridSampleMode mode = GridSampleMode.Bilinear,
        GridSamplePadding paddingMode = GridSamplePadding.Zeros, bool alignCorners = false) =>
        Tensor.Wrap(Native.ml_grid_sample(input.Handle, grid.Handle, (int)mode, (int)paddingMode, alignCorners ? 1 : 0));

    /// <summary>
    /// Pads the last dims: <paramref name="pad"/> = (left, right[, top, bottom[, front, back]]), last dim first.
    /// Constant mode fills <paramref name="value"/> and accepts negative pads (cropping); reflect/replicate/
    /// circular pad the last 1-3 dims of a (batched) input and require pads smaller than the dim (reflect).
    /// </summary>
    public static unsafe Tensor Pad(Tensor input, long[] pad, PadMode mode = PadMode.Constant, double value = 0)
    {
        var m = mode switch
        {
            PadMode.Constant => "constant",
            PadMode.Reflect => "reflect",
            PadMode.Replicate => "replicate",
            _ => "circular",
        };
        if (mode != PadMode.Constant && value != 0)
            throw new ArgumentException($"padding mode \"{m}\" doesn't take in value argument");
        fixed (long* p = pad) return Tensor.Wrap(Native.ml_pad(input.Handle, p, pad.Length, m, value));
    }

    /// <summary>Depth-to-space: (*, C·r², H, W) → (*, C, H·r, W·r).</summary>
    public static Tensor PixelShuffle(Tensor input, long upscaleFactor) => Tensor.Wrap(Native.ml_pixel_shuffle(input.Handle, upscaleFactor));

    /// <summary>Space-to-depth: (*, C, H·r, W·r) → (*, C·r², H, W); H and W must divide by r.</summary>
    public static Tensor PixelUnshuffle(Tensor input, long downscaleFactor) => Tensor.Wrap(Native.ml_pixel_unshuffle(input.Handle, downscaleFactor));
}
