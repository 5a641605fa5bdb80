using System.Collections;
using MedLearn.Torch.Interop;
using MedLearn.Torch.Optim;

namespace MedLearn.Torch.Amp;

/// <summary>
/// What <see cref="GradScaler"/> needs from an optimiser: the parameters whose gradients it unscales and
/// checks, and the update to run (or skip). Optimisers may implement it; otherwise pass the parameters and
/// a step delegate to <see cref="GradScaler.Step(IEnumerable{Tensor}, Action, object?)"/>.
/// </summary>
public interface IScalableOptimizer
{
    /// <summary>Every parameter the optimiser updates (parameters without a gradient are skipped).</summary>
    IEnumerable<Tensor> ScalableParameters { get; }

    /// <summary>Applies one optimiser update from the (unscaled) gradients.</summary>
    void Step();
}

/// <summary>
/// Dynamic loss scaling for float16 mixed-precision training, after <c>torch.cuda.amp.GradScaler</c>
/// (same defaults, same update rule, same state-dict keys). Float16 gradients underflow; the scaler
/// multiplies the loss by a large factor S before backward, divides the float32 master gradients by S
/// before the optimiser step, skips steps whose gradients contain inf/NaN, and adapts S:
/// after an overflow S *= <see cref="BackoffFactor"/>; after <see cref="GrowthInterval"/> consecutive clean
/// steps S *= <see cref="GrowthFactor"/>.
/// <code>
/// using (Autocast.Enable(Device.CUDA(), DType.Float16)) loss = F.CrossEntropy(model.Forward(x), y);
/// scaler.Scale(loss).Backward();
/// scaler.Step(model.Parameters(), optimizer.Step);   // unscales, skips on inf/NaN
/// scaler.Update();
/// </code>
/// </summary>
/// <remarks>
/// <para>A disabled scaler (<c>enabled: false</c>) is a pass-through: <see cref="Scale"/> returns its
/// argument, <see cref="Step(IEnumerable{Tensor}, Action, object?)"/> always runs the step and
/// <see cref="Update"/> does nothing. bfloat16 autocast (the CPU fast path) has float32's exponent range
/// and needs no scaling: <see cref="PrecisionPlan.NeedsGradScaler"/> says when to enable it.</para>
/// <para>Several optimisers may share one scaler: pass each optimiser object (any object used as a key)
/// to <see cref="Unscale_(IEnumerable{Tensor}, object?)"/>/<see cref="Step(IEnumerable{Tensor}, Action, object?)"/>;
/// per optimiser, unscaling happens at most once between updates. On CUDA the checks run on the device
/// (libtorch's fused kernels); on CPU the same arithmetic is composed from ATen ops. The scaler owns its
/// scale tensors (never in a dispose scope); dispose it to free them.</para>
/// </remarks>
public sealed class GradScaler : IStateful, IDisposable
{
    private enum Stage { Ready, Unscaled, Stepped }

    private sealed class OptimizerState
    {
        public Stage Stage;
        public Tensor? FoundInf;
    }

    private static readonly object s_defaultKey = new();

    private readonly Dictionary<object, OptimizerState> _optimizers = new(ReferenceEqualityComparer.Instance);
    private double _initScale;
    private int _initGrowthTracker;
    private Tensor? _scale;
    private Tensor? _growthTracker;
    private double _growthFactor;
    private double _backoffFactor;
    private int _growthInterval;
    private bool _disposed;

    /// <summary>
    /// A scaler starting at <paramref name="initScale"/> (2^16). <paramref name="growthFactor"/> must be
    /// &gt; 1, <paramref name="backoffFactor"/> in (0, 1), <paramref name="growthInterval"/> &gt; 0.
    /// </summary>
    public GradScaler(double initScale = 65536.0, double growthFactor = 2.0, double backoffFactor = 0.5, int growthInterval = 2000, bool enabled = true)
    {
        if (!(initScale > 0) || double.IsInfinity(initScale)) throw new ArgumentOutOfRangeException(nameof(initScale), initScale, "the initial scale must be positive and finite");
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
        _initScale = initScale;
        IsEnabled = enabled;
    }

