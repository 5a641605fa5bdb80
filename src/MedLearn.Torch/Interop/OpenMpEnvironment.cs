using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

/// <summary>
/// Sets libgomp's <c>OMP_WAIT_POLICY</c> in the native environment before the shim (and with it libtorch and
/// libgomp, which read the variable once, when loaded) is loaded. With libgomp's default (active) policy the
/// worker threads spin between parallel regions; where other processes share the cores that made small-model
/// epochs 5-20 times slower (bench/results/omp-wait-policy.md), so MedLearn's default is PASSIVE. A value the
/// user set wins: from the process environment, or set in .NET (<see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// only changes .NET's copy, so it is copied into the native environment here).
/// </summary>
internal static partial class OpenMpEnvironment
{
    /// <summary>The variable libgomp reads.</summary>
    internal const string Variable = "OMP_WAIT_POLICY";

    /// <summary>MedLearn's value when the user set none.</summary>
    internal const string DefaultPolicy = "PASSIVE";

    /// <summary>Where the policy in effect came from: "environment" (the user's) or "MedLearn default"; null before <see cref="Apply"/>.</summary>
    internal static string? Source { get; private set; }

    /// <summary>Writes the policy into the native environment; call before the shim is loaded.</summary>
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var user = Environment.GetEnvironmentVariable(Variable);
        var value = string.IsNullOrEmpty(user) ? DefaultPolicy : user;
        Source = string.IsNullOrEmpty(user) ? "MedLearn default" : "environment";
        if (NativeValue() != value) _ = setenv(Variable, value, 1);
    }

    /// <summary>The variable in the native (libc) environment, as libgomp reads it.</summary>
    internal static string? NativeValue() => Marshal.PtrToStringUTF8(getenv(Variable));

    private const string LibC = "libc.so.6";

    [LibraryImport(LibC, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport(LibC, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);
}
