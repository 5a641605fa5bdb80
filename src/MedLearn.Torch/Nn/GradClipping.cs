using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

/// <summary>Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), in place on .grad, one native call each.</summary>
public static class GradClipping
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> so their joint norm is at most <paramref name="maxNorm"/>:
    /// <c>total = ||(||g_1||_p, ..., ||g_k||_p)||_p</c> (p = +inf: max |g|), then every g is multiplied by
    /// <c>min(maxNorm / (total + 1e-6), 1)</c>. Parameters without a gradient are ignored; with none, the total is 0.
    /// Returns the total norm before clipping (a 0-dim tensor in the current dispose scope).
    /// </summary>
    /// <exception cref="InvalidOperationException">the total norm is NaN or infinite and <paramref name="errorIfNonfinite"/> is set (nothing is clipped).</exception>
    public static unsafe Tensor ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var ps = parameters.ToArray();
        var handles = new IntPtr[ps.Length];
        for (var i = 0; i < ps.Length; i++) handles[i] = ps[i].RawHandle;
        IntPtr result;
        int nonfinite;
        fixed (IntPtr* p = handles) result = Native.ml_clip_grad_norm_(p, ps.Length, maxNorm, normType, errorIfNonfinite ? 1 : 0, out nonfinite);
        GC.KeepAlive(ps);
        var total = Tensor.Wrap(result);
        if (nonfinite != 0)
        {
            var value = total.ToDouble();
            total.Dispose();
            throw new InvalidOperationException(
                $"The total norm of order {normType} for gradients from `parameters` is non-finite ({value}), so it cannot be clipped. " +
                "To disable this error and scale the gradients by the non-finite norm anyway, pass errorIfNonfinite: false");
        }
        return total;
    }

    /// <summary>Clamps every existing gradient element-wise to [-clipValue, clipValue] in place.</summary>
    public static unsafe void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var ps = parameters.ToArray();
        var handles = new IntPtr[ps.Length];
        for (var i = 0; i < ps.Length; i++) handles[i] = ps[i].RawHandle;
        fixed (IntPtr* p = handles) Native.ml_clip_grad_value_(p, ps.Length, clipValue);
        GC.KeepAlive(ps);
        Native.Check();
    }
}
