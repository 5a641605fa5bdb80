using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

/// <summary>Padding presets of the convolutions (PyTorch's <c>padding="valid"</c> / <c>"same"</c>).</summary>
public enum ConvPadding
{
    /// <summary>No padding.</summary>
    Valid,
    /// <summary>Pads so the output has the input's spatial size (stride must be 1); odd totals put the extra
    /// element on the right, as PyTorch does.</summary>
    Same,
}

/// <summary>
/// Neural-network functions after <c>torch.nn.functional</c>, computed by ATen (no numerical kernels in C#).
/// Size-like arguments (kernel, stride, padding, dilation) take one value for every spatial dimension or one
/// value per dimension, like PyTorch's int-or-tuple arguments. Results belong to the current dispose scope.
/// </summary>
public static partial class Functional
{
    internal static IntPtr Opt(Tensor? t) => t is null ? IntPtr.Zero : t.RawHandle;

    private static readonly long[] One = [1];
    private static readonly long[] Zero = [0];

    private static unsafe Tensor ConvNd(int nd, Tensor input, Tensor weight, Tensor? bias, long[]? stride, long[]? padding, long[]? dilation, long groups)
    {
        stride ??= One;
        padding ??= Zero;
        dilation ??= One;
        IntPtr r;
        fixed (long* s = stride, p = padding, d = dilation)
        {
            r = nd switch
            {
                1 => Native.ml_conv1d(input.Handle, weight.Handle, Opt(bias), s, stride.Length, p, padding.Length, d, dilation.Length, groups),
                2 => Native.ml_conv2d(input.Handle, weight.Handle, Opt(bias), s, stride.Length, p, padding.Length, d, dilation.Length, groups),
                _ => Native.ml_conv3d(input.Handle, weight.Handle, Opt(bias), s, stride.Length, p, padding.Length, d, dilation.Length, groups),
            };
        }
        GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }

    private static unsafe Tensor ConvNd(int nd, Tensor input, Tensor weight, Tensor? bias, long[]? stride, ConvPadding padding, long[]? dilation, long groups)
    {
        stride ??= One;
        dilation ??= One;
        var mode = padding == ConvPadding.Same ? "same" : "valid";
        IntPtr r;
        fixed (long* s = stride, d = dilation)
        {
            r = nd switch
            {
                1 => Native.ml_conv1d_padding_mode(input.Handle, weight.Handle, Opt(bias), s, stride.Length, mode, d, dilation.Length, groups),
                2 => Native.ml_conv2d_padding_mode(input.Handle, weight.Handle, Opt(bias), s, stride.Length, mode, d, dilation.Length, groups),
                _ => Native.ml_conv3d_padding_mode(input.Handle, weight.Handle, Opt(bias), s, stride.Length, mode, d, dilation.Length, groups),
            };
        }
        GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }

    private static unsafe Tensor ConvTransposeNd(int nd, Tensor input, Tensor weight, Tensor? bias, long[]? stride, long[]? padding, long[]? outputPadding, long groups, long[]? dilation)
    {
        stride ??= One;
        padding ??= Zero;
        outputPadding ??= Zero;
        dilation ??= One;
        IntPtr r;
        fixed (long* s = stride, p = padding, op = outputPadding, d = dilation)
        {
            r = nd switch
            {
                1 => Native.ml_conv_transpose1d(input.Handle, weight.Handle, Opt(bias), s, stride.Length, p, padding.Length, op, outputPadding.Length, groups, d, dilation.Length),
                2 => Native.ml_conv_transpose2d(input.Handle, weight.Handle, Opt(bias), s, stride.Length, p, padding.Length, op, outputPadding.Length, groups, d, dilation.Length),
                _ => Native.ml_conv_transpose3d(input.Handle, weight.Handle, Opt(bias), s, stride.Length, p, padding.Length, op, outputPadding.Length, groups, d, dilation.Length),
            };
        }
        GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }

