using System.Collections;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with momentum (torch.optim.SGD, 1.13). Per parameter with gradient g:
/// <code>
/// g = maximize ? -grad : grad;   if weight_decay != 0: g = g + weight_decay * p
/// if momentum != 0:
///     buf = (first step) ? g : momentum * buf + (1 - dampening) * g
///     g = nesterov ? g + momentum * buf : buf
/// p = p - lr * g
/// </code>
/// State per parameter: <c>momentum_buffer</c> (null without momentum).
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>SGD over <paramref name="parameters"/> (one group).</summary>
    /// <exception cref="ArgumentException">negative lr, momentum or weight decay; Nesterov without momentum or with dampening.</exception>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
               bool nesterov = false, bool maximize = false)
        : this([new SgdParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov, maximize) { }

    /// <summary>SGD over several groups; hyperparameters a group leaves unset take these defaults.</summary>
    public SGD(IEnumerable<SgdParamGroup> groups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
               bool nesterov = false, bool maximize = false)
        : base(groups, Defaults(lr, momentum, dampening, weightDecay, nesterov, maximize)) { }

    private static SgdParamGroup Defaults(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
    {
        var d = new SgdParamGroup([]) { Lr = lr, Momentum = momentum, Dampening = dampening, WeightDecay = weightDecay, Nesterov = nesterov, Maximize = maximize };
        d.Validate();
        return d;
    }

    /// <summary>The groups with their SGD hyperparameters.</summary>
    public IEnumerable<SgdParamGroup> SgdGroups => ParamGroups.Cast<SgdParamGroup>();

    private protected override unsafe void StepGroup(ParamGroup group)
    {
        var g = (SgdParamGroup)group;
        var ps = g.Parameters;
        var n = ps.Count;
        var handles = Handles(ps);
        var bufs = new IntPtr[n];
        var stepped = new int[n];
        var states = new SgdState?[n];
        for (var i = 0; i < n; i++)
        {
            states[i] = (SgdState?)GetState(ps[i]);
            if (states[i]?.MomentumBuffer is { } b) bufs[i] = b.RawHandle;
        }
        var before = (IntPtr[])bufs.Clone();
        fixed (IntPtr* p = handles)
        fixed (IntPtr* b = bufs)
        fixed (int* s = stepped)
            Native.ml_sgd_step(p, b, s, n, g.Lr, g.Momentum, g.Dampening, g.WeightDecay, g.Nesterov ? 1 : 0, g.Maximize ? 1 : 0);
        GC.KeepAlive(ps);
        GC.KeepAlive(states);
        Native.Check();
        for (var i = 0; i < n; i++)
        {
            if (stepped[i] == 0) continue;
            var st = states[i];
            if (st is null) SetState(ps[i], st = new SgdState());
            if (bufs[i] != before[i]) st.MomentumBuffer = ParamState.Adopt(bufs[i]);
        }
    }

    private protected override ParamState ReadState(Tensor parameter, IDictionary saved, string where)
    {
        var hasBuffer = saved.Contains("momentum_buffer") && saved["momentum_buffer"] is not null;
        return new SgdState { MomentumBuffer = hasBuffer ? ParamState.CopyLike(parameter, saved, "momentum_buffer", where) : null };
    }

    private sealed class SgdState : ParamState
    {
        public Tensor? MomentumBuffer { get; set; }

        public override OrderedDictionary<object, object?> ToStateDict() =>
            new() { ["momentum_buffer"] = MomentumBuffer is null ? null : Export(MomentumBuffer) };

        public override void Dispose() => MomentumBuffer?.Dispose();
    }
}
