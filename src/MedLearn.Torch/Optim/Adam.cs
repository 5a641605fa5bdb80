using System.Collections;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Optim;

/// <summary>
/// Adam (torch.optim.Adam, 1.13), with L2 weight decay added to the gradient. Per parameter with gradient g:
/// <code>
/// step = step + 1;   g = maximize ? -grad : grad;   if weight_decay != 0: g = g + weight_decay * p
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g * g
/// v^ = amsgrad ? (vmax = max(vmax, v)) : v
/// p = p - lr / (1 - beta1^step) * m / (sqrt(v^) / sqrt(1 - beta2^step) + eps)
/// </code>
/// State per parameter: <c>step</c> (a float32 scalar tensor in state dicts), <c>exp_avg</c> (m),
/// <c>exp_avg_sq</c> (v) and with AMSGrad <c>max_exp_avg_sq</c>; the moments start at zero.
/// </summary>
public class Adam : Optimizer
{
    private readonly bool _decoupled;

    /// <summary>Adam over <paramref name="parameters"/> (one group).</summary>
    /// <exception cref="ArgumentException">negative lr, eps or weight decay; a beta outside [0, 1).</exception>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this([new AdamParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>Adam over several groups; hyperparameters a group leaves unset take these defaults.</summary>
    public Adam(IEnumerable<AdamParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(groups, Defaults(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize), decoupledWeightDecay: false) { }

    private protected Adam(IEnumerable<AdamParamGroup> groups, AdamParamGroup defaults, bool decoupledWeightDecay)
        : base(groups, defaults) => _decoupled = decoupledWeightDecay;

    private protected static AdamParamGroup Defaults(double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool maximize) =>
        new([]) { Lr = lr, Betas = (beta1, beta2), Eps = eps, WeightDecay = weightDecay, Amsgrad = amsgrad, Maximize = maximize };

    /// <summary>The groups with their Adam hyperparameters.</summary>
    public IEnumerable<AdamParamGroup> AdamGroups => ParamGroups.Cast<AdamParamGroup>();

    private protected override unsafe void StepGroup(ParamGroup group)
    {
        var g = (AdamParamGroup)group;
        var ps = g.Parameters;
        var n = ps.Count;
        var handles = Handles(ps);
        var m = new IntPtr[n];
        var v = new IntPtr[n];
        var vmax = new IntPtr[n];
        var steps = new double[n];
        var stepped = new int[n];
        var states = new AdamState?[n];
        for (var i = 0; i < n; i++)
        {
            if ((AdamState?)GetState(ps[i]) is not { } st) continue;
            states[i] = st;
            m[i] = st.ExpAvg.RawHandle;
            v[i] = st.ExpAvgSq.RawHandle;
            if (st.MaxExpAvgSq is { } mx) vmax[i] = mx.RawHandle;
            steps[i] = st.Step;
        }
        var (m0, v0, x0) = ((IntPtr[])m.Clone(), (IntPtr[])v.Clone(), (IntPtr[])vmax.Clone());
        fixed (IntPtr* p = handles)
        fixed (IntPtr* pm = m)
        fixed (IntPtr* pv = v)
        fixed (IntPtr* px = vmax)
        fixed (double* ps2 = steps)
        fixed (int* s = stepped)
            Native.ml_adam_step(p, pm, pv, px, ps2, s, n, g.Lr, g.Betas.Beta1, g.Betas.Beta2, g.Eps, g.WeightDecay,
                                g.Amsgrad ? 1 : 0, g.Maximize ? 1 : 0, _decoupled ? 1 : 0);
        GC.KeepAlive(ps);
        GC.KeepAlive(states);
        // New state handles are written only when the step succeeded: adopt them before reporting any error.
        for (var i = 0; i < n; i++)
        {
            if (stepped[i] == 0) continue;
            var st = states[i];
            if (st is null)
            {
                if (m[i] == IntPtr.Zero) continue; // the step failed before creating the state
                st = new AdamState(ParamState.Adopt(m[i]), ParamState.Adopt(v[i]));
                SetState(ps[i], st);
            }
            if (vmax[i] != x0[i]) st.MaxExpAvgSq = ParamState.Adopt(vmax[i]);
            st.Step = steps[i];
        }
        Native.Check();
    }

    private protected override ParamState ReadState(Tensor parameter, IDictionary saved, string where)
    {
        var step = StateValues.Real(StateValues.Get(saved, "step", where), $"{where}.step");
        if (!(step >= 0) || Math.Floor(step) != step) throw new ArgumentException($"{where}.step must be a non-negative integer count but is {step}");
        Tensor? m = null, v = null, mx = null;
        try
        {
            m = ParamState.CopyLike(parameter, saved, "exp_avg", where);
            v = ParamState.CopyLike(parameter, saved, "exp_avg_sq", where);
            if (saved.Contains("max_exp_avg_sq") && saved["max_exp_avg_sq"] is not null)
                mx = ParamState.CopyLike(parameter, saved, "max_exp_avg_sq", where);
        }
        catch
        {
            m?.Dispose();
            v?.Dispose();
            throw;
        }
        return new AdamState(m, v) { Step = step, MaxExpAvgSq = mx };
    }

    private sealed class AdamState(Tensor expAvg, Tensor expAvgSq) : ParamState
    {
        public double Step { get; set; }
        public Tensor ExpAvg { get; } = expAvg;
        public Tensor ExpAvgSq { get; } = expAvgSq;
        public Tensor? MaxExpAvgSq { get; set; }

        public override OrderedDictionary<object, object?> ToStateDict()
        {
            var d = new OrderedDictionary<object, object?>
            {
                ["step"] = Torch.Scalar(Step, DType.Float32),
                ["exp_avg"] = Export(ExpAvg),
                ["exp_avg_sq"] = Export(ExpAvgSq),
            };
            if (MaxExpAvgSq is not null) d["max_exp_avg_sq"] = Export(MaxExpAvgSq);
            return d;
        }

        public override void Dispose()
        {
            ExpAvg.Dispose();
            ExpAvgSq.Dispose();
            MaxExpAvgSq?.Dispose();
        }
    }
}