    /// <summary>
    /// 1-D convolution (cross-correlation): input (N, C_in, L) or unbatched (C_in, L), weight
    /// (C_out, C_in/groups, k). out[n, o, l] = b[o] + Σ_{c,j} w[o, c, j] · x_pad[n, g·C_in/groups + c, l·stride + j·dilation].
    /// L_out = ⌊(L + 2·padding − dilation·(k−1) − 1)/stride⌋ + 1. Defaults: stride 1, padding 0, dilation 1.
    /// C_in and C_out must be divisible by <paramref name="groups"/>; a kernel larger than the padded input is an error.
    /// </summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
        ConvNd(1, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>1-D convolution with "valid" or "same" padding (same requires stride 1).</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, long[]? stride, ConvPadding padding, long[]? dilation = null, long groups = 1) =>
        ConvNd(1, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>
    /// 2-D convolution (cross-correlation): input (N, C_in, H, W) or unbatched (C_in, H, W), weight
    /// (C_out, C_in/groups, kH, kW), bias (C_out) or null. Per spatial dim,
    /// out = ⌊(in + 2·padding − dilation·(k−1) − 1)/stride⌋ + 1. Defaults: stride 1, padding 0, dilation 1.
    /// Works for any memory format (channels_last inputs give channels_last outputs). Channel counts must
    /// divide by <paramref name="groups"/>; an empty batch gives an empty output.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
        ConvNd(2, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>2-D convolution with "valid" or "same" padding (same requires stride 1).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long[]? stride, ConvPadding padding, long[]? dilation = null, long groups = 1) =>
        ConvNd(2, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>
    /// <c>torch.mkldnn_convolution</c>: the same convolution as <c>Conv2d</c>
    /// (or its 1-D/3-D forms) computed by oneDNN whatever the shapes, where libtorch's own choice sends small batch-1
    /// convolutions to im2col + BLAS. Float32 or bfloat16 CPU tensors; <paramref name="padding"/>, <paramref name="stride"/>
    /// and <paramref name="dilation"/> need one entry per spatial dimension. A channels-last input gives a channels-last output.
    /// Results equal <c>Conv2d</c>'s up to float rounding (summation order).
    /// </summary>
    public static unsafe Tensor MkldnnConvolution(Tensor input, Tensor weight, Tensor? bias, long[] padding, long[] stride, long[] dilation, long groups)
    {
        IntPtr r;
        fixed (long* p = padding, s = stride, d = dilation)
            r = Native.ml_mkldnn_convolution(input.Handle, weight.Handle, Opt(bias), p, padding.Length, s, stride.Length, d, dilation.Length, groups);
        GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }

    /// <summary>
    /// 3-D convolution: input (N, C_in, D, H, W) or unbatched (C_in, D, H, W), weight (C_out, C_in/groups, kD, kH, kW).
    /// Output size per dim ⌊(in + 2·padding − dilation·(k−1) − 1)/stride⌋ + 1; same rules as Conv2d.
    /// </summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
        ConvNd(3, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>3-D convolution with "valid" or "same" padding (same requires stride 1).</summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias, long[]? stride, ConvPadding padding, long[]? dilation = null, long groups = 1) =>
        ConvNd(3, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>
    /// 1-D transposed convolution (the gradient of Conv1d w.r.t. its input):
    /// weight (C_in, C_out/groups, k); L_out = (L−1)·stride − 2·padding + dilation·(k−1) + output_padding + 1.
    /// output_padding must be smaller than stride or dilation.
    /// </summary>
    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? outputPadding = null, long groups = 1, long[]? dilation = null) =>
        ConvTransposeNd(1, input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>
    /// 2-D transposed convolution ("deconvolution"): input (N, C_in, H, W), weight (C_in, C_out/groups, kH, kW).
    /// Per spatial dim out = (in−1)·stride − 2·padding + dilation·(k−1) + output_padding + 1; output_padding
    /// (which only resolves the size ambiguity of strided convs) must be smaller than stride or dilation.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? outputPadding = null, long groups = 1, long[]? dilation = null) =>
        ConvTransposeNd(2, input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>
    /// 3-D transposed convolution: input (N, C_in, D, H, W), weight (C_in, C_out/groups, kD, kH, kW); output
    /// sizes as in <see cref="ConvTranspose2d"/>.
    /// </summary>
    public static Tensor ConvTranspose3d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? outputPadding = null, long groups = 1, long[]? dilation = null) =>
        ConvTransposeNd(3, input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>
    /// Affine map y = x·Wᵀ + b over the last dimension: input (*, in_features), weight (out_features, in_features),
    /// bias (out_features) or null. Leading dimensions are kept; an empty batch gives an empty output.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        var r = Native.ml_linear(input.Handle, weight.Handle, Opt(bias));
        GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }
}
