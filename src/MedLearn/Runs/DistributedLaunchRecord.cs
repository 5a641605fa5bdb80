using System.Text.Json.Nodes;
using MedLearn.Torch.Distributed;

namespace MedLearn.Runs;

/// <summary>
/// How a run was launched across processes, kept in run.json under <see cref="MarkerKey"/>: one entry per launch
/// (the first training and every resume) with the world size, backend, SyncBatchNorm and gradient-sync mode, because
/// the same seed gives other numbers on another number of processes (docs/distributed.md). A run that was only ever
/// trained in one process gets no entry; a one-process resume of a distributed run is recorded (world_size 1).
/// </summary>
public static class DistributedLaunchRecord
{
    /// <summary>The run.json key: a list of launches, oldest first.</summary>
    public const string MarkerKey = "distributed_launches";

    /// <summary>Appends this process's launch (<see cref="ProcessGroup.Default"/>) to <paramref name="run"/>'s run.json.</summary>
    public static void Append(RunDirectory run, bool resumed) => Append(run, ProcessGroup.Default?.Options, resumed);

    /// <summary>Appends the launch described by <paramref name="job"/> (null = one process).</summary>
    public static void Append(RunDirectory run, DistributedOptions? job, bool resumed)
    {
        ArgumentNullException.ThrowIfNull(run);
        var launches = RunMarker.Get(run, MarkerKey) as JsonArray;
        if (job is not { WorldSize: > 1 } && launches is null) return;
        launches ??= [];
        launches.Add(new JsonObject
        {
            ["resumed"] = resumed,
            ["world_size"] = job?.WorldSize ?? 1,
            ["backend"] = job is { WorldSize: > 1 } ? job.Backend : null,
            ["sync_batchnorm"] = job is { WorldSize: > 1 } && job.SyncBatchNorm,
            ["grad_sync"] = job is { WorldSize: > 1 } ? (job.GradientSync == GradientSync.Overlapped ? "overlap" : "after-backward") : null,
            ["started_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        });
        RunMarker.Set(run, MarkerKey, launches);
    }
}
