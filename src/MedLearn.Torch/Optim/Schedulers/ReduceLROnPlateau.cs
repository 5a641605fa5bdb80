using System.Collections;

namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>
/// Reduces the learning rates when a metric stops improving (torch.optim.lr_scheduler.ReduceLROnPlateau, 1.13).
/// Each <see cref="Step(double)"/>: if the metric is better than the best so far (by the threshold rule) it becomes
/// the best and the bad-epoch count resets, otherwise the count grows; during cooldown bad epochs are ignored. When
/// the count exceeds <c>patience</c>, every group's lr becomes max(lr * factor, min_lr) (changes smaller than eps are
/// skipped), cooldown starts and the count resets.
/// </summary>
public sealed class ReduceLROnPlateau : IStateful
{
    private double[] _minLrs;
    private double[] _lastLr = [];

    /// <summary>Attaches to <paramref name="optimizer"/> with one minimum learning rate for all groups.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
                             double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0,
                             double minLr = 0, double eps = 1e-8)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, Repeat(optimizer, minLr), eps) { }

    /// <summary>Attaches to <paramref name="optimizer"/> with one minimum learning rate per group.</summary>
    /// <exception cref="ArgumentException">factor &gt;= 1, or the number of minimum rates differs from the number of groups.</exception>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode, double factor, int patience, double threshold,
                             ThresholdMode thresholdMode, int cooldown, IReadOnlyList<double> minLrs, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(minLrs);
        if (!(factor < 1.0)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "Factor should be < 1.0.");
        if (minLrs.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"expected {optimizer.ParamGroups.Count} min_lrs, got {minLrs.Count}", nameof(minLrs));
        Optimizer = optimizer;
        Factor = factor;
        _minLrs = [.. minLrs];
        Patience = patience;
        Cooldown = cooldown;
        Mode = mode;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Eps = eps;
        LastEpoch = 0;
        Best = ModeWorse;
        CooldownCounter = 0;
        NumBadEpochs = 0;
    }

    private static double[] Repeat(Optimizer optimizer, double minLr)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return [.. Enumerable.Repeat(minLr, optimizer.ParamGroups.Count)];
    }

    /// <summary>The optimiser whose learning rates this scheduler reduces.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Factor by which the learning rate is reduced (&lt; 1).</summary>
    public double Factor { get; private set; }

    /// <summary>Number of epochs without improvement tolerated before reducing.</summary>
    public int Patience { get; private set; }

    /// <summary>Epochs to wait after a reduction before counting bad epochs again.</summary>
    public int Cooldown { get; private set; }

    /// <summary>Lower or higher is better.</summary>
    public PlateauMode Mode { get; private set; }

    /// <summary>Significance threshold of an improvement.</summary>
    public double Threshold { get; private set; }

    /// <summary>Relative or absolute threshold.</summary>
    public ThresholdMode ThresholdMode { get; private set; }

    /// <summary>Minimal change of a learning rate; smaller reductions are skipped.</summary>
    public double Eps { get; private set; }

    /// <summary>Minimum learning rate of each group.</summary>
    public IReadOnlyList<double> MinLrs => _minLrs;

    /// <summary>Best metric so far (+inf / -inf before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement.</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Remaining cooldown epochs.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>Number of steps taken.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The learning rates after the last step.</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    private double ModeWorse => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Records <paramref name="metric"/> for the next epoch and reduces the learning rates on a plateau.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else
        {
            NumBadEpochs++;
        }
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0;
        }
        if (NumBadEpochs > Patience)
        {
            ReduceLr();
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = [.. Optimizer.ParamGroups.Select(g => g.Lr)];
    }

    /// <summary>Records a one-element metric tensor (see <see cref="Step(double)"/>).</summary>
    public void Step(Tensor metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        Step(metric.ToDouble());
    }

    private void ReduceLr()
    {
        var groups = Optimizer.ParamGroups;
        for (var i = 0; i < groups.Count; i++)
        {
            var old = groups[i].Lr;
            var next = Math.Max(old * Factor, _minLrs[i]);
            if (old - next > Eps) groups[i].Lr = next;
        }
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => a < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > best * (Threshold + 1.0),
        _ => a > best + Threshold,
    };

    /// <summary>PyTorch's attributes: factor, min_lrs, patience, verbose, cooldown, cooldown_counter, mode, threshold,
    /// threshold_mode, best, num_bad_epochs, mode_worse, eps, last_epoch and (after a step) _last_lr.</summary>
    public OrderedDictionary<object, object?> StateDict()
    {
        var d = new OrderedDictionary<object, object?>
        {
            ["factor"] = Factor,
            ["min_lrs"] = StateValues.Boxed(_minLrs),
            ["patience"] = (long)Patience,
            ["verbose"] = false,
            ["cooldown"] = (long)Cooldown,
            ["cooldown_counter"] = (long)CooldownCounter,
            ["mode"] = Mode == PlateauMode.Min ? "min" : "max",
            ["threshold"] = Threshold,
            ["threshold_mode"] = ThresholdMode == ThresholdMode.Rel ? "rel" : "abs",
            ["best"] = Best,
            ["num_bad_epochs"] = (long)NumBadEpochs,
            ["mode_worse"] = ModeWorse,
            ["eps"] = Eps,
            ["last_epoch"] = (long)LastEpoch,
        };
        if (_lastLr.Length > 0) d["_last_lr"] = StateValues.Boxed(_lastLr);
        return d;
    }

    /// <summary>Restores a state from <see cref="StateDict"/> (or PyTorch's); absent keys keep their values. Validated
    /// before anything changes.</summary>
    public void LoadStateDict(IDictionary state)
    {
        ArgumentNullException.ThrowIfNull(state);
        T Or<T>(string key, Func<object?, string, T> parse, T current) => state.Contains(key) ? parse(state[key], key) : current;
        var factor = Or("factor", StateValues.Real, Factor);
        if (!(factor < 1.0)) throw new ArgumentException($"factor must be < 1.0 but is {factor}");
        var minLrs = Or("min_lrs", StateValues.Reals, _minLrs);
        if (minLrs.Length != Optimizer.ParamGroups.Count)
            throw new ArgumentException($"ReduceLROnPlateau state has {minLrs.Length} min_lrs but the optimizer has {Optimizer.ParamGroups.Count} parameter groups");
        var mode = Or("mode", (v, k) => StateValues.String(v, k) switch
        {
            "min" => PlateauMode.Min,
            "max" => PlateauMode.Max,
            var s => throw new ArgumentException($"mode {s} is unknown!"),
        }, Mode);
        var thresholdMode = Or("threshold_mode", (v, k) => StateValues.String(v, k) switch
        {
            "rel" => ThresholdMode.Rel,
            "abs" => ThresholdMode.Abs,
            var s => throw new ArgumentException($"threshold mode {s} is unknown!"),
        }, ThresholdMode);
        var patience = Or("patience", StateValues.Int32, Patience);
        var cooldown = Or("cooldown", StateValues.Int32, Cooldown);
        var cooldownCounter = Or("cooldown_counter", StateValues.Int32, CooldownCounter);
        var threshold = Or("threshold", StateValues.Real, Threshold);
        var best = Or("best", StateValues.Real, Best);
        var numBad = Or("num_bad_epochs", StateValues.Int32, NumBadEpochs);
        var eps = Or("eps", StateValues.Real, Eps);
        var lastEpoch = Or("last_epoch", StateValues.Int32, LastEpoch);
        var lastLr = Or("_last_lr", StateValues.Reals, _lastLr);
        (Factor, _minLrs, Mode, ThresholdMode, Patience, Cooldown, CooldownCounter) = (factor, minLrs, mode, thresholdMode, patience, cooldown, cooldownCounter);
        (Threshold, Best, NumBadEpochs, Eps, LastEpoch, _lastLr) = (threshold, best, numBad, eps, lastEpoch, lastLr);
    }
}
