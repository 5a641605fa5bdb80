using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// Comparisons (bool results, broadcasting), logical ops, all/any and closeness tests.
// NaN compares unequal to everything (Ne gives true, the others false). C#'s == stays reference equality:
// use Eq/Ne for element-wise equality; the ordering operators < > <= >= are element-wise.
public sealed partial class Tensor
{
    /// <summary>Element-wise this == other (bool tensor).</summary>
    public Tensor Eq(Tensor other) => Wrap(Native.ml_eq(Handle, other.Handle));

    /// <summary>Element-wise this == value (bool tensor).</summary>
    public Tensor Eq(double value) => Wrap(Native.ml_eq_scalar(Handle, value));

    /// <summary>Element-wise this != other (bool tensor).</summary>
    public Tensor Ne(Tensor other) => Wrap(Native.ml_ne(Handle, other.Handle));

    /// <summary>Element-wise this != value (bool tensor).</summary>
    public Tensor Ne(double value) => Wrap(Native.ml_ne_scalar(Handle, value));

    /// <summary>Element-wise this &lt; other (bool tensor).</summary>
    public Tensor Lt(Tensor other) => Wrap(Native.ml_lt(Handle, other.Handle));

    /// <summary>Element-wise this &lt; value (bool tensor).</summary>
    public Tensor Lt(double value) => Wrap(Native.ml_lt_scalar(Handle, value));

    /// <summary>Element-wise this &lt;= other (bool tensor).</summary>
    public Tensor Le(Tensor other) => Wrap(Native.ml_le(Handle, other.Handle));

    /// <summary>Element-wise this &lt;= value (bool tensor).</summary>
    public Tensor Le(double value) => Wrap(Native.ml_le_scalar(Handle, value));

    /// <summary>Element-wise this &gt; other (bool tensor).</summary>
    public Tensor Gt(Tensor other) => Wrap(Native.ml_gt(Handle, other.Handle));

    /// <summary>Element-wise this &gt; value (bool tensor).</summary>
    public Tensor Gt(double value) => Wrap(Native.ml_gt_scalar(Handle, value));

    /// <summary>Element-wise this &gt;= other (bool tensor).</summary>
    public Tensor Ge(Tensor other) => Wrap(Native.ml_ge(Handle, other.Handle));

    /// <summary>Element-wise this &gt;= value (bool tensor).</summary>
    public Tensor Ge(double value) => Wrap(Native.ml_ge_scalar(Handle, value));

    /// <summary>Element-wise a &lt; b.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    /// <summary>Element-wise a &gt; b.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    /// <summary>Element-wise a &lt;= b.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    /// <summary>Element-wise a &gt;= b.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    /// <summary>Element-wise a &lt; b.</summary>
    public static Tensor operator <(Tensor a, double b) => a.Lt(b);
    /// <summary>Element-wise a &gt; b.</summary>
    public static Tensor operator >(Tensor a, double b) => a.Gt(b);
    /// <summary>Element-wise a &lt;= b.</summary>
    public static Tensor operator <=(Tensor a, double b) => a.Le(b);
    /// <summary>Element-wise a &gt;= b.</summary>
    public static Tensor operator >=(Tensor a, double b) => a.Ge(b);
    /// <summary>Element-wise a &lt; b.</summary>
    public static Tensor operator <(double a, Tensor b) => b.Gt(a);
    /// <summary>Element-wise a &gt; b.</summary>
    public static Tensor operator >(double a, Tensor b) => b.Lt(a);
    /// <summary>Element-wise a &lt;= b.</summary>
    public static Tensor operator <=(double a, Tensor b) => b.Ge(a);
    /// <summary>Element-wise a &gt;= b.</summary>
    public static Tensor operator >=(double a, Tensor b) => b.Le(a);

    /// <summary>Element-wise logical AND (non-zero is true), bool result.</summary>
    public Tensor LogicalAnd(Tensor other) => Wrap(Native.ml_logical_and(Handle, other.Handle));

    /// <summary>Element-wise logical OR (non-zero is true), bool result.</summary>
    public Tensor LogicalOr(Tensor other) => Wrap(Native.ml_logical_or(Handle, other.Handle));

    /// <summary>Element-wise logical XOR (non-zero is true), bool result.</summary>
    public Tensor LogicalXor(Tensor other) => Wrap(Native.ml_logical_xor(Handle, other.Handle));

    /// <summary>Element-wise logical NOT (true where the element is zero), bool result.</summary>
    public Tensor LogicalNot() => Wrap(Native.ml_logical_not(Handle));

    /// <summary>0-d bool tensor: true if every element is non-zero (true for an empty tensor).</summary>
    public Tensor All() => Wrap(Native.ml_all(Handle));

    /// <summary>0-d bool tensor: true if any element is non-zero (false for an empty tensor).</summary>
    public Tensor Any() => Wrap(Native.ml_any(Handle));

    /// <summary>Bool tensor: whether all elements along <paramref name="dim"/> are non-zero.</summary>
    public Tensor All(long dim, bool keepdim = false) => Wrap(Native.ml_all_dim(Handle, dim, keepdim ? 1 : 0));

    /// <summary>Bool tensor: whether any element along <paramref name="dim"/> is non-zero.</summary>
    public Tensor Any(long dim, bool keepdim = false) => Wrap(Native.ml_any_dim(Handle, dim, keepdim ? 1 : 0));

    /// <summary>Bool tensor: |this - other| &lt;= atol + rtol * |other| element-wise (NaNs equal only with <paramref name="equalNan"/>).</summary>
    public Tensor IsClose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false) =>
        Wrap(Native.ml_isclose(Handle, other.Handle, rtol, atol, equalNan ? 1 : 0));

    /// <summary>True if |this - other| &lt;= atol + rtol * |other| for every (broadcast) element; NaNs are equal only with <paramref name="equalNan"/>.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false)
    {
        var r = Native.ml_allclose(Handle, other.Handle, rtol, atol, equalNan ? 1 : 0);
        if (r < 0) Native.Check();
        return r == 1;
    }

    /// <summary>True if both tensors have the same shape and identical elements (NaN is never equal to NaN).</summary>
    public bool Equal(Tensor other)
    {
        var r = Native.ml_equal(Handle, other.Handle);
        if (r < 0) Native.Check();
        return r == 1;
    }
}
