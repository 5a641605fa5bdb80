using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// Autograd: requires_grad, grad, backward, detach.
public sealed partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get
        {
            var r = Native.ml_requires_grad(Handle);
            Native.Check();
            return r != 0;
        }
        set
        {
            Native.ml_set_requires_grad(Handle, value ? 1 : 0);
            Native.Check();
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>True for tensors created by the user (not by an op recorded by autograd).</summary>
    public bool IsLeaf
    {
        get
        {
            var r = Native.ml_is_leaf(Handle);
            Native.Check();
            return r != 0;
        }
    }

    /// <summary>Keeps .grad for a non-leaf tensor after backward.</summary>
    public void RetainGrad()
    {
        Native.ml_retain_grad(Handle);
        Native.Check();
    }

    /// <summary>
    /// The accumulated gradient, or null. Each read returns a new handle to the same gradient tensor
    /// (owned by the current dispose scope); setting null clears it.
    /// </summary>
    public Tensor? Grad
    {
        get => WrapOptional(Native.ml_grad(Handle));
        set
        {
            Native.ml_set_grad(Handle, value is null ? IntPtr.Zero : value.RawHandle);
            GC.KeepAlive(value);
            Native.Check();
        }
    }

    /// <summary>Backpropagates from this tensor (a scalar unless <paramref name="gradient"/> is given).</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
    {
        Native.ml_backward(Handle, gradient is null ? IntPtr.Zero : gradient.RawHandle, retainGraph ? 1 : 0, createGraph ? 1 : 0);
        GC.KeepAlive(gradient);
        Native.Check();
    }

    /// <summary>A tensor sharing storage with this one but outside the autograd graph.</summary>
    public Tensor Detach() => Wrap(Native.ml_detach(Handle));

    /// <summary>Detaches this tensor from the graph in place.</summary>
    public Tensor Detach_()
    {
        Native.ml_detach_(Handle);
        Native.Check();
        return this;
    }

    /// <summary>True when this tensor was created in inference mode.</summary>
    public bool IsInference
    {
        get
        {
            var r = Native.ml_is_inference(Handle);
            Native.Check();
            return r != 0;
        }
    }
}
