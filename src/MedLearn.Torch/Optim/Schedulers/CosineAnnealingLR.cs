using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Cosine annealing from the base learning rate to <c>etaMin</c> over <c>tMax</c> epochs
/// (torch.optim.lr_scheduler.CosineAnnealingLR, recursive form, continuing periodically past tMax):
/// lr_e = eta_min + (lr_{e-1} - eta_min) * (1 + cos(pi e / T_max)) / (1 + cos(pi (e-1) / T_max)),
/// with PyTorch's special cases at e = 0 and at the restart epochs (e - 1 - T_max) % (2 T_max) == 0.
/// Closed form: eta_min + (base_lr - eta_min) (1 + cos(pi e / T_max)) / 2.
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Attaches to <paramref name="optimizer"/> and performs the initial step.</summary>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "T_max must be positive");
        (TMax, EtaMin) = (tMax, etaMin);
        InitialStep();
    }

    /// <summary>Half period in epochs.</summary>
    public int TMax { get; private set; }

    /// <summary>Minimum learning rate.</summary>
    public double EtaMin { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        var e = LastEpoch;
        if (e == 0) return lrs;
        var result = new double[lrs.Length];
        for (var i = 0; i < lrs.Length; i++)
        {
            var b = BaseLrs[i];
            if (StepCount == 1 && e > 0)
                result[i] = EtaMin + (b - EtaMin) * (1 + Math.Cos(e * Math.PI / TMax)) / 2;
            else if ((e - 1 - TMax) % (2 * TMax) == 0)
                result[i] = lrs[i] + (b - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
            else
                result[i] = (1 + Math.Cos(Math.PI * e / TMax)) / (1 + Math.Cos(Math.PI * (e - 1) / TMax)) * (lrs[i] - EtaMin) + EtaMin;
        }
        return result;
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() =>
        [.. BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2)];

    private protected override void WriteHyperparameters(OrderedDictionary<object, object?> d)
    {
        d["T_max"] = (long)TMax;
        d["eta_min"] = EtaMin;
    }

    private protected override Action ParseHyperparameters(IDictionary d)
    {
        var tMax = d.Contains("T_max") ? StateValues.Int32(d["T_max"], "T_max") : TMax;
        var etaMin = d.Contains("eta_min") ? StateValues.Real(d["eta_min"], "eta_min") : EtaMin;
        if (tMax <= 0) throw new ArgumentException($"T_max must be positive but is {tMax}");
        return () => (TMax, EtaMin) = (tMax, etaMin);
    }
}
