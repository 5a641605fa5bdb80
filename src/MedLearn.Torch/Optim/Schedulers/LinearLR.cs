using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Linear change of a multiplicative factor from <c>startFactor</c> to <c>endFactor</c> over <c>totalIters</c> steps,
/// typically a warm-up (torch.optim.lr_scheduler.LinearLR). Recursive form: lr_0 = lr * start_factor;
/// lr_e = lr_{e-1} * (1 + (end - start) / (total_iters * start + (e - 1) * (end - start))) for 0 &lt; e &lt;= total_iters;
/// unchanged after. Closed form base_lr * (start + (end - start) * min(total_iters, e) / total_iters).
/// </summary>
public sealed class LinearLR : LRScheduler
{
    /// <summary>Attaches to <paramref name="optimizer"/> and performs the initial step (lr = base_lr * startFactor).</summary>
    /// <exception cref="ArgumentOutOfRangeException">a factor outside [0, 1], or totalIters &lt;= 0.</exception>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        CheckFactor(startFactor, nameof(startFactor), "Starting");
        CheckFactor(endFactor, nameof(endFactor), "Ending");
        if (totalIters <= 0) throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, "total_iters must be positive");
        (StartFactor, EndFactor, TotalIters) = (startFactor, endFactor, totalIters);
        InitialStep();
    }

    private static void CheckFactor(double f, string name, string which)
    {
        if (!(f >= 0 && f <= 1)) throw new ArgumentOutOfRangeException(name, f, $"{which} multiplicative factor expected to be between 0 and 1.");
    }

    /// <summary>Factor applied at step 0.</summary>
    public double StartFactor { get; private set; }

    /// <summary>Factor reached at step totalIters.</summary>
    public double EndFactor { get; private set; }

    /// <summary>Number of steps of the linear change.</summary>
    public int TotalIters { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0) return [.. lrs.Select(lr => lr * StartFactor)];
        if (LastEpoch > TotalIters) return lrs;
        return [.. lrs.Select(lr => lr * (1.0 + (EndFactor - StartFactor) /
            (TotalIters * StartFactor + (LastEpoch - 1) * (EndFactor - StartFactor))))];
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() =>
        [.. BaseLrs.Select(b => b * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters))];

    private protected override void WriteHyperparameters(OrderedDictionary<object, object?> d)
    {
        d["start_factor"] = StartFactor;
        d["end_factor"] = EndFactor;
        d["total_iters"] = (long)TotalIters;
    }

    private protected override Action ParseHyperparameters(IDictionary d)
    {
        var start = d.Contains("start_factor") ? StateValues.Real(d["start_factor"], "start_factor") : StartFactor;
        var end = d.Contains("end_factor") ? StateValues.Real(d["end_factor"], "end_factor") : EndFactor;
        var total = d.Contains("total_iters") ? StateValues.Int32(d["total_iters"], "total_iters") : TotalIters;
        CheckFactor(start, "start_factor", "Starting");
        CheckFactor(end, "end_factor", "Ending");
        if (total <= 0) throw new ArgumentException($"total_iters must be positive but is {total}");
        return () => (StartFactor, EndFactor, TotalIters) = (start, end, total);
    }
}
