using System.Text.RegularExpressions;

namespace MedLearn.Torch.Interop;

/// <summary>
/// Turns the dynamic loader's message for a shim whose dependencies are missing into one a user can act on: which
/// library is missing and how to install it (libtorch and the decoders the shim links come from Debian packages).
/// </summary>
internal static partial class NativeLoadErrors
{
    [GeneratedRegex(@"(?<lib>lib[\w.+-]*\.so[\w.]*): cannot open shared object file")]
    private static partial Regex MissingLibrary();

    /// <summary>The missing library named in a dlopen() error ("libtorch_cpu.so.1.13: cannot open shared object file ..."), or null.</summary>
    public static string? MissingDependency(string loaderMessage)
    {
        ArgumentNullException.ThrowIfNull(loaderMessage);
        var m = MissingLibrary().Match(loaderMessage);
        // The shim itself not being found is a different problem (the caller's "not found" message).
        return m.Success && !m.Groups["lib"].Value.StartsWith("libmedlearn_shim", StringComparison.Ordinal) ? m.Groups["lib"].Value : null;
    }

    /// <summary>What to install for <paramref name="library"/> (a libtorch, OpenCV, GDCM or BLAS library; otherwise generic).</summary>
    public static string MissingDependencyMessage(string shimPath, string library)
    {
        var install = library switch
        {
            _ when library.StartsWith("libtorch", StringComparison.Ordinal) || library.StartsWith("libc10", StringComparison.Ordinal)
                => "MedLearn needs libtorch 1.13 (PyTorch's C++ library, CPU): on Debian 12 `sudo apt-get install libtorch-dev libopenblas0-openmp`; "
                   + "for another libtorch put its lib folder on LD_LIBRARY_PATH (a shim built against it: `dotnet build -p:LibTorchPath=...`, then MEDLEARN_SHIM)",
            _ when library.StartsWith("libopencv", StringComparison.Ordinal) => "image decoding needs OpenCV: on Debian 12 `sudo apt-get install libopencv-dev`",
            _ when library.StartsWith("libgdcm", StringComparison.Ordinal) => "DICOM decoding needs GDCM: on Debian 12 `sudo apt-get install libgdcm-dev`",
            _ => "install the package that provides it (Debian: `apt-file search " + library + "`), or add its folder to LD_LIBRARY_PATH; "
                 + "MedLearn's native dependencies: `sudo apt-get install libtorch-dev libopenblas0-openmp libopencv-dev libgdcm-dev`",
        };
        return $"cannot load MedLearn's native shim {shimPath}: it needs {library}, which is not installed or not on the library path. {install}.";
    }
}