    /// <summary>False for a pass-through scaler.</summary>
    public bool IsEnabled { get; }

    /// <summary>Factor applied to the scale after <see cref="GrowthInterval"/> clean steps (&gt; 1).</summary>
    public double GrowthFactor
    {
        get => _growthFactor;
        set => _growthFactor = value > 1.0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "the growth factor must be > 1");
    }

    /// <summary>Factor applied to the scale after a step with inf/NaN gradients (in (0, 1)).</summary>
    public double BackoffFactor
    {
        get => _backoffFactor;
        set => _backoffFactor = value is > 0.0 and < 1.0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "the backoff factor must be in (0, 1)");
    }

    /// <summary>Number of consecutive clean steps after which the scale grows (&gt; 0).</summary>
    public int GrowthInterval
    {
        get => _growthInterval;
        set => _growthInterval = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "the growth interval must be > 0");
    }

    /// <summary>The current scale (1 when disabled). Reads the device value (a sync on CUDA).</summary>
    public double GetScale() => !IsEnabled ? 1.0 : _scale is null ? _initScale : _scale.ToDouble();

    /// <summary>Consecutive clean steps since the last growth or backoff.</summary>
    public int GetGrowthTracker() => !IsEnabled ? 0 : _growthTracker is null ? _initGrowthTracker : (int)_growthTracker.ToInt64();

    /// <summary>
    /// <paramref name="outputs"/> times the scale (a new tensor in the current dispose scope), or
    /// <paramref name="outputs"/> itself when disabled. The first call creates the scale on the output's device.
    /// </summary>
    public Tensor Scale(Tensor outputs)
    {
        ThrowIfDisposed();
        if (!IsEnabled) return outputs;
        LazyInit(outputs.Device);
        var device = outputs.Device;
        if (_scale!.Device == device) return outputs.Mul(_scale);
        using var onDevice = _scale.To(device).DetachFromDisposeScope();
        return outputs.Mul(onDevice);
    }

    /// <summary>
    /// Divides the gradients of <paramref name="parameters"/> by the scale in place and records whether any
    /// is inf/NaN, for <paramref name="optimizer"/> (any object identifying the optimiser; null = the single
    /// default one). Call it before gradient clipping; <see cref="Step(IEnumerable{Tensor}, Action, object?)"/>
    /// then does not unscale again. Float16 gradients are rejected (the master weights must be float32).
    /// </summary>
    /// <exception cref="InvalidOperationException">Already unscaled or stepped since the last <see cref="Update"/>,
    /// or <see cref="Scale"/> was never called.</exception>
    public void Unscale_(IEnumerable<Tensor> parameters, object? optimizer = null)
    {
        ThrowIfDisposed();
        if (!IsEnabled) return;
        var state = StateOf(optimizer);
        if (state.Stage == Stage.Unscaled) throw new InvalidOperationException("Unscale_() has already been called on this optimizer since the last Update().");
        if (state.Stage == Stage.Stepped) throw new InvalidOperationException("Unscale_() is being called after Step().");
        var scale = RequireScale(nameof(Unscale_));
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        // inv_scale computed in double then rounded to float32, like PyTorch.
        var scaleDouble = scale.Double();
        var invScale = torch.OnesLike(scaleDouble).Div(scaleDouble).Float();
        var foundInf = torch.Zeros([1], DType.Float32, scale.Device);
        var grads = new List<Tensor>();
        foreach (var p in parameters)
        {
            var g = p.Grad;
            if (g is null) continue;
            if (g.DType == DType.Float16) throw new InvalidOperationException("Attempting to unscale FP16 gradients: keep the parameters (master weights) in float32 and let autocast cast them.");
            grads.Add(g);
        }
        foreach (var group in grads.GroupBy(g => g.Device))
        {
            if (group.Key == scale.Device)
            {
                NonFiniteCheckAndUnscale(group.ToList(), foundInf, invScale);
                continue;
            }
            var deviceFound = torch.Zeros([1], DType.Float32, group.Key);
            NonFiniteCheckAndUnscale(group.ToList(), deviceFound, invScale.To(group.Key));
            foundInf.Add_(deviceFound.To(scale.Device));
        }
        state.FoundInf?.Dispose();
        state.FoundInf = scope.Detach(foundInf);
        state.Stage = Stage.Unscaled;
    }

    /// <summary>Unscales <paramref name="optimizer"/>'s gradients (see <see cref="Unscale_(IEnumerable{Tensor}, object?)"/>).</summary>
    public void Unscale_(IScalableOptimizer optimizer) => Unscale_(optimizer.ScalableParameters, optimizer);

    /// <summary>
    /// Unscales the gradients (unless <see cref="Unscale_(IEnumerable{Tensor}, object?)"/> already did for this
    /// optimiser) and runs <paramref name="optimizerStep"/> only if none is inf/NaN. Returns whether the step
    /// ran. Disabled: runs the step and returns true. Reads the inf flag from the device (a sync on CUDA).
    /// </summary>
    /// <exception cref="InvalidOperationException">Step already called for this optimiser since the last <see cref="Update"/>.</exception>
    public bool Step(IEnumerable<Tensor> parameters, Action optimizerStep, object? optimizer = null)
    {
        ThrowIfDisposed();
        if (!IsEnabled)
        {
            optimizerStep();
            return true;
        }
        var state = StateOf(optimizer);
        if (state.Stage == Stage.Stepped) throw new InvalidOperationException("Step() has already been called since the last Update().");
        if (state.Stage == Stage.Ready) Unscale_(parameters, optimizer);
        var finite = state.FoundInf!.ToDouble() == 0.0;
        if (finite) optimizerStep();
        state.Stage = Stage.Stepped;
        return finite;
    }

    /// <summary>Steps <paramref name="optimizer"/> unless its gradients overflowed (see <see cref="Step(IEnumerable{Tensor}, Action, object?)"/>).</summary>
    public bool Step(IScalableOptimizer optimizer) => Step(optimizer.ScalableParameters, optimizer.Step, optimizer);

    /// <summary>
    /// Ends the iteration: backs the scale off if any optimiser stepped over inf/NaN gradients this
    /// iteration, otherwise counts a clean step and grows the scale every <see cref="GrowthInterval"/> clean
    /// steps (a non-finite grown scale is not kept). <paramref name="newScale"/> sets the scale directly
    /// instead. Resets the per-optimiser unscale/step bookkeeping.
    /// </summary>
    /// <exception cref="InvalidOperationException">No optimiser was unscaled or stepped since the last update.</exception>
    public void Update(double? newScale = null)
    {
        ThrowIfDisposed();
        if (!IsEnabled) return;
        var scale = RequireScale(nameof(Update));
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        if (newScale is double s)
        {
            if (!(s > 0) || double.IsInfinity(s)) throw new ArgumentOutOfRangeException(nameof(newScale), s, "the scale must be positive and finite");
            scale.CopyFrom(torch.Full([1], s, DType.Float32, scale.Device));
        }
        else
        {
            var found = _optimizers.Values.Where(o => o.FoundInf is not null).Select(o => o.FoundInf!).ToList();
            if (found.Count == 0) throw new InvalidOperationException("No inf checks were recorded prior to Update(): call Step() or Unscale_() first.");
            var total = found[0].Alias();
            for (var i = 1; i < found.Count; i++) total = total.Add(found[i]);
            Native.ml_amp_update_scale_(scale.Handle, _growthTracker!.Handle, total.Handle, _growthFactor, _backoffFactor, _growthInterval);
            Native.Check();
        }
        ResetOptimizerStates();
    }

    private void ResetOptimizerStates()
    {
        foreach (var state in _optimizers.Values) state.FoundInf?.Dispose();
        _optimizers.Clear();
    }

    private OptimizerState StateOf(object? optimizer)
    {
        var key = optimizer ?? s_defaultKey;
        if (!_optimizers.TryGetValue(key, out var state)) _optimizers[key] = state = new OptimizerState();
        return state;
    }

    private void LazyInit(Device device)
    {
        if (_scale is not null) return;
        using var noGrad = GradMode.NoGrad();
        _scale = torch.Full([1], _initScale, DType.Float32, device).DetachFromDisposeScope();
        _growthTracker = torch.Full([1], _initGrowthTracker, DType.Int32, device).DetachFromDisposeScope();
    }

    private Tensor RequireScale(string operation) => _scale ?? throw new InvalidOperationException(
        $"{operation}() was called but the scale does not exist yet: call Scale(loss) earlier in the iteration.");

    private static unsafe void NonFiniteCheckAndUnscale(List<Tensor> grads, Tensor foundInf, Tensor invScale)
    {
        var handles = new IntPtr[grads.Count];
        for (var i = 0; i < grads.Count; i++) handles[i] = grads[i].RawHandle;
        fixed (IntPtr* h = handles) Native.ml_amp_non_finite_check_and_unscale_(h, handles.Length, foundInf.Handle, invScale.Handle);
        GC.KeepAlive(grads);
        Native.Check();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Unscales the gradients of every parameter of <paramref name="optimizer"/> (keyed by the optimiser).</summary>
    public void Unscale_(Optimizer optimizer) => Unscale_(ParametersOf(optimizer), optimizer);

    /// <summary>Steps <paramref name="optimizer"/> unless its gradients overflowed (see <see cref="Step(IEnumerable{Tensor}, Action, object?)"/>).</summary>
    public bool Step(Optimizer optimizer) => Step(ParametersOf(optimizer), optimizer.Step, optimizer);

    private static IEnumerable<Tensor> ParametersOf(Optimizer optimizer) => optimizer.ParamGroups.SelectMany(g => g.Parameters);

    // --- state dict ----------------------------------------------------------------------------------------

    /// <summary>
    /// PyTorch's keys: <c>scale</c>, <c>growth_factor</c>, <c>backoff_factor</c> (double),
    /// <c>growth_interval</c>, <c>_growth_tracker</c> (long). Empty when disabled.
    /// </summary>
    public OrderedDictionary<object, object?> StateDict()
    {
        ThrowIfDisposed();
        var state = new OrderedDictionary<object, object?>();
        if (!IsEnabled) return state;
        state["scale"] = GetScale();
        state["growth_factor"] = _growthFactor;
        state["backoff_factor"] = _backoffFactor;
        state["growth_interval"] = (long)_growthInterval;
        state["_growth_tracker"] = (long)GetGrowthTracker();
        return state;
    }

    /// <summary>Restores a state from <see cref="StateDict"/>; ignored by a disabled scaler.</summary>
    /// <exception cref="ArgumentException">The state is empty (saved from a disabled scaler) or lacks a key.</exception>
    public void LoadStateDict(IDictionary state)
    {
        ThrowIfDisposed();
        if (!IsEnabled) return;
        if (state.Count == 0) throw new ArgumentException("The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.", nameof(state));
        var scale = Number(state, "scale");
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentException($"the state's scale {scale} is not positive and finite", nameof(state));
        GrowthFactor = Number(state, "growth_factor");
        BackoffFactor = Number(state, "backoff_factor");
        GrowthInterval = checked((int)Number(state, "growth_interval"));
        _initScale = scale;
        _initGrowthTracker = checked((int)Number(state, "_growth_tracker"));
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        _scale?.CopyFrom(torch.Full([1], _initScale, DType.Float32, _scale.Device));
        _growthTracker?.CopyFrom(torch.Full([1], _initGrowthTracker, DType.Int32, _growthTracker.Device));
    }

    private static double Number(IDictionary state, string key)
    {
        if (!state.Contains(key)) throw new ArgumentException($"the GradScaler state lacks the key '{key}'", nameof(state));
        return state[key] switch
        {
            Tensor t => t.ToDouble(),
            IConvertible c => c.ToDouble(System.Globalization.CultureInfo.InvariantCulture),
            var v => throw new ArgumentException($"the GradScaler state's '{key}' is a {v?.GetType().Name ?? "null"}, not a number", nameof(state)),
        };
    }

    /// <summary>Frees the scale tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        ResetOptimizerStates();
        _scale?.Dispose();
        _growthTracker?.Dispose();
    }
}
