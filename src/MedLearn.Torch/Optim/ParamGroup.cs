using System.Collections;

namespace MedLearn.Torch.Optim;

/// <summary>
/// A parameter group: parameters that share hyperparameters (PyTorch's <c>optimizer.param_groups[i]</c>).
/// Hyperparameters left unset when the group is passed to an optimiser take the optimiser's defaults
/// (the constructor arguments), like the keys a PyTorch group dict leaves out. Learning-rate schedulers change
/// <see cref="Lr"/>. The group does not own its parameters.
/// </summary>
public abstract class ParamGroup
{
    private double? _lr;
    private double? _weightDecay;

    /// <summary>A group over <paramref name="parameters"/> (in order; they must be leaf tensors).</summary>
    protected ParamGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = [.. parameters];
    }

    /// <summary>The parameters updated with this group's hyperparameters.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Learning rate (&gt;= 0).</summary>
    public double Lr
    {
        get => _lr ?? throw Unset("Lr");
        set => _lr = NonNegative(value, "learning rate", nameof(Lr));
    }

    /// <summary>Weight decay (&gt;= 0): L2 penalty added to the gradient, or decoupled decay for AdamW.</summary>
    public double WeightDecay
    {
        get => _weightDecay ?? throw Unset("WeightDecay");
        set => _weightDecay = NonNegative(value, "weight_decay value", nameof(WeightDecay));
    }

    /// <summary>The learning rate a scheduler started from (PyTorch's <c>initial_lr</c>); null until a scheduler is attached.</summary>
    public double? InitialLr { get; set; }

    /// <summary>Fills every hyperparameter not set on this group from <paramref name="defaults"/>.</summary>
    internal virtual void ApplyDefaults(ParamGroup defaults)
    {
        _lr ??= defaults._lr;
        _weightDecay ??= defaults._weightDecay;
    }

    /// <summary>Checks rules that involve several hyperparameters; throws <see cref="ArgumentException"/>.</summary>
    internal virtual void Validate() { }

    /// <summary>Writes the hyperparameters with PyTorch's keys and order (without "params").</summary>
    internal abstract void WriteOptions(OrderedDictionary<object, object?> options);

    /// <summary>Parses and validates saved hyperparameters and returns the action that applies them (keys that
    /// are absent keep their current values).</summary>
    internal abstract Action ParseOptions(IDictionary options, string where);

    /// <summary>Parses lr, weight_decay and initial_lr (shared by all groups).</summary>
    private protected Action ParseCommon(IDictionary d, string where)
    {
        double? lr = d.Contains("lr") ? NonNegative(StateValues.Real(d["lr"], $"{where}.lr"), "learning rate", "lr") : null;
        double? wd = d.Contains("weight_decay") ? NonNegative(StateValues.Real(d["weight_decay"], $"{where}.weight_decay"), "weight_decay value", "weight_decay") : null;
        var hasInitial = d.Contains("initial_lr");
        var initial = hasInitial ? StateValues.OptionalReal(d["initial_lr"], $"{where}.initial_lr") : null;
        return () =>
        {
            if (lr is { } l) _lr = l;
            if (wd is { } w) _weightDecay = w;
            if (hasInitial) InitialLr = initial;
        };
    }

    /// <summary>Writes initial_lr when a scheduler set it (PyTorch adds the key then).</summary>
    private protected void WriteInitialLr(OrderedDictionary<object, object?> d)
    {
        if (InitialLr is { } initial) d["initial_lr"] = initial;
    }

    private protected static double NonNegative(double value, string what, string name) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"Invalid {what}: {value} (must be >= 0)");

    private protected static Exception Unset(string name) =>
        new InvalidOperationException($"{name} is not set on this parameter group yet: it takes the optimiser's default when the group is passed to an optimiser");
}
