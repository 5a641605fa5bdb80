using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// Element-wise arithmetic with broadcasting: operators, named forms and in-place (trailing underscore) forms.
public sealed partial class Tensor
{
    public Tensor Add(Tensor other, double alpha = 1) => Wrap(Native.ml_add(Handle, other.Handle, alpha));
    public Tensor Add(double value) => Wrap(Native.ml_add_scalar(Handle, value));
    public Tensor Add_(Tensor other, double alpha = 1) { Native.ml_add_(Handle, other.Handle, alpha); Native.Check(); return this; }
    public Tensor Add_(double value) { Native.ml_add_scalar_(Handle, value); Native.Check(); return this; }

    public Tensor Sub(Tensor other, double alpha = 1) => Wrap(Native.ml_sub(Handle, other.Handle, alpha));
    public Tensor Sub(double value) => Wrap(Native.ml_sub_scalar(Handle, value));
    public Tensor Sub_(Tensor other, double alpha = 1) { Native.ml_sub_(Handle, other.Handle, alpha); Native.Check(); return this; }
    public Tensor Sub_(double value) { Native.ml_sub_scalar_(Handle, value); Native.Check(); return this; }

    public Tensor Mul(Tensor other) => Wrap(Native.ml_mul(Handle, other.Handle));
    public Tensor Mul(double value) => Wrap(Native.ml_mul_scalar(Handle, value));
    public Tensor Mul_(Tensor other) { Native.ml_mul_(Handle, other.Handle); Native.Check(); return this; }
    public Tensor Mul_(double value) { Native.ml_mul_scalar_(Handle, value); Native.Check(); return this; }

    public Tensor Div(Tensor other) => Wrap(Native.ml_div(Handle, other.Handle));
    public Tensor Div(double value) => Wrap(Native.ml_div_scalar(Handle, value));
    public Tensor Div_(Tensor other) { Native.ml_div_(Handle, other.Handle); Native.Check(); return this; }
    public Tensor Div_(double value) { Native.ml_div_scalar_(Handle, value); Native.Check(); return this; }

    public Tensor Neg() => Wrap(Native.ml_neg(Handle));

    /// <summary>Matrix product with torch.matmul's broadcasting rules.</summary>
    public Tensor MatMul(Tensor other) => Wrap(Native.ml_matmul(Handle, other.Handle));

    /// <summary>Sum of all elements.</summary>
    public Tensor Sum() => Wrap(Native.ml_sum(Handle));

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Wrap(Native.ml_mean(Handle));

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator +(Tensor a, double b) => a.Add(b);
    public static Tensor operator +(double a, Tensor b) => b.Add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator -(Tensor a, double b) => a.Sub(b);
    public static Tensor operator -(double a, Tensor b) => Wrap(Native.ml_rsub_scalar(b.Handle, a));
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator *(Tensor a, double b) => a.Mul(b);
    public static Tensor operator *(double a, Tensor b) => b.Mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator /(Tensor a, double b) => a.Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>Element-wise power this^exponent with broadcasting (0^0 = 1; a negative base with a fractional exponent gives NaN).</summary>
    public Tensor Pow(Tensor exponent) => Wrap(Native.ml_pow(Handle, exponent.Handle));

    /// <summary>Element-wise power this^exponent (0^0 = 1; a negative base with a fractional exponent gives NaN).</summary>
    public Tensor Pow(double exponent) => Wrap(Native.ml_pow_scalar(Handle, exponent));

    /// <summary>In-place <see cref="Pow(Tensor)"/>.</summary>
    public Tensor Pow_(Tensor exponent) { Native.ml_pow_(Handle, exponent.Handle); Native.Check(); return this; }

    /// <summary>In-place <see cref="Pow(double)"/>.</summary>
    public Tensor Pow_(double exponent) { Native.ml_pow_scalar_(Handle, exponent); Native.Check(); return this; }

    /// <summary>Python's modulus a - floor(a / b) * b: the result has the sign of the divisor (integer division by zero raises).</summary>
    public Tensor Remainder(Tensor other) => Wrap(Native.ml_remainder(Handle, other.Handle));

    /// <summary>Python's modulus a - floor(a / b) * b with a scalar divisor.</summary>
    public Tensor Remainder(double other) => Wrap(Native.ml_remainder_scalar(Handle, other));

    /// <summary>C's fmod a - trunc(a / b) * b: the result has the sign of the dividend.</summary>
    public Tensor Fmod(Tensor other) => Wrap(Native.ml_fmod(Handle, other.Handle));

    /// <summary>C's fmod with a scalar divisor.</summary>
    public Tensor Fmod(double other) => Wrap(Native.ml_fmod_scalar(Handle, other));

    /// <summary>floor(a / b) element-wise (Python's //).</summary>
    public Tensor FloorDivide(Tensor other) => Wrap(Native.ml_floor_divide(Handle, other.Handle));

    /// <summary>floor(a / b) with a scalar divisor.</summary>
    public Tensor FloorDivide(double other) => Wrap(Native.ml_floor_divide_scalar(Handle, other));

    /// <summary>Matrix product of two 2-D tensors [n, m] x [m, p] -> [n, p] (no broadcasting).</summary>
    public Tensor Mm(Tensor other) => Wrap(Native.ml_mm(Handle, other.Handle));

    /// <summary>Batched matrix product of two 3-D tensors [b, n, m] x [b, m, p] -> [b, n, p] (no broadcasting).</summary>
    public Tensor Bmm(Tensor other) => Wrap(Native.ml_bmm(Handle, other.Handle));

    /// <summary>Outer product of two 1-D tensors: out[i, j] = this[i] * other[j].</summary>
    public Tensor Outer(Tensor other) => Wrap(Native.ml_outer(Handle, other.Handle));

    /// <summary>Inner product sum_i this[i] * other[i] of two 1-D tensors of equal length (0 for empty), as a 0-d tensor.</summary>
    public Tensor Dot(Tensor other) => Wrap(Native.ml_dot(Handle, other.Handle));

    /// <summary>a / b computed as b.Reciprocal() * a, like Python's <c>a / tensor</c> (integer tensors give a float result).</summary>
    public static Tensor operator /(double a, Tensor b) => Wrap(Native.ml_rdiv_scalar(b.Handle, a));

    /// <summary>Python's % (see <see cref="Remainder(Tensor)"/>).</summary>
    public static Tensor operator %(Tensor a, Tensor b) => a.Remainder(b);

    /// <summary>Python's % (see <see cref="Remainder(double)"/>).</summary>
    public static Tensor operator %(Tensor a, double b) => a.Remainder(b);
}
