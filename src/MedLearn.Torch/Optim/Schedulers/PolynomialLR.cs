using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Polynomial decay to zero over <c>totalIters</c> steps (torch.optim.lr_scheduler.PolynomialLR):
/// lr_e = lr_{e-1} * ((1 - e / total_iters) / (1 - (e - 1) / total_iters))^power for 0 &lt; e &lt;= total_iters,
/// unchanged otherwise (closed form base_lr * (1 - min(total_iters, e) / total_iters)^power).
/// </summary>
public sealed class PolynomialLR : LRScheduler
{
    /// <summary>Attaches to <paramref name="optimizer"/> and performs the initial step.</summary>
    public PolynomialLR(Optimizer optimizer, int totalIters = 5, double power = 1.0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (totalIters <= 0) throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, "total_iters must be positive");
        (TotalIters, Power) = (totalIters, power);
        InitialStep();
    }

    /// <summary>Number of steps over which the learning rate decays to zero.</summary>
    public int TotalIters { get; private set; }

    /// <summary>Exponent of the polynomial.</summary>
    public double Power { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0 || LastEpoch > TotalIters) return lrs;
        var factor = Math.Pow((1.0 - (double)LastEpoch / TotalIters) / (1.0 - (double)(LastEpoch - 1) / TotalIters), Power);
        return [.. lrs.Select(lr => lr * factor)];
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() =>
        [.. BaseLrs.Select(b => b * Math.Pow(1.0 - (double)Math.Min(TotalIters, LastEpoch) / TotalIters, Power))];

    private protected override void WriteHyperparameters(OrderedDictionary<object, object?> d)
    {
        d["total_iters"] = (long)TotalIters;
        d["power"] = Power;
    }

    private protected override Action ParseHyperparameters(IDictionary d)
    {
        var total = d.Contains("total_iters") ? StateValues.Int32(d["total_iters"], "total_iters") : TotalIters;
        var power = d.Contains("power") ? StateValues.Real(d["power"], "power") : Power;
        if (total <= 0) throw new ArgumentException($"total_iters must be positive but is {total}");
        return () => (TotalIters, Power) = (total, power);
    }
}
