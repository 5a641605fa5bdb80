using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Decays each group's learning rate by <c>gamma</c> at every milestone epoch (torch.optim.lr_scheduler.MultiStepLR):
/// lr_e = lr_{e-1} * gamma^(count of e in milestones) (closed form base_lr * gamma^(milestones &lt;= e)).
/// A milestone listed twice decays twice.
/// </summary>
public sealed class MultiStepLR : LRScheduler
{
    private SortedDictionary<int, int> _milestones;

    /// <summary>Attaches to <paramref name="optimizer"/> and performs the initial step.</summary>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = Count(milestones);
        Gamma = gamma;
        InitialStep();
    }

    private static SortedDictionary<int, int> Count(IEnumerable<int> milestones)
    {
        var c = new SortedDictionary<int, int>();
        foreach (var m in milestones) c[m] = c.GetValueOrDefault(m) + 1;
        return c;
    }

    /// <summary>Milestone epochs (with multiplicity).</summary>
    public IReadOnlyList<int> Milestones => [.. _milestones.SelectMany(kv => Enumerable.Repeat(kv.Key, kv.Value))];

    /// <summary>Multiplicative decay factor.</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        if (!_milestones.TryGetValue(LastEpoch, out var count)) return lrs;
        return [.. lrs.Select(lr => lr * Math.Pow(Gamma, count))];
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr()
    {
        var passed = _milestones.Where(kv => kv.Key <= LastEpoch).Sum(kv => kv.Value);
        return [.. BaseLrs.Select(b => b * Math.Pow(Gamma, passed))];
    }

    private protected override void WriteHyperparameters(OrderedDictionary<object, object?> d)
    {
        var counter = new OrderedDictionary<object, object?>();
        foreach (var (m, c) in _milestones) counter[(long)m] = (long)c;
        d["milestones"] = counter;
        d["gamma"] = Gamma;
    }

    private protected override Action ParseHyperparameters(IDictionary d)
    {
        var milestones = _milestones;
        if (d.Contains("milestones"))
        {
            milestones = [];
            switch (d["milestones"])
            {
                case IDictionary counter: // PyTorch's Counter {milestone: count}
                    foreach (DictionaryEntry e in counter)
                        milestones[StateValues.Int32(e.Key, "milestone")] = StateValues.Int32(e.Value, "milestone count");
                    break;
                case IList list:
                    milestones = Count(list.Cast<object?>().Select(x => StateValues.Int32(x, "milestone")));
                    break;
                case var other:
                    throw new ArgumentException($"milestones must be a dictionary or a list but is {StateValues.Describe(other)}");
            }
        }
        var gamma = d.Contains("gamma") ? StateValues.Real(d["gamma"], "gamma") : Gamma;
        return () => (_milestones, Gamma) = (milestones, gamma);
    }
}
