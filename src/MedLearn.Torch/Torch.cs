using System.Runtime.InteropServices;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

/// <summary>
/// Entry point of the engine: tensor creation, seeding, threads and runtime facts. Ops on existing tensors
/// are methods of <see cref="Tensor"/>; neural-network functions are in <c>MedLearn.Torch.Nn.Functional</c>.
/// </summary>
public static partial class torch
{
    private static Device Dev(Device? device) => device ?? Device.CPU;
    private static int Rg(bool requiresGrad) => requiresGrad ? 1 : 0;

    // --- creation -----------------------------------------------------------------------------------------

    /// <summary>Uninitialised tensor.</summary>
    public static unsafe Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false)
    {
        fixed (long* s = shape) return Tensor.Wrap(Native.ml_empty(s, shape.Length, (int)dtype, (int)Dev(device).Type, Dev(device).Index, Rg(requiresGrad)));
    }

    /// <summary>Tensor of zeros.</summary>
    public static unsafe Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false)
    {
        fixed (long* s = shape) return Tensor.Wrap(Native.ml_zeros(s, shape.Length, (int)dtype, (int)Dev(device).Type, Dev(device).Index, Rg(requiresGrad)));
    }

    /// <summary>Float32 zeros of the given shape.</summary>
    public static Tensor Zeros(params long[] shape) => Zeros(shape, DType.Float32);

    /// <summary>Tensor of ones.</summary>
    public static unsafe Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false)
    {
        fixed (long* s = shape) return Tensor.Wrap(Native.ml_ones(s, shape.Length, (int)dtype, (int)Dev(device).Type, Dev(device).Index, Rg(requiresGrad)));
    }

    /// <summary>Float32 ones of the given shape.</summary>
    public static Tensor Ones(params long[] shape) => Ones(shape, DType.Float32);

    /// <summary>Tensor filled with <paramref name="value"/>.</summary>
    public static unsafe Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false)
    {
        fixed (long* s = shape) return Tensor.Wrap(Native.ml_full(s, shape.Length, value, (int)dtype, (int)Dev(device).Type, Dev(device).Index, Rg(requiresGrad)));
    }

    /// <summary>Identity matrix n x m (m = n if omitted).</summary>
    public static Tensor Eye(long n, long? m = null, DType dtype = DType.Float32, Device? device = null) =>
        Tensor.Wrap(Native.ml_eye(n, m ?? n, (int)dtype, (int)Dev(device).Type, Dev(device).Index, 0));

    /// <summary>Values start, start+step, ... below end (torch.arange).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device? device = null) =>
        Tensor.Wrap(Native.ml_arange(start, end, step, (int)dtype, (int)Dev(device).Type, Dev(device).Index, 0));

    /// <summary>0, 1, ..., end-1 as int64.</summary>
    public static Tensor Arange(long end) => Arange(0, end);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device? device = null) =>
        Tensor.Wrap(Native.ml_linspace(start, end, steps, (int)dtype, (int)Dev(device).Type, Dev(device).Index, 0));

    /// <summary>Uniform [0, 1) samples from <paramref name="generator"/> (the default generator if null).</summary>
    public static unsafe Tensor Rand(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false)
    {
        fixed (long* s = shape)
        {
            var r = Native.ml_rand(s, shape.Length, Generator.Raw(generator), (int)dtype, (int)Dev(device).Type, Dev(device).Index, Rg(requiresGrad));
            GC.KeepAlive(generator);
            return Tensor.Wrap(r);
        }
    }

    /// <summary>Float32 uniform [0, 1) samples of the given shape.</summary>
    public static Tensor Rand(params long[] shape) => Rand(shape, null);

    /// <summary>Standard normal samples.</summary>
    public static unsafe Tensor Randn(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false)
    {
        fixed (long* s = shape)
        {
            var r = Native.ml_randn(s, shape.Length, Generator.Raw(generator), (int)dtype, (int)Dev(device).Type, Dev(device).Index, Rg(requiresGrad));
            GC.KeepAlive(generator);
            return Tensor.Wrap(r);
        }
    }

    /// <summary>Float32 standard normal samples of the given shape.</summary>
    public static Tensor Randn(params long[] shape) => Randn(shape, null);

    /// <summary>Integers uniform in [low, high).</summary>
    public static unsafe Tensor Randint(long low, long high, long[] shape, Generator? generator = null, DType dtype = DType.Int64, Device? device = null)
    {
        fixed (long* s = shape)
        {
            var r = Native.ml_randint(low, high, s, shape.Length, Generator.Raw(generator), (int)dtype, (int)Dev(device).Type, Dev(device).Index, 0);
            GC.KeepAlive(generator);
            return Tensor.Wrap(r);
        }
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor Randperm(long n, Generator? generator = null, Device? device = null)
    {
        var r = Native.ml_randperm(n, Generator.Raw(generator), (int)DType.Int64, (int)Dev(device).Type, Dev(device).Index, 0);
        GC.KeepAlive(generator);
        return Tensor.Wrap(r);
    }

    public static Tensor EmptyLike(Tensor t) => Tensor.Wrap(Native.ml_empty_like(t.Handle));
    public static Tensor ZerosLike(Tensor t) => Tensor.Wrap(Native.ml_zeros_like(t.Handle));
    public static Tensor OnesLike(Tensor t) => Tensor.Wrap(Native.ml_ones_like(t.Handle));
    public static Tensor FullLike(Tensor t, double value) => Tensor.Wrap(Native.ml_full_like(t.Handle, value));
    public static Tensor RandLike(Tensor t) => Tensor.Wrap(Native.ml_rand_like(t.Handle));
    public static Tensor RandnLike(Tensor t) => Tensor.Wrap(Native.ml_randn_like(t.Handle));

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (1-D if omitted).</summary>
    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged => FromSpan<T>(data, shape);

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (1-D if omitted).</summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, long[]? shape = null, bool requiresGrad = false) where T : unmanaged
    {
        shape = shape is null || shape.Length == 0 && data.Length != 1 ? [data.Length] : shape;
        long n = 1;
        foreach (var s in shape) n *= s;
        if (n != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {n} elements but {data.Length} values were given");
        fixed (T* d = data)
        fixed (long* s = shape)
            return Tensor.Wrap(Native.ml_tensor_from_data(d, (int)DTypeExtensions.Of<T>(), s, shape.Length, requiresGrad ? 1 : 0));
    }

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>A tensor viewing a PyTorch storage (raw bytes) with the given sizes, strides and offset; copied.</summary>
    internal static unsafe Tensor FromStorage(ReadOnlySpan<byte> storage, DType dtype, long[] shape, long[] strides, long storageOffset)
    {
        fixed (byte* d = storage)
        fixed (long* s = shape)
        fixed (long* st = strides)
            return Tensor.Wrap(Native.ml_tensor_from_storage(d, storage.Length, (int)dtype, s, st, shape.Length, storageOffset));
    }

    // --- seeding, threads, runtime --------------------------------------------------------------------

    /// <summary>Seeds libtorch's default generator (torch.manual_seed).</summary>
    public static void ManualSeed(ulong seed)
    {
        Native.ml_manual_seed(seed);
        Native.Check();
    }

    /// <summary>Sets libtorch's intra-op thread count for this thread and threads that have not used torch yet.</summary>
    public static void SetNumThreads(int threads)
    {
        Native.ml_set_num_threads(threads);
        Native.Check();
    }

    /// <summary>
    /// libtorch's intra-op thread count for the process: what a thread that has not set its own count
    /// (<see cref="SetThreadNumThreads"/>) uses, whichever thread asks (a worker that set 1 for itself still sees the
    /// process default here; its own count is <see cref="ThreadNumThreads"/>).
    /// </summary>
    public static int NumThreads
    {
        get
        {
            var n = Native.ml_get_num_threads();
            Native.Check();
            return n;
        }
    }

    /// <summary>
    /// OpenMP's wait policy as libgomp read it from the native environment when libtorch was loaded (MedLearn sets
    /// PASSIVE unless <c>OMP_WAIT_POLICY</c> was set), and where it came from ("environment" or "MedLearn default").
    /// </summary>
    public static (string? Policy, string Source) OpenMpWaitPolicy
    {
        get
        {
            Native.EnsureLoaded();
            return (OpenMpEnvironment.NativeValue(), OpenMpEnvironment.Source ?? "not set");
        }
    }

    /// <summary>Version of the libtorch headers the shim was built with, e.g. "1.13.0".</summary>
    public static string Version => Native.PtrToString(Native.ml_torch_version())!;

    /// <summary>Version of the MedLearn shim.</summary>
    public static string ShimVersion => Native.PtrToString(Native.ml_shim_version())!;

    /// <summary>File path of the loaded libtorch_cpu library.</summary>
    public static string LibTorchPath => Native.PtrToString(Native.ml_libtorch_path()) ?? "";

    /// <summary>File path of the loaded shim.</summary>
    public static string ShimPath
    {
        get
        {
            Native.EnsureLoaded();
            return Native.LoadedPath ?? "";
        }
    }

    /// <summary>libtorch's build configuration text (at::show_config).</summary>
    public static string BuildConfig => Native.PtrToString(Native.ml_build_config()) ?? "";

    /// <summary>True when libtorch was built with oneDNN (MKL-DNN).</summary>
    public static bool HasOneDnn => Native.ml_has_mkldnn() != 0;

    /// <summary>True when libtorch uses OpenMP for intra-op parallelism.</summary>
    public static bool HasOpenMP => Native.ml_has_openmp() != 0;

    /// <summary>True when CUDA is usable (needs a CUDA build of libtorch and a GPU).</summary>
    public static bool CudaIsAvailable => Native.ml_cuda_is_available() != 0;

    /// <summary>Number of visible CUDA devices (0 without CUDA).</summary>
    public static int CudaDeviceCount => Native.ml_cuda_device_count();

    /// <summary>ATen's CPU kernel level as libtorch reports it (e.g. "AVX512"), from its build configuration.</summary>
    public static string CpuCapability
    {
        get
        {
            foreach (var line in BuildConfig.Split('\n'))
            {
                var i = line.IndexOf("CPU capability usage:", StringComparison.Ordinal);
                if (i >= 0) return line[(i + "CPU capability usage:".Length)..].Trim();
            }
            return "unknown";
        }
    }

    /// <summary>Loads the shim now and returns the loader's probe trace (for diagnostics).</summary>
    public static IReadOnlyList<string> LoadNative()
    {
        Native.EnsureLoaded();
        return Native.ProbeTrace;
    }
}
