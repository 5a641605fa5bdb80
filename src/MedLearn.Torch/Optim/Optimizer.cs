using System.Collections;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Optim;

/// <summary>
/// Base of the optimisers, after torch.optim.Optimizer: parameter groups with their own hyperparameters, a
/// per-parameter state created lazily at the first step that sees a gradient, PyTorch-layout state dicts and
/// <see cref="ZeroGrad"/>. Each <see cref="Step()"/> updates every parameter that has a gradient, under no-grad,
/// with one native call per group; parameters without a gradient are skipped. The optimiser does not own the
/// parameters but owns its state tensors: dispose it to free them.
/// </summary>
public abstract class Optimizer : IStateful, IDisposable
{
    private readonly List<ParamGroup> _groups = [];
    private Dictionary<Tensor, ParamState> _state = new(ReferenceEqualityComparer.Instance);
    private readonly ParamGroup _defaults;
    private bool _disposed;

    /// <summary>Registers <paramref name="groups"/>, filling unset hyperparameters from <paramref name="defaults"/>.</summary>
    private protected Optimizer(IEnumerable<ParamGroup> groups, ParamGroup defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _defaults = defaults;
        var list = groups.ToList();
        if (list.Count == 0) throw new ArgumentException("optimizer got an empty parameter list", nameof(groups));
        foreach (var g in list) AddParamGroup(g);
    }

    /// <summary>The parameter groups, in order; change <see cref="ParamGroup.Lr"/> etc. to adjust them.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Number of parameters that have optimiser state (those that have been stepped with a gradient).</summary>
    public int StateCount => _state.Count;

