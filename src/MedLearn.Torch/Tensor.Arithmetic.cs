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
}
