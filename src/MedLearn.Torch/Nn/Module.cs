namespace MedLearn.Torch.Nn;

/// <summary>
/// Base of all network modules, after torch.nn.Module: named parameters, buffers and child modules
/// registered in constructor order, so names and state-dict order are PyTorch's
/// (<c>layer1.0.conv1.weight</c>). Parameters and buffers are owned by the module (never by a dispose
/// scope) and freed by <see cref="Dispose"/>.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly OrderedDictionary<string, Tensor?> _parameters = new();
    private readonly OrderedDictionary<string, Tensor?> _buffers = new();
    private readonly HashSet<string> _nonPersistent = [];
    private readonly OrderedDictionary<string, Module?> _modules = new();
    private bool _disposed;

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>PyTorch-style type name used in messages (the class name by default).</summary>
    public virtual string TypeName => GetType().Name;

    // --- registration ----------------------------------------------------------------------------------

    /// <summary>Registers (or replaces) a parameter; the module takes ownership. Null registers an absent one (e.g. no bias).</summary>
    protected Tensor? RegisterParameter(string name, Tensor? parameter, bool requiresGrad = true)
    {
        ValidateName(name);
        if (parameter is not null)
        {
            parameter.DetachFromDisposeScope();
            if (parameter.RequiresGrad != requiresGrad) parameter.RequiresGrad = requiresGrad;
        }
        if (_parameters.TryGetValue(name, out var old) && old is not null && !ReferenceEquals(old, parameter)) old.Dispose();
        _parameters[name] = parameter;
        return parameter;
    }

    /// <summary>Registers (or replaces) a buffer; non-persistent buffers are left out of the state dict.</summary>
    protected Tensor? RegisterBuffer(string name, Tensor? buffer, bool persistent = true)
    {
        ValidateName(name);
        buffer?.DetachFromDisposeScope();
        if (_buffers.TryGetValue(name, out var old) && old is not null && !ReferenceEquals(old, buffer)) old.Dispose();
        _buffers[name] = buffer;
        if (persistent) _nonPersistent.Remove(name);
        else _nonPersistent.Add(name);
        return buffer;
    }

    /// <summary>Registers (or replaces, disposing the old one) a child module.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module?
    {
        ValidateName(name);
        if (_modules.TryGetValue(name, out var old) && old is not null && !ReferenceEquals(old, module)) old.Dispose();
        _modules[name] = module;
        return module;
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a valid member name: it must be non-empty and contain no '.'");
    }

    /// <summary>Replaces the direct child <paramref name="name"/> (e.g. a classifier head) with <paramref name="module"/>.</summary>
    public void ReplaceModule(string name, Module module)
    {
        if (!_modules.ContainsKey(name))
            throw new ArgumentException($"{TypeName} has no child module '{name}'; children: {string.Join(", ", _modules.Keys)}");
        RegisterModule(name, module);
    }

    // --- traversal ----------------------------------------------------------------------------------------

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var (name, m) in _modules)
            if (m is not null) yield return (name, m);
    }

    /// <summary>This module and all descendants with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in NamedChildren())
            foreach (var item in child.NamedModules(Join(prefix, name)))
                yield return item;
    }

    /// <summary>Parameters with their dotted names, in PyTorch's order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(bool recurse = true) =>
        Members(m => m._parameters, recurse, includeNonPersistent: true);

    /// <summary>All parameters, in PyTorch's order.</summary>
    public IEnumerable<Tensor> Parameters(bool recurse = true) => NamedParameters(recurse).Select(p => p.Parameter);

    /// <summary>Buffers (running statistics etc.) with their dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(bool recurse = true) =>
        Members(m => m._buffers, recurse, includeNonPersistent: true);

    /// <summary>Whether this module's own buffer <paramref name="name"/> is persistent (saved in the state dict).</summary>
    public bool IsPersistentBuffer(string name) => _buffers.ContainsKey(name) && !_nonPersistent.Contains(name);

    private IEnumerable<(string, Tensor)> Members(Func<Module, OrderedDictionary<string, Tensor?>> select, bool recurse, bool includeNonPersistent, string prefix = "")
    {
        foreach (var (name, t) in select(this))
            if (t is not null && (includeNonPersistent || !_nonPersistent.Contains(name)))
                yield return (Join(prefix, name), t);
        if (!recurse) yield break;
        foreach (var (name, child) in NamedChildren())
            foreach (var item in child.Members(select, recurse, includeNonPersistent, Join(prefix, name)))
                yield return item;
    }

    // PyTorch's state-dict order: each module's own parameters, then its persistent buffers, then its
    // children recursively (module._save_to_state_dict before the children).
    private IEnumerable<(string, Tensor)> StateMembers(string prefix = "")
    {
        foreach (var (name, p) in _parameters)
            if (p is not null) yield return (Join(prefix, name), p);
        foreach (var (name, b) in _buffers)
            if (b is not null && !_nonPersistent.Contains(name)) yield return (Join(prefix, name), b);
        foreach (var (name, child) in NamedChildren())
            foreach (var item in child.StateMembers(Join(prefix, name)))
                yield return item;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>The descendant at a dotted path, e.g. "layer4.1.conv2".</summary>
    public Module GetSubmodule(string path)
    {
        var m = this;
        if (path.Length == 0) return m;
        foreach (var part in path.Split('.'))
        {
            if (!m._modules.TryGetValue(part, out var child) || child is null)
                throw new ArgumentException($"{TypeName} has no submodule '{path}' ('{part}' not found); modules: {string.Join(", ", NamedModules().Select(x => x.Name).Where(n => n.Length > 0))}");
            m = child;
        }
        return m;
    }

    /// <summary>Number of parameter elements (optionally only those that require gradients).</summary>
    public long ParameterCount(bool trainableOnly = false) =>
        Parameters().Where(p => !trainableOnly || p.RequiresGrad).Sum(p => p.NumEl);

    // --- modes ------------------------------------------------------------------------------------------

    /// <summary>Sets training mode on this module and all descendants.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules()) m.Training = mode;
        return this;
    }

    /// <summary>Evaluation mode (<c>Train(false)</c>).</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears (or zeroes) every parameter's gradient.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (setToNone) { p.Grad = null; continue; }
            using var g = p.Grad;
            g?.DetachFromDisposeScope();
            g?.Mul_(0);
        }
    }

    // --- state dict ----------------------------------------------------------------------------------

    /// <summary>
    /// Persistent parameters and buffers by dotted name, in PyTorch's order. The tensors are new detached
    /// handles sharing storage with the module (like PyTorch); they belong to the current dispose scope.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (name, t) in StateMembers()) result[name] = t.Detach();
        return result;
    }

    /// <summary>
    /// Copies tensors into this module's parameters and buffers by name. Every key and shape is checked
    /// before anything is copied, so on error the module is unchanged. With <paramref name="strict"/>,
    /// missing or unexpected keys are errors; otherwise they are returned.
    /// </summary>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        var own = new OrderedDictionary<string, Tensor>();
        foreach (var (name, t) in StateMembers()) own[name] = t;

        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var problems = new List<string>();
        foreach (var (name, target) in own)
        {
            if (!stateDict.TryGetValue(name, out var source)) continue;
            var (ts, ss) = (target.Shape, source.Shape);
            if (!ts.SequenceEqual(ss))
                problems.Add($"size mismatch for {name}: copying a param with shape [{string.Join(", ", ss)}] from checkpoint, the shape in current model is [{string.Join(", ", ts)}]");
        }
        if (strict && missing.Count > 0) problems.Insert(0, "Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")));
        if (strict && unexpected.Count > 0) problems.Insert(0, "Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")));
        if (problems.Count > 0)
            throw new StateDictException($"Error(s) in loading state_dict for {TypeName}:\n\t" + string.Join("\n\t", problems), missing, unexpected);

        using (GradMode.NoGrad())
            foreach (var (name, target) in own)
                if (stateDict.TryGetValue(name, out var source)) target.CopyFrom(source);
        return new StateDictLoadResult(missing, unexpected);
    }

    // --- moves ---------------------------------------------------------------------------------------

    /// <summary>Moves parameters and buffers to <paramref name="device"/> in place (identities kept).</summary>
    public Module To(Device device) => Apply(t => t.To(device), parametersAndBuffers: true);

    /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/> in place.</summary>
    public Module To(DType dtype) => Apply(t => t.DType.IsFloatingPoint() ? t.To(dtype) : null, parametersAndBuffers: true);

    /// <summary>Re-lays out 4-D (channels_last) or 5-D (channels_last_3d) parameters, like PyTorch's
    /// <c>model.to(memory_format=...)</c>.</summary>
    public Module To(MemoryFormat format) => Apply(t =>
    {
        var dim = t.Dim;
        return (format == MemoryFormat.ChannelsLast && dim == 4) || (format == MemoryFormat.ChannelsLast3d && dim == 5)
            || format == MemoryFormat.Contiguous ? t.Contiguous(format) : null;
    }, parametersAndBuffers: false);

    private Module Apply(Func<Tensor, Tensor?> convert, bool parametersAndBuffers)
    {
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var targets = parametersAndBuffers ? Parameters().Concat(NamedBuffers().Select(b => b.Buffer)) : Parameters();
        foreach (var t in targets)
        {
            var converted = convert(t);
            if (converted is not null) t.SetData(converted);
        }
        return this;
    }

    // --- lifetime ------------------------------------------------------------------------------------

    /// <summary>Frees the parameters, buffers and children.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, m) in _modules) m?.Dispose();
        foreach (var (_, p) in _parameters) p?.Dispose();
        foreach (var (_, b) in _buffers) b?.Dispose();
        GC.SuppressFinalize(this);
    }

    public override string ToString() => TypeName;
}

/// <summary>A module with a typed forward pass.</summary>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>Computes the output; tensors it creates belong to the caller's dispose scope.</summary>
    public abstract TOutput Forward(TInput input);

    /// <summary>Same as <see cref="Forward"/>.</summary>
    public TOutput Call(TInput input) => Forward(input);
}

/// <summary>Keys that <see cref="Module.LoadStateDict"/> did not match.</summary>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

/// <summary>A state dict does not fit a module: missing/unexpected keys or shape mismatches.</summary>
public sealed class StateDictException(string message, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected)
    : ArgumentException(message)
{
    public IReadOnlyList<string> MissingKeys { get; } = missing;
    public IReadOnlyList<string> UnexpectedKeys { get; } = unexpected;
}
