using System.Collections;
using MedLearn.Torch;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Optim.Schedulers;

namespace MedLearn.Training;

/// <summary>
/// When the trainer steps a learning-rate scheduler: after every epoch (StepLR 7/0.1 of the endoscopy recipe,
/// x0.9 per epoch of the mean teacher), after every optimiser step (warm-up, cosine per iteration), or on a
/// plateau of the monitored metric.
/// </summary>
public sealed class LearningRateSchedule : IStateful
{
    private readonly LRScheduler? _scheduler;
    private readonly ReduceLROnPlateau? _plateau;

    private LearningRateSchedule(LRScheduler? scheduler, ReduceLROnPlateau? plateau, ScheduleInterval interval)
    {
        _scheduler = scheduler;
        _plateau = plateau;
        Interval = interval;
    }

    /// <summary>When the scheduler is stepped.</summary>
    public ScheduleInterval Interval { get; }

    /// <summary>Steps <paramref name="scheduler"/> once at the end of every epoch.</summary>
    public static LearningRateSchedule PerEpoch(LRScheduler scheduler) => new(scheduler ?? throw new ArgumentNullException(nameof(scheduler)), null, ScheduleInterval.Epoch);

    /// <summary>Steps <paramref name="scheduler"/> after every optimiser step.</summary>
    public static LearningRateSchedule PerStep(LRScheduler scheduler) => new(scheduler ?? throw new ArgumentNullException(nameof(scheduler)), null, ScheduleInterval.Step);

    /// <summary>Steps <paramref name="scheduler"/> at the end of every epoch with the monitored metric.</summary>
    public static LearningRateSchedule OnPlateau(ReduceLROnPlateau scheduler) => new(null, scheduler ?? throw new ArgumentNullException(nameof(scheduler)), ScheduleInterval.Epoch);

    internal void AfterStep()
    {
        if (Interval == ScheduleInterval.Step) _scheduler?.Step();
    }

    internal void AfterEpoch(double? monitored)
    {
        if (Interval != ScheduleInterval.Epoch) return;
        if (_scheduler is not null) _scheduler.Step();
        else if (monitored is double m && !double.IsNaN(m)) _plateau!.Step(m);
    }

    /// <inheritdoc/>
    public OrderedDictionary<object, object?> StateDict() => _scheduler?.StateDict() ?? _plateau!.StateDict();

    /// <inheritdoc/>
    public void LoadStateDict(IDictionary state)
    {
        if (_scheduler is not null) _scheduler.LoadStateDict(state);
        else _plateau!.LoadStateDict(state);
    }
}

/// <summary>When a learning-rate scheduler steps.</summary>
public enum ScheduleInterval
{
    /// <summary>At the end of every epoch.</summary>
    Epoch,
    /// <summary>After every optimiser step.</summary>
    Step,
}
