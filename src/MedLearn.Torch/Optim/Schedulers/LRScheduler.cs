using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Base of the epoch-based learning-rate schedulers, after torch.optim.lr_scheduler._LRScheduler (1.13).
/// Construction records each group's <c>initial_lr</c> (<see cref="ParamGroup.InitialLr"/>) as the base learning
/// rate and performs the initial step (last_epoch -1 -&gt; 0). Call <see cref="Step"/> after
/// <c>optimizer.Step()</c>: it increments <see cref="LastEpoch"/> and writes the new learning rate into every
/// group, using PyTorch's recursive (chainable) form so several schedulers can act on the same optimiser.
/// </summary>
public abstract class LRScheduler : IStateful
{
    private double[] _baseLrs = [];
    private double[] _lastLr = [];

    /// <summary>
    /// Attaches to <paramref name="optimizer"/>. With <paramref name="lastEpoch"/> -1 every group's initial_lr is set
    /// to its lr when absent; when resuming (lastEpoch &gt;= 0) every group must already have initial_lr.
    /// Derived constructors finish with <see cref="InitialStep"/>.
    /// </summary>
    protected LRScheduler(Optimizer optimizer, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups;
        if (lastEpoch == -1)
        {
            foreach (var g in groups) g.InitialLr ??= g.Lr;
        }
        else
        {
            for (var i = 0; i < groups.Count; i++)
                if (groups[i].InitialLr is null)
                    throw new ArgumentException($"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer", nameof(lastEpoch));
        }
        _baseLrs = [.. groups.Select(g => g.InitialLr!.Value)];
        LastEpoch = lastEpoch;
    }

    /// <summary>For schedulers that drive other schedulers (no base learning rates of their own).</summary>
    private protected LRScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
    }

    /// <summary>The optimiser whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Index of the last step (PyTorch's <c>last_epoch</c>; 0 after construction).</summary>
    public int LastEpoch { get; internal set; }

    /// <summary>The learning rates the schedule starts from (each group's initial_lr).</summary>
    public IReadOnlyList<double> BaseLrs => _baseLrs;

    /// <summary>Number of steps taken including the initial one (PyTorch's <c>_step_count</c>).</summary>
    protected int StepCount { get; private set; }

    /// <summary>The learning rates set by the last step, one per group (PyTorch's <c>get_last_lr()</c>).</summary>
    public virtual IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>Resets the step count and performs the first step (PyTorch's <c>_initial_step</c>).</summary>
    protected internal void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>Advances the schedule by one epoch/iteration and updates the optimiser's learning rates.</summary>
    public virtual void Step()
    {
        StepCount++;
        LastEpoch++;
        Apply(GetLr());
    }

    /// <summary>Jumps to <paramref name="epoch"/> using the closed form when the scheduler has one (PyTorch's
    /// deprecated <c>step(epoch)</c>; used by <see cref="SequentialLR"/> at its milestones).</summary>
    internal void StepTo(int epoch)
    {
        StepCount++;
        LastEpoch = epoch;
        Apply(ClosedFormLr() ?? GetLr());
    }

    private void Apply(double[] lrs)
    {
        var groups = Optimizer.ParamGroups;
        for (var i = 0; i < groups.Count && i < lrs.Length; i++) groups[i].Lr = lrs[i];
        _lastLr = [.. groups.Select(g => g.Lr)];
    }

    /// <summary>The learning rates for <see cref="LastEpoch"/>, computed from the current ones (chainable form).</summary>
    protected abstract double[] GetLr();

    /// <summary>The learning rates for <see cref="LastEpoch"/> from the base rates, or null without a closed form.</summary>
    protected virtual double[]? ClosedFormLr() => null;

    /// <summary>The optimiser's current learning rates (PyTorch's <c>group['lr']</c> list).</summary>
    protected double[] CurrentLrs() => [.. Optimizer.ParamGroups.Select(g => g.Lr)];

    // --- state dict ----------------------------------------------------------------------------------

    /// <summary>The scheduler's attributes with PyTorch's names: its hyperparameters, then base_lrs, last_epoch,
    /// verbose, _step_count, _get_lr_called_within_step and _last_lr.</summary>
    public virtual OrderedDictionary<object, object?> StateDict()
    {
        var d = new OrderedDictionary<object, object?>();
        WriteHyperparameters(d);
        d["base_lrs"] = StateValues.Boxed(_baseLrs);
        d["last_epoch"] = (long)LastEpoch;
        d["verbose"] = false;
        d["_step_count"] = (long)StepCount;
        d["_get_lr_called_within_step"] = false;
        d["_last_lr"] = StateValues.Boxed(_lastLr);
        return d;
    }

    /// <summary>Restores a state from <see cref="StateDict"/> (or PyTorch's); the number of base learning rates must
    /// match the optimiser's groups. Validated before anything changes.</summary>
    public virtual void LoadStateDict(IDictionary state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var name = GetType().Name;
        var baseLrs = StateValues.Reals(StateValues.Get(state, "base_lrs", name), "base_lrs");
        var groups = Optimizer.ParamGroups.Count;
        if (baseLrs.Length != groups)
            throw new ArgumentException($"{name} state has {baseLrs.Length} base_lrs but the optimizer has {groups} parameter groups");
        var lastEpoch = StateValues.Int32(StateValues.Get(state, "last_epoch", name), "last_epoch");
        var stepCount = state.Contains("_step_count") ? StateValues.Int32(state["_step_count"], "_step_count") : StepCount;
        var lastLr = state.Contains("_last_lr") ? StateValues.Reals(state["_last_lr"], "_last_lr") : _lastLr;
        var apply = ParseHyperparameters(state);
        apply();
        (_baseLrs, LastEpoch, StepCount, _lastLr) = (baseLrs, lastEpoch, stepCount, lastLr);
    }

    /// <summary>Writes the scheduler's own attributes (PyTorch names) to a state dict.</summary>
    private protected virtual void WriteHyperparameters(OrderedDictionary<object, object?> d) { }

    /// <summary>Parses saved hyperparameters (absent keys keep their values) and returns the action applying them.</summary>
    private protected virtual Action ParseHyperparameters(IDictionary d) => () => { };
}
