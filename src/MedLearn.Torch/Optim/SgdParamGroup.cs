using System.Collections;

namespace MedLearn.Torch.Optim;

/// <summary>A parameter group of <see cref="SGD"/>: learning rate, momentum, dampening, weight decay, Nesterov, maximize.</summary>
public sealed class SgdParamGroup(IEnumerable<Tensor> parameters) : ParamGroup(parameters)
{
    private double? _momentum;
    private double? _dampening;
    private bool? _nesterov;
    private bool? _maximize;

    /// <summary>Momentum factor (&gt;= 0; 0 disables the momentum buffer).</summary>
    public double Momentum
    {
        get => _momentum ?? throw Unset(nameof(Momentum));
        set => _momentum = NonNegative(value, "momentum value", nameof(Momentum));
    }

    /// <summary>Dampening of the gradient added to the momentum buffer (buf = momentum * buf + (1 - dampening) * g).</summary>
    public double Dampening
    {
        get => _dampening ?? throw Unset(nameof(Dampening));
        set => _dampening = double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Dampening), value, "dampening must be finite");
    }

    /// <summary>Nesterov momentum (g + momentum * buf instead of buf); needs momentum &gt; 0 and dampening 0.</summary>
    public bool Nesterov
    {
        get => _nesterov ?? throw Unset(nameof(Nesterov));
        set => _nesterov = value;
    }

    /// <summary>Maximise the objective (the gradient is negated).</summary>
    public bool Maximize
    {
        get => _maximize ?? throw Unset(nameof(Maximize));
        set => _maximize = value;
    }

    internal override void ApplyDefaults(ParamGroup defaults)
    {
        base.ApplyDefaults(defaults);
        var d = (SgdParamGroup)defaults;
        _momentum ??= d._momentum;
        _dampening ??= d._dampening;
        _nesterov ??= d._nesterov;
        _maximize ??= d._maximize;
    }

    internal override void Validate() => Check(Nesterov, Momentum, Dampening);

    private static void Check(bool nesterov, double momentum, double dampening)
    {
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"Nesterov momentum requires a momentum and zero dampening (momentum {momentum}, dampening {dampening})");
    }

    internal override void WriteOptions(OrderedDictionary<object, object?> d)
    {
        d["lr"] = Lr;
        d["momentum"] = Momentum;
        d["dampening"] = Dampening;
        d["weight_decay"] = WeightDecay;
        d["nesterov"] = Nesterov;
        d["maximize"] = Maximize;
        d["foreach"] = null;
        d["differentiable"] = false;
        WriteInitialLr(d);
    }

    internal override Action ParseOptions(IDictionary d, string where)
    {
        var common = ParseCommon(d, where);
        var momentum = d.Contains("momentum") ? NonNegative(StateValues.Real(d["momentum"], $"{where}.momentum"), "momentum value", "momentum") : Momentum;
        var dampening = d.Contains("dampening") ? StateValues.Real(d["dampening"], $"{where}.dampening") : Dampening;
        var nesterov = d.Contains("nesterov") ? StateValues.Bool(d["nesterov"], $"{where}.nesterov") : Nesterov;
        var maximize = d.Contains("maximize") ? StateValues.Bool(d["maximize"], $"{where}.maximize") : Maximize;
        Check(nesterov, momentum, dampening);
        return () =>
        {
            common();
            (_momentum, _dampening, _nesterov, _maximize) = (momentum, dampening, nesterov, maximize);
        };
    }
}
