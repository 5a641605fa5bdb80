namespace MedLearn.Torch;

/// <summary>
/// Process-wide engine settings that must be fixed before the first tensor is made.
/// </summary>
public static class TorchSettings
{
    /// <summary>
    /// Intra-op threads to start libtorch with; null = the environment variable MEDLEARN_NUM_THREADS, else
    /// every core. Only effective if set before the first torch call; later use <see cref="torch.SetNumThreads"/>.
    /// </summary>
    public static int? InitialThreads { get; set; }

    internal static int ResolveInitialThreads()
    {
        if (InitialThreads is int n && n > 0) return n;
        var env = Environment.GetEnvironmentVariable("MEDLEARN_NUM_THREADS");
        if (int.TryParse(env, out var e) && e > 0) return e;
        return Environment.ProcessorCount;
    }
}
