using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

public static partial class Functional
{
    // PyTorch passes an empty stride for "stride = kernel size".
    private static readonly long[] NoStride = [];

    private static unsafe Tensor MaxPoolNd(int nd, Tensor input, long[] kernelSize, long[]? stride, long[]? padding, long[]? dilation, bool ceilMode)
    {
        stride ??= NoStride;
        padding ??= Zero;
        dilation ??= One;
        fixed (long* k = kernelSize, s = stride, p = padding, d = dilation)
            return Tensor.Wrap(nd switch
            {
                1 => Native.ml_max_pool1d(input.Handle, k, kernelSize.Length, s, stride.Length, p, padding.Length, d, dilation.Length, ceilMode ? 1 : 0),
                2 => Native.ml_max_pool2d(input.Handle, k, kernelSize.Length, s, stride.Length, p, padding.Length, d, dilation.Length, ceilMode ? 1 : 0),
                _ => Native.ml_max_pool3d(input.Handle, k, kernelSize.Length, s, stride.Length, p, padding.Length, d, dilation.Length, ceilMode ? 1 : 0),
            });
    }

    private static unsafe (Tensor Output, Tensor Indices) MaxPoolWithIndicesNd(int nd, Tensor input, long[] kernelSize, long[]? stride, long[]? padding, long[]? dilation, bool ceilMode)
    {
        stride ??= NoStride;
        padding ??= Zero;
        dilation ??= One;
        IntPtr o, i;
        fixed (long* k = kernelSize, s = stride, p = padding, d = dilation)
        {
            if (nd == 2) Native.ml_max_pool2d_with_indices(input.Handle, k, kernelSize.Length, s, stride.Length, p, padding.Length, d, dilation.Length, ceilMode ? 1 : 0, out o, out i);
            else Native.ml_max_pool3d_with_indices(input.Handle, k, kernelSize.Length, s, stride.Length, p, padding.Length, d, dilation.Length, ceilMode ? 1 : 0, out o, out i);
        }
        Native.Check();
        return (Tensor.Wrap(o), Tensor.Wrap(i));
    }

