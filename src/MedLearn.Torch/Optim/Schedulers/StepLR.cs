using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Decays each group's learning rate by <c>gamma</c> every <c>stepSize</c> epochs (torch.optim.lr_scheduler.StepLR):
/// lr_e = lr_{e-1} * gamma when e &gt; 0 and e % stepSize == 0, else lr_{e-1}
/// (closed form base_lr * gamma^(e / stepSize)).
/// </summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Attaches to <paramref name="optimizer"/> and performs the initial step.</summary>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step_size must be positive");
        (StepSize, Gamma) = (stepSize, gamma);
        InitialStep();
    }

    /// <summary>Period of the decay in epochs.</summary>
    public int StepSize { get; private set; }

    /// <summary>Multiplicative decay factor.</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0 || LastEpoch % StepSize != 0) return lrs;
        return [.. lrs.Select(lr => lr * Gamma)];
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() => [.. BaseLrs.Select(b => b * Math.Pow(Gamma, Math.Floor((double)LastEpoch / StepSize)))];

    private protected override void WriteHyperparameters(OrderedDictionary<object, object?> d)
    {
        d["step_size"] = (long)StepSize;
        d["gamma"] = Gamma;
    }

    private protected override Action ParseHyperparameters(IDictionary d)
    {
        var stepSize = d.Contains("step_size") ? StateValues.Int32(d["step_size"], "step_size") : StepSize;
        var gamma = d.Contains("gamma") ? StateValues.Real(d["gamma"], "gamma") : Gamma;
        if (stepSize <= 0) throw new ArgumentException($"step_size must be positive but is {stepSize}");
        return () => (StepSize, Gamma) = (stepSize, gamma);
    }
}
