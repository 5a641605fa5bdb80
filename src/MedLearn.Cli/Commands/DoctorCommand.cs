using System.CommandLine;
using MedLearn.Torch;

namespace MedLearn.Cli.Commands;

/// <summary><c>medlearn doctor</c>: what engine this installation runs on, or why it cannot load.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var verbose = new Option<bool>("--config") { Description = "Also print libtorch's full build configuration." };
        var command = new Command("doctor", "Check the native engine: libtorch version and path, shim, threads, oneDNN, CUDA.") { verbose };
        command.SetAction(parse => Run(parse.GetValue(verbose)));
        return command;
    }

    private static int Run(bool showConfig)
    {
        IReadOnlyList<string> trace;
        try
        {
            trace = torch.LoadNative();
        }
        catch (Exception e)
        {
            var inner = e is TypeInitializationException { InnerException: { } ie } ? ie : e;
            Console.Error.WriteLine("medlearn doctor: FAILED to load the native engine.");
            Console.Error.WriteLine(inner.Message);
            Console.Error.WriteLine("Fix: apt-get install libtorch-dev libopenblas0-openmp, then `dotnet build` (builds native/ into libmedlearn_shim.so).");
            return 1;
        }

        Row("MedLearn", MedLearnInfo.Version);
        Row("shim", $"{torch.ShimVersion} at {torch.ShimPath}");
        Row("libtorch", $"{torch.Version} at {torch.LibTorchPath}");
        Row("intra-op threads", $"{torch.NumThreads} (machine cores: {Environment.ProcessorCount}; override with MEDLEARN_NUM_THREADS)");
        var (policy, source) = torch.OpenMpWaitPolicy;
        Row("OMP_WAIT_POLICY", $"{policy ?? "unset"} ({source}; override by setting OMP_WAIT_POLICY, e.g. ACTIVE on dedicated cores)");
        Row("oneDNN", torch.HasOneDnn ? "available" : "not available");
        Row("OpenMP", torch.HasOpenMP ? "yes" : "no");
        Row("CPU capability", torch.CpuCapability);
        Row("CUDA", torch.CudaIsAvailable ? $"available, {torch.CudaDeviceCount} device(s)" : "not available (CPU build of libtorch or no GPU)");
        Row("distributed", $"c10d backends compiled: {string.Join(", ", MedLearn.Torch.Distributed.ProcessGroup.CompiledBackends)}"
            + (MedLearn.Torch.Distributed.ProcessGroup.CompiledBackends.Contains("nccl") ? "" : " (nccl needs a shim built against a CUDA libtorch with -p:MedLearnNccl=ON)"));
        Row("probe", string.Join("; ", trace));

        // A real op end to end, so "doctor OK" means the engine computes.
        using var scope = DisposeScope.Open();
        var check = (torch.Ones(2, 2).MatMul(torch.Ones(2, 2)).Sum()).ToDouble();
        Row("self-test", check == 8 ? "ok (ones(2,2) @ ones(2,2) sums to 8)" : $"WRONG: got {check}, expected 8");
        if (showConfig) Console.WriteLine(torch.BuildConfig);
        return check == 8 ? 0 : 1;
    }

    private static void Row(string name, string value) => Console.WriteLine($"{name,-17} {value}");
}