    /// <summary>
    /// Adds a group (PyTorch's <c>add_param_group</c>): unset hyperparameters take the optimiser's defaults.
    /// Parameters must be leaf tensors and may not appear in two groups.
    /// </summary>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (group.GetType() != _defaults.GetType())
            throw new ArgumentException($"{GetType().Name} takes {_defaults.GetType().Name} groups, not {group.GetType().Name}", nameof(group));
        if (_groups.Any(g => ReferenceEquals(g, group))) throw new ArgumentException("this parameter group is already registered", nameof(group));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in group.Parameters)
        {
            if (p is null) throw new ArgumentException("a parameter group holds a null parameter", nameof(group));
            if (!p.IsLeaf) throw new ArgumentException("can't optimize a non-leaf Tensor", nameof(group));
            if (!seen.Add(p) || _groups.Any(g => g.Parameters.Any(q => ReferenceEquals(q, p))))
                throw new ArgumentException("some parameters appear in more than one parameter group", nameof(group));
        }
        group.ApplyDefaults(_defaults);
        group.Validate();
        _groups.Add(group);
    }

    /// <summary>Performs one update of every parameter that has a gradient.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var g in _groups) StepGroup(g);
    }

    /// <summary>Evaluates <paramref name="closure"/> with gradients enabled (it computes the loss and calls backward),
    /// then performs <see cref="Step()"/>; returns the closure's loss.</summary>
    public Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        Tensor loss;
        using (GradMode.EnableGrad()) loss = closure();
        Step();
        return loss;
    }

    /// <summary>Updates one group (one native call).</summary>
    private protected abstract void StepGroup(ParamGroup group);

    /// <summary>Parses the saved state of one parameter (validated and copied; nothing is modified).</summary>
    private protected abstract ParamState ReadState(Tensor parameter, IDictionary saved, string where);

    private protected ParamState? GetState(Tensor parameter) => _state.GetValueOrDefault(parameter);

    private protected void SetState(Tensor parameter, ParamState state) => _state[parameter] = state;

    /// <summary>Raw handles of a group's parameters for a native call.</summary>
    private protected static IntPtr[] Handles(IReadOnlyList<Tensor> parameters)
    {
        var handles = new IntPtr[parameters.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = parameters[i].RawHandle;
        return handles;
    }

    /// <summary>
    /// Clears the gradients of every parameter (PyTorch's <c>zero_grad</c>): with <paramref name="setToNone"/>
    /// .grad becomes null (the next backward allocates it), otherwise it is zeroed in place. One native call.
    /// </summary>
    public unsafe void ZeroGrad(bool setToNone = true)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var all = _groups.SelectMany(g => g.Parameters).ToArray();
        var handles = Handles(all);
        fixed (IntPtr* p = handles) Native.ml_zero_grad(p, handles.Length, setToNone ? 1 : 0);
        GC.KeepAlive(all);
        Native.Check();
    }

    // --- state dict ----------------------------------------------------------------------------------

    /// <summary>
    /// The state in PyTorch's layout: <c>{"state": {index: {...}}, "param_groups": [{"lr": ..., ..., "params":
    /// [indices]}]}</c>, parameters numbered consecutively over the groups from 0. State tensors are new handles
    /// sharing storage with the optimiser's (like PyTorch); they belong to the caller's dispose scope.
    /// </summary>
    public OrderedDictionary<object, object?> StateDict()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = new OrderedDictionary<object, object?>();
        var groups = new List<object?>();
        long index = 0;
        foreach (var g in _groups)
        {
            var packed = new OrderedDictionary<object, object?>();
            g.WriteOptions(packed);
            var ids = new List<object?>();
            foreach (var p in g.Parameters)
            {
                if (_state.TryGetValue(p, out var s)) state[index] = s.ToStateDict();
                ids.Add(index++);
            }
            packed["params"] = ids;
            groups.Add(packed);
        }
        return new OrderedDictionary<object, object?> { ["state"] = state, ["param_groups"] = groups };
    }

    /// <summary>
    /// Restores a state from <see cref="StateDict"/> (or from PyTorch's <c>optimizer.state_dict()</c>): group
    /// count and group sizes must match; hyperparameters come from the saved groups; state tensors are copied
    /// (converted to each parameter's dtype and device). Everything is validated before anything changes, so on
    /// an <see cref="ArgumentException"/> the optimiser is unchanged.
    /// </summary>
    public void LoadStateDict(IDictionary state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var saved = StateValues.List(StateValues.Get(state, "param_groups", "optimizer state dict"), "param_groups");
        if (saved.Count != _groups.Count)
            throw new ArgumentException($"loaded state dict has {saved.Count} parameter groups but the optimizer has {_groups.Count}");
        var idMap = new Dictionary<long, Tensor>();
        var appliers = new List<Action>();
        for (var gi = 0; gi < saved.Count; gi++)
        {
            var where = $"param_groups[{gi}]";
            var sg = StateValues.Dict(saved[gi], where);
            var ids = StateValues.List(StateValues.Get(sg, "params", where), $"{where}.params");
            var group = _groups[gi];
            if (ids.Count != group.Parameters.Count)
                throw new ArgumentException($"loaded state dict contains a parameter group ({where}) with {ids.Count} parameters but the optimizer's group has {group.Parameters.Count}");
            for (var k = 0; k < ids.Count; k++)
            {
                var id = StateValues.Integer(ids[k], $"{where}.params[{k}]");
                if (!idMap.TryAdd(id, group.Parameters[k]))
                    throw new ArgumentException($"parameter id {id} appears twice in the loaded param_groups");
            }
            appliers.Add(group.ParseOptions(sg, where));
        }

        var savedState = StateValues.Dict(StateValues.Get(state, "state", "optimizer state dict"), "state");
        var loaded = new Dictionary<Tensor, ParamState>(ReferenceEqualityComparer.Instance);
        try
        {
            foreach (DictionaryEntry e in savedState)
            {
                var id = e.Key is string s && long.TryParse(s, out var parsed) ? parsed : StateValues.Integer(e.Key, "state key");
                if (!idMap.TryGetValue(id, out var p))
                    throw new ArgumentException($"loaded state dict has state for parameter id {id}, which no parameter group lists");
                loaded[p] = ReadState(p, StateValues.Dict(e.Value, $"state[{id}]"), $"state[{id}]");
            }
        }
        catch
        {
            foreach (var s in loaded.Values) s.Dispose();
            throw;
        }

        foreach (var s in _state.Values) s.Dispose();
        _state = loaded;
        foreach (var apply in appliers) apply();
        foreach (var g in _groups) g.Validate();
    }

    // --- lifetime ------------------------------------------------------------------------------------

    /// <summary>Frees the state tensors (not the parameters).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _state.Values) s.Dispose();
        _state.Clear();
        GC.SuppressFinalize(this);
    }
}
