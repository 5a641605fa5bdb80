using MedLearn.Torch.Nn;

namespace MedLearn.Torch.Amp;

/// <summary>Numeric precision of training/inference, resolved to a concrete <see cref="PrecisionPlan"/> per device.</summary>
public enum Precision
{
    /// <summary>The fastest setting known to be accurate on the device (see <see cref="PrecisionPlan.Resolve"/>).</summary>
    Auto,
    /// <summary>Float32 everywhere (still channels-last on CPU, a layout choice that does not change results beyond rounding).</summary>
    Fp32,
    /// <summary>bfloat16 autocast with float32 master weights; no loss scaling needed.</summary>
    Bf16,
    /// <summary>float16 autocast with float32 master weights and a <see cref="GradScaler"/> (CUDA only).</summary>
    Fp16,
}

/// <summary>
/// CPU capabilities relevant to precision choice, parsed from the <c>flags</c> line of <c>/proc/cpuinfo</c>.
/// The text is injectable so the resolution logic can be tested with any CPU.
/// </summary>
public sealed class CpuFeatures
{
    private static readonly Lazy<CpuFeatures> s_current = new(() =>
    {
        try { return Parse(File.ReadAllText("/proc/cpuinfo")); }
        catch (IOException) { return Parse(""); }
        catch (UnauthorizedAccessException) { return Parse(""); }
    });

    private CpuFeatures(HashSet<string> flags, string modelName)
    {
        Flags = flags;
        ModelName = modelName;
    }

    /// <summary>The CPU this process runs on (read once from /proc/cpuinfo; no flags if it is unreadable).</summary>
    public static CpuFeatures Current => s_current.Value;

    /// <summary>Parses /proc/cpuinfo text: the flags of the first processor entry and its model name.</summary>
    public static CpuFeatures Parse(string cpuinfo)
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var model = "";
        var haveFlags = false;
        foreach (var rawLine in cpuinfo.Split('\n'))
        {
            var colon = rawLine.IndexOf(':');
            if (colon < 0) continue;
            var key = rawLine[..colon].Trim();
            var value = rawLine[(colon + 1)..].Trim();
            if (key == "model name" && model.Length == 0) model = value;
            else if ((key == "flags" || key == "Features") && !haveFlags)
            {
                haveFlags = true;
                foreach (var f in value.Split(' ', StringSplitOptions.RemoveEmptyEntries)) flags.Add(f);
            }
        }
        return new CpuFeatures(flags, model);
    }

    /// <summary>Every CPU flag reported.</summary>
    public IReadOnlySet<string> Flags { get; }

    /// <summary>The CPU model name, or "" if unknown.</summary>
    public string ModelName { get; }

    /// <summary>AVX-512 BF16 instructions (<c>avx512_bf16</c>: Cooper Lake, Sapphire Rapids, AMD Zen 4/5).</summary>
    public bool HasAvx512Bf16 => Flags.Contains("avx512_bf16");

    /// <summary>AMX bfloat16 tiles (<c>amx_bf16</c>: Sapphire Rapids and later).</summary>
    public bool HasAmxBf16 => Flags.Contains("amx_bf16");

    /// <summary>Native bfloat16 arithmetic that oneDNN uses for convolutions and matmuls (either flag).</summary>
    public bool HasNativeBf16 => HasAvx512Bf16 || HasAmxBf16;
}

/// <summary>
/// A concrete precision setting for one device: the autocast dtype (or none), the memory format to put the
/// model and its inputs in, and whether a <see cref="GradScaler"/> is needed.
/// </summary>
/// <param name="Precision">The resolved precision (never <see cref="Amp.Precision.Auto"/>).</param>
/// <param name="Device">The device the plan is for.</param>
/// <param name="AutocastDType">The dtype of the autocast scope, or null for plain float32.</param>
/// <param name="MemoryFormat">Layout of 4-D/5-D parameters and inputs.</param>
/// <param name="NeedsGradScaler">True for float16 autocast (loss scaling against gradient underflow).</param>
/// <param name="Reason">Why this plan was chosen, for logs.</param>
public sealed record PrecisionPlan(Precision Precision, Device Device, DType? AutocastDType, MemoryFormat MemoryFormat, bool NeedsGradScaler, string Reason)
{
    /// <summary>Environment variable that overrides <see cref="Precision.Auto"/>: auto, fp32, bf16 or fp16.</summary>
    public const string EnvironmentVariable = "MEDLEARN_PRECISION";