    /// <summary>
    /// 1-D max pooling over (N, C, L) or (C, L): out = max over the window of the (−∞-)padded input.
    /// L_out = ⌊(L + 2·padding − dilation·(k−1) − 1)/stride⌋ + 1 (⌈⌉ with <paramref name="ceilMode"/>, where a
    /// window starting in the right padding is dropped). stride defaults to the kernel size; padding must be at
    /// most half the kernel. NaN propagates.
    /// </summary>
    public static Tensor MaxPool1d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceilMode = false) =>
        MaxPoolNd(1, input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>2-D max pooling over (N, C, H, W) or (C, H, W); sizes and rules as <see cref="MaxPool1d"/> per spatial dim.</summary>
    public static Tensor MaxPool2d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceilMode = false) =>
        MaxPoolNd(2, input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>3-D max pooling over (N, C, D, H, W) or (C, D, H, W); sizes and rules as <see cref="MaxPool1d"/> per spatial dim.</summary>
    public static Tensor MaxPool3d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceilMode = false) =>
        MaxPoolNd(3, input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>
    /// 2-D max pooling that also returns the argmax of each window as an int64 index into the flattened H·W
    /// plane of the (unpadded) input (for max_unpool). Ties pick the first maximum.
    /// </summary>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceilMode = false) =>
        MaxPoolWithIndicesNd(2, input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>3-D max pooling returning also int64 argmax indices into the flattened D·H·W volume.</summary>
    public static (Tensor Output, Tensor Indices) MaxPool3dWithIndices(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceilMode = false) =>
        MaxPoolWithIndicesNd(3, input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>
    /// 1-D average pooling over (N, C, L): the mean of each window. With <paramref name="countIncludePad"/> the
    /// zero padding counts in the divisor, otherwise only input elements do. Output size as in <see cref="MaxPool1d"/>
    /// (dilation 1). stride defaults to the kernel size.
    /// </summary>
    public static unsafe Tensor AvgPool1d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null, bool ceilMode = false, bool countIncludePad = true)
    {
        stride ??= NoStride;
        padding ??= Zero;
        fixed (long* k = kernelSize, s = stride, p = padding)
            return Tensor.Wrap(Native.ml_avg_pool1d(input.Handle, k, kernelSize.Length, s, stride.Length, p, padding.Length, ceilMode ? 1 : 0, countIncludePad ? 1 : 0));
    }

    /// <summary>
    /// 2-D average pooling over (N, C, H, W): window sum divided by the window size (padding included when
    /// <paramref name="countIncludePad"/>; windows clipped by ceil mode count only their in-range part), or by
    /// <paramref name="divisorOverride"/> when given. stride defaults to the kernel size.
    /// </summary>
    public static unsafe Tensor AvgPool2d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null, bool ceilMode = false, bool countIncludePad = true, long? divisorOverride = null)
    {
        stride ??= NoStride;
        padding ??= Zero;
        fixed (long* k = kernelSize, s = stride, p = padding)
            return Tensor.Wrap(Native.ml_avg_pool2d(input.Handle, k, kernelSize.Length, s, stride.Length, p, padding.Length, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, divisorOverride ?? 0));
    }

    /// <summary>3-D average pooling over (N, C, D, H, W); rules as <see cref="AvgPool2d"/>.</summary>
    public static unsafe Tensor AvgPool3d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null, bool ceilMode = false, bool countIncludePad = true, long? divisorOverride = null)
    {
        stride ??= NoStride;
        padding ??= Zero;
        fixed (long* k = kernelSize, s = stride, p = padding)
            return Tensor.Wrap(Native.ml_avg_pool3d(input.Handle, k, kernelSize.Length, s, stride.Length, p, padding.Length, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, divisorOverride ?? 0));
    }

    /// <summary>
    /// Adaptive 1-D average pooling to <paramref name="outputSize"/>: output bin i averages input indices
    /// ⌊i·L/out⌋ … ⌈(i+1)·L/out⌉−1 (bins may overlap).
    /// </summary>
    public static unsafe Tensor AdaptiveAvgPool1d(Tensor input, long outputSize)
    {
        var size = new[] { outputSize };
        fixed (long* s = size) return Tensor.Wrap(Native.ml_adaptive_avg_pool1d(input.Handle, s, 1));
    }

    /// <summary>Adaptive 2-D average pooling to (H_out, W_out) (one value = square); bins as in <see cref="AdaptiveAvgPool1d"/> per dim.</summary>
    public static unsafe Tensor AdaptiveAvgPool2d(Tensor input, long[] outputSize)
    {
        fixed (long* s = outputSize) return Tensor.Wrap(Native.ml_adaptive_avg_pool2d(input.Handle, s, outputSize.Length));
    }

    /// <summary>Adaptive 3-D average pooling to (D_out, H_out, W_out) (one value = cube).</summary>
    public static unsafe Tensor AdaptiveAvgPool3d(Tensor input, long[] outputSize)
    {
        fixed (long* s = outputSize) return Tensor.Wrap(Native.ml_adaptive_avg_pool3d(input.Handle, s, outputSize.Length));
    }

    /// <summary>Adaptive 2-D max pooling to (H_out, W_out): maximum over each adaptive bin (bins as in <see cref="AdaptiveAvgPool1d"/>).</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, long[] outputSize)
    {
        var (output, indices) = AdaptiveMaxPool2dWithIndices(input, outputSize);
        indices.Dispose();
        return output;
    }

    /// <summary>Adaptive 2-D max pooling returning also int64 argmax indices into the flattened H·W plane.</summary>
    public static unsafe (Tensor Output, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, long[] outputSize)
    {
        IntPtr o, i;
        fixed (long* s = outputSize) Native.ml_adaptive_max_pool2d(input.Handle, s, outputSize.Length, out o, out i);
        Native.Check();
        return (Tensor.Wrap(o), Tensor.Wrap(i));
    }

    /// <summary>Adaptive 3-D max pooling to (D_out, H_out, W_out).</summary>
    public static unsafe Tensor AdaptiveMaxPool3d(Tensor input, long[] outputSize)
    {
        IntPtr o, i;
        fixed (long* s = outputSize) Native.ml_adaptive_max_pool3d(input.Handle, s, outputSize.Length, out o, out i);
        Native.Check();
        Tensor.Wrap(i).Dispose();
        return Tensor.Wrap(o);
    }
}
