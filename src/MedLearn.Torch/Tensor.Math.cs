using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// Element-wise math: unary functions (in-place forms end in an underscore), clamp, softmax, addcmul/addcdiv,
// lerp, maximum/minimum and NaN/Inf handling. NaN inputs propagate to NaN outputs unless stated otherwise.
public sealed partial class Tensor
{
    /// <summary>Element-wise e^x.</summary>
    public Tensor Exp() => Wrap(Native.ml_exp(Handle));

    /// <summary>In-place <see cref="Exp"/>.</summary>
    public Tensor Exp_() { Native.ml_exp_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise 2^x.</summary>
    public Tensor Exp2() => Wrap(Native.ml_exp2(Handle));

    /// <summary>In-place <see cref="Exp2"/>.</summary>
    public Tensor Exp2_() { Native.ml_exp2_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Natural logarithm ln(x); ln(0) = -inf, negative x gives NaN.</summary>
    public Tensor Log() => Wrap(Native.ml_log(Handle));

    /// <summary>In-place <see cref="Log"/>.</summary>
    public Tensor Log_() { Native.ml_log_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Base-2 logarithm; log2(0) = -inf, negative x gives NaN.</summary>
    public Tensor Log2() => Wrap(Native.ml_log2(Handle));

    /// <summary>In-place <see cref="Log2"/>.</summary>
    public Tensor Log2_() { Native.ml_log2_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Base-10 logarithm; log10(0) = -inf, negative x gives NaN.</summary>
    public Tensor Log10() => Wrap(Native.ml_log10(Handle));

    /// <summary>In-place <see cref="Log10"/>.</summary>
    public Tensor Log10_() { Native.ml_log10_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise ln(1 + x), accurate for small x; -1 gives -inf, x &lt; -1 gives NaN.</summary>
    public Tensor Log1p() => Wrap(Native.ml_log1p(Handle));

    /// <summary>In-place <see cref="Log1p"/>.</summary>
    public Tensor Log1p_() { Native.ml_log1p_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise e^x - 1, accurate for small x.</summary>
    public Tensor Expm1() => Wrap(Native.ml_expm1(Handle));

    /// <summary>In-place <see cref="Expm1"/>.</summary>
    public Tensor Expm1_() { Native.ml_expm1_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Square root; negative x gives NaN.</summary>
    public Tensor Sqrt() => Wrap(Native.ml_sqrt(Handle));

    /// <summary>In-place <see cref="Sqrt"/>.</summary>
    public Tensor Sqrt_() { Native.ml_sqrt_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise 1 / sqrt(x); 0 gives +inf, negative x gives NaN.</summary>
    public Tensor Rsqrt() => Wrap(Native.ml_rsqrt(Handle));

    /// <summary>In-place <see cref="Rsqrt"/>.</summary>
    public Tensor Rsqrt_() { Native.ml_rsqrt_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise x * x.</summary>
    public Tensor Square() => Wrap(Native.ml_square(Handle));

    /// <summary>In-place <see cref="Square"/>.</summary>
    public Tensor Square_() { Native.ml_square_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise |x|.</summary>
    public Tensor Abs() => Wrap(Native.ml_abs(Handle));

    /// <summary>In-place <see cref="Abs"/>.</summary>
    public Tensor Abs_() { Native.ml_abs_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise -1, 0 or 1 by the sign of x (0 for 0; NaN stays NaN).</summary>
    public Tensor Sign() => Wrap(Native.ml_sign(Handle));

    /// <summary>In-place <see cref="Sign"/>.</summary>
    public Tensor Sign_() { Native.ml_sign_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Largest integer &lt;= x.</summary>
    public Tensor Floor() => Wrap(Native.ml_floor(Handle));

    /// <summary>In-place <see cref="Floor"/>.</summary>
    public Tensor Floor_() { Native.ml_floor_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Smallest integer &gt;= x.</summary>
    public Tensor Ceil() => Wrap(Native.ml_ceil(Handle));

    /// <summary>In-place <see cref="Ceil"/>.</summary>
    public Tensor Ceil_() { Native.ml_ceil_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Nearest integer, ties to even (0.5 -> 0, 1.5 -> 2, 2.5 -> 2).</summary>
    public Tensor Round() => Wrap(Native.ml_round(Handle));

    /// <summary>In-place <see cref="Round"/>.</summary>
    public Tensor Round_() { Native.ml_round_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Integer part, rounding toward zero.</summary>
    public Tensor Trunc() => Wrap(Native.ml_trunc(Handle));

    /// <summary>In-place <see cref="Trunc"/>.</summary>
    public Tensor Trunc_() { Native.ml_trunc_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise x - trunc(x) (sign of x).</summary>
    public Tensor Frac() => Wrap(Native.ml_frac(Handle));

    /// <summary>In-place <see cref="Frac"/>.</summary>
    public Tensor Frac_() { Native.ml_frac_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise sin(x), x in radians.</summary>
    public Tensor Sin() => Wrap(Native.ml_sin(Handle));

    /// <summary>In-place <see cref="Sin"/>.</summary>
    public Tensor Sin_() { Native.ml_sin_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise cos(x), x in radians.</summary>
    public Tensor Cos() => Wrap(Native.ml_cos(Handle));

    /// <summary>In-place <see cref="Cos"/>.</summary>
    public Tensor Cos_() { Native.ml_cos_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise tan(x), x in radians.</summary>
    public Tensor Tan() => Wrap(Native.ml_tan(Handle));

    /// <summary>In-place <see cref="Tan"/>.</summary>
    public Tensor Tan_() { Native.ml_tan_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise arcsin(x); |x| &gt; 1 gives NaN.</summary>
    public Tensor Asin() => Wrap(Native.ml_asin(Handle));

    /// <summary>In-place <see cref="Asin"/>.</summary>
    public Tensor Asin_() { Native.ml_asin_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise arccos(x); |x| &gt; 1 gives NaN.</summary>
    public Tensor Acos() => Wrap(Native.ml_acos(Handle));

    /// <summary>In-place <see cref="Acos"/>.</summary>
    public Tensor Acos_() { Native.ml_acos_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise arctan(x).</summary>
    public Tensor Atan() => Wrap(Native.ml_atan(Handle));

    /// <summary>In-place <see cref="Atan"/>.</summary>
    public Tensor Atan_() { Native.ml_atan_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Hyperbolic sine.</summary>
    public Tensor Sinh() => Wrap(Native.ml_sinh(Handle));

    /// <summary>In-place <see cref="Sinh"/>.</summary>
    public Tensor Sinh_() { Native.ml_sinh_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Hyperbolic cosine.</summary>
    public Tensor Cosh() => Wrap(Native.ml_cosh(Handle));

    /// <summary>In-place <see cref="Cosh"/>.</summary>
    public Tensor Cosh_() { Native.ml_cosh_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Logistic function 1 / (1 + e^-x).</summary>
    public Tensor Sigmoid() => Wrap(Native.ml_sigmoid(Handle));

    /// <summary>In-place <see cref="Sigmoid"/>.</summary>
    public Tensor Sigmoid_() { Native.ml_sigmoid_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Hyperbolic tangent.</summary>
    public Tensor Tanh() => Wrap(Native.ml_tanh(Handle));

    /// <summary>In-place <see cref="Tanh"/>.</summary>
    public Tensor Tanh_() { Native.ml_tanh_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise 1 / x; 0 gives +inf (integer inputs give a float result).</summary>
    public Tensor Reciprocal() => Wrap(Native.ml_reciprocal(Handle));

    /// <summary>In-place <see cref="Reciprocal"/>.</summary>
    public Tensor Reciprocal_() { Native.ml_reciprocal_(Handle); Native.Check(); return this; }

    /// <summary>Element-wise Gauss error function.</summary>
    public Tensor Erf() => Wrap(Native.ml_erf(Handle));

    /// <summary>In-place <see cref="Erf"/>.</summary>
    public Tensor Erf_() { Native.ml_erf_(Handle); Native.Check(); return this; }
    /// <summary>In-place <see cref="Neg"/>.</summary>
    public Tensor Neg_() { Native.ml_neg_(Handle); Native.Check(); return this; }

    /// <summary>
    /// min(max(x, <paramref name="min"/>), <paramref name="max"/>) element-wise; a null bound is not applied. If min &gt; max
    /// every element becomes max. NaN stays NaN.
    /// </summary>
    public Tensor Clamp(double? min = null, double? max = null) =>
        Wrap(Native.ml_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0));

    /// <summary>In-place <see cref="Clamp(double?, double?)"/>.</summary>
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        Native.ml_clamp_(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0);
        Native.Check();
        return this;
    }

    /// <summary>Clamp with element-wise (broadcast) bounds; a null bound is not applied.</summary>
    public Tensor Clamp(Tensor? min, Tensor? max)
    {
        var r = Native.ml_clamp_tensor(Handle, min?.RawHandle ?? IntPtr.Zero, max?.RawHandle ?? IntPtr.Zero);
        GC.KeepAlive(min);
        GC.KeepAlive(max);
        return Wrap(r);
    }

    /// <summary>
    /// softmax(x)_i = exp(x_i) / sum_j exp(x_j) along <paramref name="dim"/> (computed stably, after subtracting the max),
    /// optionally computed in <paramref name="dtype"/>. A slice of all -inf gives NaN.
    /// </summary>
    public Tensor Softmax(long dim, DType? dtype = null) => Wrap(Native.ml_softmax(Handle, dim, dtype is { } d ? (int)d : -1));

    /// <summary>log_softmax(x)_i = x_i - log(sum_j exp(x_j)) along <paramref name="dim"/>, computed stably.</summary>
    public Tensor LogSoftmax(long dim, DType? dtype = null) => Wrap(Native.ml_log_softmax(Handle, dim, dtype is { } d ? (int)d : -1));

    /// <summary>this + value * tensor1 * tensor2 (broadcast).</summary>
    public Tensor Addcmul(Tensor tensor1, Tensor tensor2, double value = 1) =>
        Wrap(Native.ml_addcmul(Handle, tensor1.Handle, tensor2.Handle, value));

    /// <summary>In-place <see cref="Addcmul"/>.</summary>
    public Tensor Addcmul_(Tensor tensor1, Tensor tensor2, double value = 1)
    {
        Native.ml_addcmul_(Handle, tensor1.Handle, tensor2.Handle, value);
        Native.Check();
        return this;
    }

    /// <summary>this + value * tensor1 / tensor2 (broadcast; division by zero gives inf/NaN).</summary>
    public Tensor Addcdiv(Tensor tensor1, Tensor tensor2, double value = 1) =>
        Wrap(Native.ml_addcdiv(Handle, tensor1.Handle, tensor2.Handle, value));

    /// <summary>In-place <see cref="Addcdiv"/>.</summary>
    public Tensor Addcdiv_(Tensor tensor1, Tensor tensor2, double value = 1)
    {
        Native.ml_addcdiv_(Handle, tensor1.Handle, tensor2.Handle, value);
        Native.Check();
        return this;
    }

    /// <summary>Linear interpolation this + weight * (end - this).</summary>
    public Tensor Lerp(Tensor end, double weight) => Wrap(Native.ml_lerp(Handle, end.Handle, weight));

    /// <summary>Linear interpolation with an element-wise (broadcast) weight.</summary>
    public Tensor Lerp(Tensor end, Tensor weight) => Wrap(Native.ml_lerp_tensor(Handle, end.Handle, weight.Handle));

    /// <summary>In-place <see cref="Lerp(Tensor, double)"/>.</summary>
    public Tensor Lerp_(Tensor end, double weight)
    {
        Native.ml_lerp_(Handle, end.Handle, weight);
        Native.Check();
        return this;
    }

    /// <summary>Element-wise maximum with broadcasting; NaN if either element is NaN.</summary>
    public Tensor Maximum(Tensor other) => Wrap(Native.ml_maximum(Handle, other.Handle));

    /// <summary>Element-wise minimum with broadcasting; NaN if either element is NaN.</summary>
    public Tensor Minimum(Tensor other) => Wrap(Native.ml_minimum(Handle, other.Handle));

    /// <summary>Bool tensor: true where the element is NaN.</summary>
    public Tensor IsNan() => Wrap(Native.ml_isnan(Handle));

    /// <summary>Bool tensor: true where the element is +inf or -inf.</summary>
    public Tensor IsInf() => Wrap(Native.ml_isinf(Handle));

    /// <summary>Bool tensor: true where the element is neither NaN nor infinite (always true for integer dtypes).</summary>
    public Tensor IsFinite() => Wrap(Native.ml_isfinite(Handle));

    /// <summary>
    /// Replaces NaN by <paramref name="nan"/>, +inf by <paramref name="posinf"/> and -inf by <paramref name="neginf"/>;
    /// null infinities become the dtype's largest / lowest finite value.
    /// </summary>
    public Tensor NanToNum(double nan = 0, double? posinf = null, double? neginf = null) =>
        Wrap(Native.ml_nan_to_num(Handle, nan, posinf.HasValue ? 1 : 0, posinf ?? 0, neginf.HasValue ? 1 : 0, neginf ?? 0));

    /// <summary>In-place <see cref="NanToNum"/>.</summary>
    public Tensor NanToNum_(double nan = 0, double? posinf = null, double? neginf = null)
    {
        Native.ml_nan_to_num_(Handle, nan, posinf.HasValue ? 1 : 0, posinf ?? 0, neginf.HasValue ? 1 : 0, neginf ?? 0);
        Native.Check();
        return this;
    }
}