    /// <summary>
    /// Resolves <paramref name="requested"/> for <paramref name="device"/> and a model whose convolutions have
    /// <paramref name="spatialDims"/> spatial dimensions (2 for 2-D convnets, 3 for volumetric ones, 0 for
    /// models without convolutions).
    /// <list type="bullet">
    /// <item><see cref="Precision.Auto"/> on a CPU with native bfloat16 (<c>avx512_bf16</c> or <c>amx_bf16</c>
    /// in /proc/cpuinfo): bf16 autocast + channels-last. oneDNN then runs convolutions and matmuls in
    /// bfloat16 with float32 accumulation, which measured ~2x faster than float32 NCHW for ResNet-18 training
    /// on AMD Zen 5 (29 -> 61 img/s on 2 threads); bfloat16's float32 exponent range needs no loss
    /// scaling.</item>
    /// <item><see cref="Precision.Auto"/> on other CPUs: float32 + channels-last for 2-D models (bfloat16 without hardware
    /// support is emulated and slower than float32; channels-last alone gave ~1.2x), float32 contiguous (NCDHW) for 3-D
    /// models (channels-last-3d was slower for the V-Net in float32: its 2x2x2 stride-2 convolutions took ~2x).</item>
    /// <item><see cref="Precision.Auto"/> on CUDA: float16 autocast + <see cref="GradScaler"/>, contiguous
    /// (NCHW) layout.</item>
    /// <item>Channels-last (<see cref="MemoryFormat.ChannelsLast"/> for 2-D, <see cref="MemoryFormat.ChannelsLast3d"/>
    /// for 3-D) is used on CPU only, where oneDNN's blocked kernels are fastest on NHWC/NDHWC data; with
    /// <paramref name="spatialDims"/> 0 the layout stays contiguous.</item>
    /// <item>Explicit <see cref="Precision.Bf16"/> is honoured on any CPU (emulated without hardware support),
    /// <see cref="Precision.Fp16"/> is CUDA only (CPU autocast in libtorch 1.13 has bfloat16 kernels only).</item>
    /// </list>
    /// When <paramref name="requested"/> is Auto, the environment variable <c>MEDLEARN_PRECISION</c>
    /// (auto/fp32/bf16/fp16) overrides it; an explicit request in code always wins.
    /// <paramref name="cpu"/> (default: this machine) and <paramref name="environmentOverride"/> (default: the
    /// environment variable) are injectable for tests.
    /// </summary>
    /// <exception cref="NotSupportedException">Fp16 requested for the CPU.</exception>
    /// <exception cref="FormatException">MEDLEARN_PRECISION holds an unknown value.</exception>
    public static PrecisionPlan Resolve(Precision requested, Device device, int spatialDims = 2, CpuFeatures? cpu = null, string? environmentOverride = null)
    {
        if (spatialDims is < 0 or > 3) throw new ArgumentOutOfRangeException(nameof(spatialDims), spatialDims, "spatial dimensions must be 0..3");
        var source = "requested";
        if (requested == Precision.Auto)
        {
            var env = environmentOverride ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(env))
            {
                requested = ParsePrecision(env);
                source = $"{EnvironmentVariable}={env.Trim()}";
            }
        }

        if (device.Type == DeviceType.CUDA)
        {
            return requested switch
            {
                Precision.Auto => new(Precision.Fp16, device, DType.Float16, MemoryFormat.Contiguous, true, "auto on CUDA: float16 autocast with loss scaling"),
                Precision.Fp16 => new(Precision.Fp16, device, DType.Float16, MemoryFormat.Contiguous, true, $"{source}: float16 autocast with loss scaling"),
                Precision.Bf16 => new(Precision.Bf16, device, DType.BFloat16, MemoryFormat.Contiguous, false, $"{source}: bfloat16 autocast"),
                _ => new(Precision.Fp32, device, null, MemoryFormat.Contiguous, false, $"{source}: float32"),
            };
        }
        if (device.Type != DeviceType.CPU) throw new NotSupportedException($"no precision plan for device {device}");

