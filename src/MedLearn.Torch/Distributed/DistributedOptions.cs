using System.Globalization;

namespace MedLearn.Torch.Distributed;

/// <summary>
/// Where and as whom a process joins a distributed job: the rendezvous (TCP store) address, this process's rank,
/// the number of processes and the backend. <see cref="FromEnvironment"/> reads the variables torchrun, Slurm
/// wrappers and Kubernetes operators set (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK).
/// </summary>
public sealed record DistributedOptions
{
    /// <summary>Default collective and rendezvous timeout (PyTorch's default is 30 min; ours is shorter so a dead peer is reported sooner).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>"gloo" (CPU, always compiled) or "nccl" (GPU, only in a shim built against a CUDA libtorch).</summary>
    public string Backend { get; init; } = "gloo";

    /// <summary>Host of rank 0's TCP store (MASTER_ADDR).</summary>
    public string MasterAddress { get; init; } = "127.0.0.1";

    /// <summary>Port of the TCP store (MASTER_PORT; torchrun's default 29500).</summary>
    public int MasterPort { get; init; } = 29500;

    /// <summary>Global rank of this process, 0..WorldSize−1 (RANK).</summary>
    public int Rank { get; init; }

    /// <summary>Number of processes in the job (WORLD_SIZE).</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>Rank of this process on its machine (LOCAL_RANK; selects the GPU with NCCL).</summary>
    public int LocalRank { get; init; }

    /// <summary>Timeout of the rendezvous and of every collective; a peer that does not answer within it is an error.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>True when a launcher's agent hosts the store (torchrun's TORCHELASTIC_USE_AGENT_STORE=True): rank 0 then connects instead of listening.</summary>
    public bool AgentStore { get; init; }

    /// <summary>
    /// SyncBatchNorm: batch-norm layers use the statistics of the global batch (all ranks) in training instead of each
    /// rank's own (MEDLEARN_SYNC_BN=1, the CLI's --sync-bn). Default off, as in PyTorch DDP.
    /// </summary>
    public bool SyncBatchNorm { get; init; }

    /// <summary>When gradients are all-reduced (MEDLEARN_GRAD_SYNC=overlap|after-backward, the CLI's --grad-sync).</summary>
    public GradientSync GradientSync { get; init; } = DefaultGradientSync;

    /// <summary>The gradient all-reduce mode used unless told otherwise (chosen from bench/results/ddp.md).</summary>
    public const GradientSync DefaultGradientSync = GradientSync.Overlapped;

    /// <summary>Parses a gradient-sync name: "overlap" or "after-backward".</summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static GradientSync ParseGradientSync(string value, string source) => value.Trim().ToLowerInvariant() switch
    {
        "overlap" or "overlapped" => GradientSync.Overlapped,
        "after-backward" => GradientSync.AfterBackward,
        _ => throw new ArgumentException($"{source}='{value}' is not a gradient sync mode (expected overlap or after-backward)"),
    };

    /// <summary>Whether the environment describes a multi-process job (WORLD_SIZE set and above 1).</summary>
    public static bool IsDistributedEnvironment(Func<string, string?>? getenv = null)
    {
        getenv ??= Environment.GetEnvironmentVariable;
        return int.TryParse(getenv("WORLD_SIZE"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w > 1;
    }

    /// <summary>
    /// Options from the torchrun variables: MASTER_ADDR (default 127.0.0.1), MASTER_PORT (default 29500), RANK,
    /// WORLD_SIZE, LOCAL_RANK (default RANK), TORCHELASTIC_USE_AGENT_STORE, and MEDLEARN_DIST_TIMEOUT (seconds),
    /// MEDLEARN_DIST_BACKEND (gloo|nccl), MEDLEARN_SYNC_BN (1|0) and MEDLEARN_GRAD_SYNC (overlap|after-backward).
    /// </summary>
    /// <exception cref="ArgumentException">A variable is present but malformed (the message names it).</exception>
    public static DistributedOptions FromEnvironment(Func<string, string?>? getenv = null)
    {
        getenv ??= Environment.GetEnvironmentVariable;
        int Int(string name, int fallback, int min, int max)
        {
            var s = getenv(name);
            if (string.IsNullOrWhiteSpace(s)) return fallback;
            if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw new ArgumentException($"environment variable {name}='{s}' is not an integer in {min}..{max}");
            return v;
        }
        var world = Int("WORLD_SIZE", 1, 1, 1 << 20);
        var rank = Int("RANK", 0, 0, world - 1);
        var timeout = getenv("MEDLEARN_DIST_TIMEOUT") is { Length: > 0 } t
            ? (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var sec) && sec > 0
                ? TimeSpan.FromSeconds(sec)
                : throw new ArgumentException($"environment variable MEDLEARN_DIST_TIMEOUT='{t}' is not a positive number of seconds"))
            : DefaultTimeout;
        return new DistributedOptions
        {
            Backend = getenv("MEDLEARN_DIST_BACKEND") is { Length: > 0 } b ? b : "gloo",
            MasterAddress = getenv("MASTER_ADDR") is { Length: > 0 } a ? a : "127.0.0.1",
            MasterPort = Int("MASTER_PORT", 29500, 1, 65535),
            Rank = rank,
            WorldSize = world,
            LocalRank = Int("LOCAL_RANK", rank, 0, 1 << 20),
            Timeout = timeout,
            AgentStore = string.Equals(getenv("TORCHELASTIC_USE_AGENT_STORE"), "True", StringComparison.OrdinalIgnoreCase),
            SyncBatchNorm = getenv("MEDLEARN_SYNC_BN") is { Length: > 0 } sb
                ? sb.Trim() switch
                {
                    "1" or "true" or "True" => true,
                    "0" or "false" or "False" => false,
                    _ => throw new ArgumentException($"environment variable MEDLEARN_SYNC_BN='{sb}' is not 1 or 0"),
                }
                : false,
            GradientSync = getenv("MEDLEARN_GRAD_SYNC") is { Length: > 0 } gs ? ParseGradientSync(gs, "environment variable MEDLEARN_GRAD_SYNC") : DefaultGradientSync,
        };
    }
}
