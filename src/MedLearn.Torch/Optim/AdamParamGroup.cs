using System.Collections;

namespace MedLearn.Torch.Optim;

/// <summary>A parameter group of <see cref="Adam"/> and <see cref="AdamW"/>: learning rate, betas, eps, weight decay, AMSGrad, maximize.</summary>
public sealed class AdamParamGroup(IEnumerable<Tensor> parameters) : ParamGroup(parameters)
{
    private (double, double)? _betas;
    private double? _eps;
    private bool? _amsgrad;
    private bool? _maximize;

    /// <summary>Decay rates (beta1, beta2) of the first and second moment averages, each in [0, 1).</summary>
    public (double Beta1, double Beta2) Betas
    {
        get => _betas ?? throw Unset(nameof(Betas));
        set => _betas = CheckBetas(value.Beta1, value.Beta2);
    }

    /// <summary>Term added to the denominator for numerical stability (&gt;= 0).</summary>
    public double Eps
    {
        get => _eps ?? throw Unset(nameof(Eps));
        set => _eps = NonNegative(value, "epsilon value", nameof(Eps));
    }

    /// <summary>AMSGrad: normalise by the running maximum of the second moment.</summary>
    public bool Amsgrad
    {
        get => _amsgrad ?? throw Unset(nameof(Amsgrad));
        set => _amsgrad = value;
    }

    /// <summary>Maximise the objective (the gradient is negated).</summary>
    public bool Maximize
    {
        get => _maximize ?? throw Unset(nameof(Maximize));
        set => _maximize = value;
    }

    private static (double, double) CheckBetas(double beta1, double beta2)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Betas), beta1, $"Invalid beta parameter at index 0: {beta1} (must be in [0, 1))");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Betas), beta2, $"Invalid beta parameter at index 1: {beta2} (must be in [0, 1))");
        return (beta1, beta2);
    }

    internal override void ApplyDefaults(ParamGroup defaults)
    {
        base.ApplyDefaults(defaults);
        var d = (AdamParamGroup)defaults;
        _betas ??= d._betas;
        _eps ??= d._eps;
        _amsgrad ??= d._amsgrad;
        _maximize ??= d._maximize;
    }

    internal override void WriteOptions(OrderedDictionary<object, object?> d)
    {
        d["lr"] = Lr;
        d["betas"] = new List<object?> { Betas.Beta1, Betas.Beta2 };
        d["eps"] = Eps;
        d["weight_decay"] = WeightDecay;
        d["amsgrad"] = Amsgrad;
        d["maximize"] = Maximize;
        d["foreach"] = null;
        d["capturable"] = false;
        d["differentiable"] = false;
        d["fused"] = false;
        WriteInitialLr(d);
    }

    internal override Action ParseOptions(IDictionary d, string where)
    {
        var common = ParseCommon(d, where);
        var betas = Betas;
        if (d.Contains("betas"))
        {
            var b = StateValues.Reals(d["betas"], $"{where}.betas");
            if (b.Length != 2) throw new ArgumentException($"{where}.betas must hold 2 values but holds {b.Length}");
            betas = CheckBetas(b[0], b[1]);
        }
        var eps = d.Contains("eps") ? NonNegative(StateValues.Real(d["eps"], $"{where}.eps"), "epsilon value", "eps") : Eps;
        var amsgrad = d.Contains("amsgrad") ? StateValues.Bool(d["amsgrad"], $"{where}.amsgrad") : Amsgrad;
        var maximize = d.Contains("maximize") ? StateValues.Bool(d["maximize"], $"{where}.maximize") : Maximize;
        return () =>
        {
            common();
            (_betas, _eps, _amsgrad, _maximize) = (betas, eps, amsgrad, maximize);
        };
    }
}