        cpu ??= CpuFeatures.Current;
        var layout = spatialDims switch
        {
            2 => MemoryFormat.ChannelsLast,
            3 => MemoryFormat.ChannelsLast3d,
            _ => MemoryFormat.Contiguous,
        };
        var layoutText = layout == MemoryFormat.Contiguous ? "contiguous" : layout == MemoryFormat.ChannelsLast ? "channels-last" : "channels-last-3d";
        return requested switch
        {
            Precision.Auto when cpu.HasNativeBf16 => new(Precision.Bf16, device, DType.BFloat16, layout, false,
                $"auto on CPU with native bfloat16 ({(cpu.HasAmxBf16 ? "amx_bf16" : "avx512_bf16")}): bfloat16 autocast, {layoutText}"),
            // 3-D float32: libtorch 1.13's oneDNN convolutions are not faster on NDHWC, and the 2x2x2 stride-2 down-sampling
            // convolution is ~2x slower (V-Net, bench/ugmcl.sh), so volumetric models stay NCDHW unless bf16 runs natively.
            Precision.Auto when spatialDims == 3 => new(Precision.Fp32, device, null, MemoryFormat.Contiguous, false, "auto on CPU without native bfloat16: float32, contiguous (3-D)"),
            Precision.Auto => new(Precision.Fp32, device, null, layout, false, $"auto on CPU without native bfloat16: float32, {layoutText}"),
            Precision.Bf16 => new(Precision.Bf16, device, DType.BFloat16, layout, false,
                $"{source}: bfloat16 autocast, {layoutText}" + (cpu.HasNativeBf16 ? "" : " (no native bfloat16 on this CPU: emulated, slower than float32)")),
            Precision.Fp16 => throw new NotSupportedException("float16 autocast is CUDA-only in libtorch 1.13; use Bf16 (or Auto) on the CPU"),
            _ => new(Precision.Fp32, device, null, layout, false, $"{source}: float32, {layoutText}"),
        };
    }

    /// <summary>Parses auto/fp32/float32/bf16/bfloat16/fp16/float16/half (case-insensitive).</summary>
    public static Precision ParsePrecision(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" or "" => Precision.Auto,
        "fp32" or "float32" or "float" or "32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        "fp16" or "float16" or "half" or "16" => Precision.Fp16,
        _ => throw new FormatException($"'{text}' is not a precision: expected auto, fp32, bf16 or fp16"),
    };

    /// <summary>Whether the plan runs under autocast.</summary>
    public bool UsesAutocast => AutocastDType is not null;

    /// <summary>
    /// Opens the plan's autocast scope (thread-bound, see <see cref="Autocast"/>), or a no-op scope for float32.
    /// Wrap the forward pass and loss in it; run backward and the optimiser step outside.
    /// </summary>
    public IDisposable Autocast() => AutocastDType is DType d ? Amp.Autocast.Enable(Device, d) : NoOpScope.Instance;

    /// <summary>A gradient scaler, enabled only when the plan needs one (otherwise a pass-through).</summary>
    public GradScaler CreateGradScaler() => new(enabled: NeedsGradScaler);

    /// <summary>Puts <paramref name="module"/>'s parameters in the plan's memory format (no-op for contiguous).</summary>
    public T Apply<T>(T module) where T : Module
    {
        if (MemoryFormat != MemoryFormat.Contiguous) module.To(MemoryFormat);
        return module;
    }

    /// <summary>
    /// <paramref name="input"/> in the plan's memory format if it has the matching rank (4-D for channels-last,
    /// 5-D for channels-last-3d), else <paramref name="input"/> itself.
    /// </summary>
    public Tensor PrepareInput(Tensor input) =>
        (MemoryFormat == MemoryFormat.ChannelsLast && input.Dim == 4) || (MemoryFormat == MemoryFormat.ChannelsLast3d && input.Dim == 5)
            ? input.Contiguous(MemoryFormat)
            : input;

    private sealed class NoOpScope : IDisposable
    {
        public static readonly NoOpScope Instance = new();
        public void Dispose() { }
    }
}
