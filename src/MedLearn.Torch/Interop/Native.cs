using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace MedLearn.Torch.Interop;

/// <summary>
/// P/Invoke surface of the native shim (libmedlearn_shim.so). One partial file per area mirrors one
/// translation unit of native/src. Every call is followed by an error check: tensor-returning calls
/// return null on failure; others are checked with <see cref="Check"/>.
/// </summary>
internal static partial class Native
{
    internal const string Lib = "medlearn_shim";

    /// <summary>Every place the loader looked for the shim, for <c>medlearn doctor</c>.</summary>
    internal static readonly List<string> ProbeTrace = [];

    static Native()
    {
        // Before the shim loads libtorch and libgomp, which read OMP_WAIT_POLICY once, at load.
        OpenMpEnvironment.Apply();
        NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);
        // libtorch starts with one intra-op thread here; the count must be set before any other torch call
        // (a thread that already ran a parallel op keeps its old setting).
        ml_set_num_threads(TorchSettings.ResolveInitialThreads());
        Check();
    }

    /// <summary>Forces the static constructor (library load and thread setup) to run.</summary>
    internal static void EnsureLoaded() { }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Lib) return IntPtr.Zero;
        // The runtime asks once per imported function; load and trace only the first time.
        if (s_loaded != IntPtr.Zero) return s_loaded;
        foreach (var candidate in Candidates(assembly).Distinct())
        {
            if (!File.Exists(candidate))
            {
                ProbeTrace.Add($"{candidate}: not found");
                continue;
            }
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                ProbeTrace.Add($"{candidate}: loaded");
                LoadedPath = candidate;
                s_loaded = handle;
                return handle;
            }
            // TryLoad hides dlerror(); Load gives it, so the trace says which dependency is missing.
            try { NativeLibrary.Load(candidate); }
            catch (DllNotFoundException e)
            {
                ProbeTrace.Add($"{candidate}: {e.Message}");
                // The shim is there but a library it links is not (typically libtorch on a machine that only got the
                // NuGet package): say which one and how to install it, instead of a bare loader message.
                if (NativeLoadErrors.MissingDependency(e.Message) is { } missing)
                    throw new DllNotFoundException(NativeLoadErrors.MissingDependencyMessage(candidate, missing) + "\nProbe trace:\n  " + string.Join("\n  ", ProbeTrace), e);
            }
        }
        throw new DllNotFoundException(
            "cannot load libmedlearn_shim.so: not found (build it with `dotnet build`, or reference the MedLearn.Torch package, which carries it "
            + "under runtimes/linux-x64/native; MEDLEARN_SHIM=/path/libmedlearn_shim.so names it explicitly). Probe trace:\n  "
            + string.Join("\n  ", ProbeTrace));
    }

    private static IEnumerable<string> Candidates(Assembly assembly)
    {
        const string file = "libmedlearn_shim.so";
        var fromEnv = Environment.GetEnvironmentVariable("MEDLEARN_SHIM");
        // An explicit path is the only candidate: a broken override must not be papered over by another copy.
        if (!string.IsNullOrEmpty(fromEnv))
        {
            yield return fromEnv;
            yield break;
        }
        yield return Path.Combine(AppContext.BaseDirectory, file);
        var asmDir = Path.GetDirectoryName(assembly.Location);
        if (!string.IsNullOrEmpty(asmDir)) yield return Path.Combine(asmDir, file);
        // A NuGet consumer: the package's runtimes/linux-x64/native asset, where the host's deps.json probing puts it.
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
            foreach (var dir in searchDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                yield return Path.Combine(dir, file);
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", file);
        if (!string.IsNullOrEmpty(asmDir)) yield return Path.Combine(asmDir, "runtimes", "linux-x64", "native", file);
    }

    private static IntPtr s_loaded;

    /// <summary>Path the shim was loaded from, once loaded.</summary>
    internal static string? LoadedPath { get; private set; }

    /// <summary>Throws the pending native error of this thread, if any.</summary>
    internal static void Check()
    {
        var kind = ml_last_error_kind();
        if (kind != 0) ThrowLastError(kind);
    }

    /// <summary>Throws the pending native error; called when a call signalled failure by its return value.</summary>
    internal static Exception ThrowLastError(int kind = -1)
    {
        if (kind < 0) kind = ml_last_error_kind();
        if (kind == 0) throw new TorchException(TorchErrorKind.Other, "native call failed without an error message");
        var message = PtrToString(ml_last_error_message()) ?? "";
        ml_clear_error();
        throw TorchException.Create((TorchErrorKind)kind, message);
    }

    internal static string? PtrToString(IntPtr p) => p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);

    [LibraryImport(Lib)] internal static partial int ml_last_error_kind();
    [LibraryImport(Lib)] internal static partial IntPtr ml_last_error_message();
    [LibraryImport(Lib)] internal static partial void ml_clear_error();
    [LibraryImport(Lib)] internal static partial void ml_test_throw(int kind);
    [LibraryImport(Lib)] internal static partial IntPtr ml_shim_version();
    [LibraryImport(Lib)] internal static partial IntPtr ml_torch_version();
    [LibraryImport(Lib)] internal static partial IntPtr ml_libtorch_path();
    [LibraryImport(Lib)] internal static partial IntPtr ml_build_config();
    [LibraryImport(Lib)] internal static partial int ml_has_mkldnn();
    [LibraryImport(Lib)] internal static partial int ml_has_openmp();
    [LibraryImport(Lib)] internal static partial int ml_has_lapack();
    [LibraryImport(Lib)] internal static partial int ml_cuda_is_available();
    [LibraryImport(Lib)] internal static partial int ml_cuda_device_count();
    [LibraryImport(Lib)] internal static partial void ml_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int ml_get_num_threads();
    [LibraryImport(Lib)] internal static partial void ml_set_num_interop_threads(int n);
    [LibraryImport(Lib)] internal static partial int ml_get_num_interop_threads();
    [LibraryImport(Lib)] internal static partial void ml_free(IntPtr p);
}
