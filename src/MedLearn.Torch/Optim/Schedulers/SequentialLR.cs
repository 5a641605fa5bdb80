using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Runs schedulers one after another, switching at milestone epochs (torch.optim.lr_scheduler.SequentialLR), e.g. a
/// <see cref="LinearLR"/> warm-up followed by <see cref="CosineAnnealingLR"/>. Construction resets every group's lr to
/// its initial_lr, moves each scheduler back one epoch and re-runs the first one's initial step. At milestone m the
/// next scheduler restarts at its epoch 0 (closed form); between milestones the active scheduler steps normally.
/// </summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] _schedulers;
    private int[] _milestones;
    private IReadOnlyList<double> _lastLr;

    /// <summary>Chains <paramref name="schedulers"/> (all on <paramref name="optimizer"/>) switching at <paramref name="milestones"/>.</summary>
    /// <exception cref="ArgumentException">a scheduler on another optimiser, or milestones.Count != schedulers.Count - 1.</exception>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones, int lastEpoch = -1)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0) throw new ArgumentException("SequentialLR needs at least one scheduler", nameof(schedulers));
        for (var i = 0; i < schedulers.Count; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index {i} to be different than the optimizer passed in.", nameof(schedulers));
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}", nameof(milestones));
        _schedulers = [.. schedulers];
        _milestones = [.. milestones];
        LastEpoch = lastEpoch + 1;
        foreach (var g in optimizer.ParamGroups) g.Lr = g.InitialLr ?? g.Lr;
        foreach (var s in _schedulers) s.LastEpoch -= 1;
        _schedulers[0].InitialStep();
        _lastLr = _schedulers[0].GetLastLr();
    }

    /// <summary>The chained schedulers.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;

    /// <summary>Epochs at which the next scheduler takes over.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <summary>The learning rates set by the last step.</summary>
    public override IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <inheritdoc/>
    public override void Step()
    {
        LastEpoch++;
        var idx = BisectRight(_milestones, LastEpoch);
        var s = _schedulers[idx];
        if (idx > 0 && _milestones[idx - 1] == LastEpoch) s.StepTo(0);
        else s.Step();
        _lastLr = s.GetLastLr();
    }

    private static int BisectRight(int[] sorted, int x)
    {
        var i = 0;
        while (i < sorted.Length && sorted[i] <= x) i++;
        return i;
    }

    /// <summary>Not used: the active scheduler computes the rates.</summary>
    protected override double[] GetLr() => CurrentLrs();

    /// <summary>PyTorch's layout: _milestones, last_epoch, _last_lr and the state dicts of the chained schedulers.</summary>
    public override OrderedDictionary<object, object?> StateDict() => new()
    {
        ["_milestones"] = _milestones.Select(m => (object?)(long)m).ToList(),
        ["last_epoch"] = (long)LastEpoch,
        ["_last_lr"] = StateValues.Boxed(_lastLr),
        ["_schedulers"] = _schedulers.Select(s => (object?)s.StateDict()).ToList(),
    };

    /// <summary>Restores this scheduler and every chained one; the number of schedulers must match.</summary>
    public override void LoadStateDict(IDictionary state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var subs = StateValues.List(StateValues.Get(state, "_schedulers", nameof(SequentialLR)), "_schedulers");
        if (subs.Count != _schedulers.Length)
            throw new ArgumentException($"SequentialLR state holds {subs.Count} schedulers but this one chains {_schedulers.Length}");
        var lastEpoch = StateValues.Int32(StateValues.Get(state, "last_epoch", nameof(SequentialLR)), "last_epoch");
        var milestones = state.Contains("_milestones")
            ? StateValues.List(state["_milestones"], "_milestones").Cast<object?>().Select(m => StateValues.Int32(m, "_milestones")).ToArray()
            : _milestones;
        if (milestones.Length != _schedulers.Length - 1)
            throw new ArgumentException($"SequentialLR state has {milestones.Length} milestones for {_schedulers.Length} schedulers");
        var lastLr = state.Contains("_last_lr") ? StateValues.Reals(state["_last_lr"], "_last_lr") : [.. _lastLr];
        var dicts = subs.Cast<object?>().Select((s, i) => StateValues.Dict(s, $"_schedulers[{i}]")).ToArray();
        for (var i = 0; i < dicts.Length; i++) _schedulers[i].LoadStateDict(dicts[i]);
        (LastEpoch, _milestones, _lastLr) = (lastEpoch, milestones, lastLr);
    }
}
