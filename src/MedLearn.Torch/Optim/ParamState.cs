using System.Collections;

namespace MedLearn.Torch.Optim;

/// <summary>
/// The optimiser state of one parameter (PyTorch's <c>optimizer.state[p]</c>). Its tensors are owned by the
/// optimiser (never by a dispose scope) and freed by <see cref="Dispose"/>.
/// </summary>
internal abstract class ParamState : IDisposable
{
    /// <summary>The state with PyTorch's keys; tensors are new handles in the caller's dispose scope.</summary>
    public abstract OrderedDictionary<object, object?> ToStateDict();

    public abstract void Dispose();

    /// <summary>A detached copy of a saved state tensor, converted to the parameter's dtype and device and owned
    /// by the optimiser; its shape must be the parameter's.</summary>
    public static Tensor CopyLike(Tensor parameter, IDictionary saved, string key, string where)
    {
        var value = StateValues.Get(saved, key, where);
        if (value is not Tensor t)
            throw new ArgumentException($"{where}.{key} must be a tensor but is {StateValues.Describe(value)}");
        var (ps, ts) = (parameter.Shape, t.Shape);
        if (!ps.SequenceEqual(ts))
            throw new ArgumentException($"{where}.{key} has shape [{string.Join(", ", ts)}] but the parameter has shape [{string.Join(", ", ps)}]");
        using var noGrad = GradMode.NoGrad();
        using var scope = DisposeScope.Open();
        var copy = t.Detach().To(parameter.DType, parameter.Device, copy: true);
        return scope.Detach(copy);
    }

    /// <summary>A new handle to a state tensor for a state dict (shares storage, like PyTorch; in the caller's scope).</summary>
    public static Tensor Export(Tensor t) => t.Detach();

    /// <summary>Takes ownership of a handle the shim created for the state.</summary>
    public static Tensor Adopt(IntPtr handle) => Tensor.Wrap(handle).DetachFromDisposeScope();
}
