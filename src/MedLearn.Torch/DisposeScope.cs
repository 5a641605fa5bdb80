namespace MedLearn.Torch;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost open scope and disposes them
/// when the scope is disposed. Scopes nest per thread. Results that must outlive the scope are moved out
/// explicitly with <see cref="MoveToOuter(Tensor)"/> (to the enclosing scope, or to no scope) or detached with
/// <see cref="Detach"/>. A training step or a forward pass opens one scope:
/// <code>
/// using (var scope = DisposeScope.Open()) { var loss = ...; return scope.MoveToOuter(loss); }
/// </code>
/// Never <c>await</c> inside a scope: it is thread-bound.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? t_current;

    private readonly HashSet<Tensor> _tensors = new(ReferenceEqualityComparer.Instance);
    private readonly DisposeScope? _outer;
    private readonly int _threadId;
    private bool _disposed;

    private DisposeScope()
    {
        _outer = t_current;
        _threadId = Environment.CurrentManagedThreadId;
        t_current = this;
    }

    /// <summary>Opens a new innermost scope on this thread.</summary>
    public static DisposeScope Open() => new();

    /// <summary>The innermost open scope of this thread, or null.</summary>
    public static DisposeScope? Current => t_current;

    /// <summary>The scope that was innermost when this one opened.</summary>
    public DisposeScope? Outer => _outer;

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int Count => _tensors.Count;

    internal void Add(Tensor t)
    {
        _tensors.Add(t);
        t.Scope = this;
    }

    internal void Remove(Tensor t)
    {
        _tensors.Remove(t);
        t.Scope = null;
    }

    /// <summary>Hands <paramref name="tensor"/> to the enclosing scope (or to no scope) and returns it.</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        if (tensor.Scope != this) throw new InvalidOperationException("the tensor does not belong to this dispose scope");
        Remove(tensor);
        _outer?.Add(tensor);
        return tensor;
    }

    /// <summary>Moves several tensors out (see <see cref="MoveToOuter(Tensor)"/>).</summary>
    public void MoveToOuter(params IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors) MoveToOuter(t);
    }

    /// <summary>Removes <paramref name="tensor"/> from this scope; the caller now owns it.</summary>
    public Tensor Detach(Tensor tensor)
    {
        if (tensor.Scope == this) Remove(tensor);
        return tensor;
    }

    /// <summary>Disposes every tracked tensor except <paramref name="keep"/> now, keeping the scope open.</summary>
    public void DisposeEverythingBut(params IEnumerable<Tensor> keep)
    {
        var kept = new HashSet<Tensor>(keep, ReferenceEqualityComparer.Instance);
        foreach (var t in _tensors.ToArray())
        {
            if (kept.Contains(t)) continue;
            _tensors.Remove(t);
            t.Scope = null;
            t.Dispose();
        }
    }

    /// <summary>Disposes every tensor still tracked and closes the scope.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _threadId)
            throw new InvalidOperationException("a dispose scope must be disposed on the thread that opened it");
        if (t_current != this)
            throw new InvalidOperationException("dispose scopes must be disposed innermost first");
        _disposed = true;
        t_current = _outer;
        foreach (var t in _tensors)
        {
            t.Scope = null;
            t.Dispose();
        }
        _tensors.Clear();
    }
}
