using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Decays each group's learning rate by <c>gamma</c> every epoch (torch.optim.lr_scheduler.ExponentialLR):
/// lr_e = lr_{e-1} * gamma for e &gt; 0 (closed form base_lr * gamma^e).
/// </summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary>Attaches to <paramref name="optimizer"/> and performs the initial step.</summary>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>Multiplicative decay factor per epoch.</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        return LastEpoch == 0 ? lrs : [.. lrs.Select(lr => lr * Gamma)];
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() => [.. BaseLrs.Select(b => b * Math.Pow(Gamma, LastEpoch))];

    private protected override void WriteHyperparameters(OrderedDictionary<object, object?> d) => d["gamma"] = Gamma;

    private protected override Action ParseHyperparameters(IDictionary d)
    {
        var gamma = d.Contains("gamma") ? StateValues.Real(d["gamma"], "gamma") : Gamma;
        return () => Gamma = gamma;
    }
}
