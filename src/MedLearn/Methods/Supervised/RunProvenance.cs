using System.Runtime.InteropServices;
using MedLearn.Torch;
using MedLearn.Torch.Amp;

namespace MedLearn.Methods.Supervised;

/// <summary>The header comment of config.resolved.yaml: versions, machine and seed, so a run can be reproduced.</summary>
public static class RunProvenance
{
    /// <summary>Lines (without '#') describing the software and machine.</summary>
    public static string Comment(ulong seed) => string.Join('\n',
        $"resolved configuration of a MedLearn run (every option used; rerun with --config this-file)",
        $"medlearn {MedLearnInfo.Version}, libtorch {torch.Version}, shim {torch.ShimVersion}, {RuntimeInformation.FrameworkDescription}",
        $"machine: {CpuFeatures.Current.ModelName}, {Environment.ProcessorCount} cores, {torch.NumThreads} torch threads, {RuntimeInformation.OSDescription}",
        $"created {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, seed {seed}");
}
