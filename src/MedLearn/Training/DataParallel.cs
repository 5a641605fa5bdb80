using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MedLearn.Data.Loading;
using MedLearn.Torch;
using MedLearn.Torch.Distributed;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;

namespace MedLearn.Training;

/// <summary>
/// The trainer's data-parallel machinery (PyTorch's DistributedDataParallel over a c10d group): start-up state
/// broadcast, a consistency check of the ranks' settings and data, per-step reduction of the loss and logs, and the
/// bucketed gradient all-reduce (overlapped with backward or after it), and SyncBatchNorm.
/// </summary>
/// <remarks>
/// Gradient averaging weights each rank by its share of the global batch (n_r / Σn), so the synchronised gradient is
/// the gradient of the mean loss over the concatenated global batch, also when the last batch splits unevenly.
/// </remarks>
internal sealed class DataParallel(ProcessGroup group, long bucketBytes)
{
    private static readonly string[] FingerprintParts = ["trainer settings", "model architecture", "optimiser settings", "training data (items and batches)", "validation data"];

    public ProcessGroup Group { get; } = group;

    public int Rank => Group.Rank;

    public int WorldSize => Group.WorldSize;

    public bool IsWriter => Group.Rank == 0;

    /// <summary>Overwrites the parameters and buffers of <paramref name="modules"/> with rank 0's.</summary>
    public void BroadcastState(IEnumerable<Module> modules)
    {
        var tensors = modules.SelectMany(m => m.Parameters().Concat(m.NamedBuffers().Select(b => b.Buffer))).ToArray();
        using (GradMode.NoGrad()) Group.BroadcastCoalesced(tensors, root: 0, bucketBytes);
    }

    /// <summary>Overwrites the buffers (BatchNorm running statistics, ...) of <paramref name="modules"/> with rank 0's (DDP's broadcast_buffers).</summary>
    public void BroadcastBuffers(IEnumerable<Module> modules)
    {
        var buffers = modules.SelectMany(m => m.NamedBuffers().Select(b => b.Buffer)).ToArray();
        if (buffers.Length > 0) Group.BroadcastCoalesced(buffers, root: 0, bucketBytes);
    }

    /// <summary>Sums over the ranks: [loss·n, n, non-finite count, log_i·n ...]; every rank gets the global values.</summary>
    public (double Loss, int Samples, int NonFiniteRanks, double[] Logs) ReduceStep(double loss, int samples, IReadOnlyList<double> logs)
    {
        var finite = double.IsFinite(loss);
        var values = new double[3 + logs.Count];
        values[0] = finite ? loss * samples : 0;
        values[1] = samples;
        values[2] = finite ? 0 : 1;
        for (var i = 0; i < logs.Count; i++) values[3 + i] = double.IsFinite(logs[i]) ? logs[i] * samples : 0;
        using var scope = DisposeScope.Open();
        var t = torch.FromArray(values, values.Length);
        Group.AllReduce(t, ReduceOp.Sum);
        var sum = t.ToArray<double>();
        var n = (int)Math.Round(sum[1]);
        var denominator = n > 0 ? n : 1;
        return (sum[0] / denominator, n, (int)Math.Round(sum[2]), [.. sum.Skip(3).Select(v => v / denominator)]);
    }

    /// <summary>True on every rank when <paramref name="flag"/> is true on any (e.g. a stop request that reached one process).</summary>
    public bool AnyRank(bool flag)
    {
        using var scope = DisposeScope.Open();
        var t = torch.FromArray(new[] { flag ? 1 : 0 }, 1);
        Group.AllReduce(t, ReduceOp.Max);
        return t.ToArray<int>()[0] > 0;
    }

    /// <summary>Replaces the values of <paramref name="metrics"/> with rank 0's (same names on every rank: the same task computed them).</summary>
    public void BroadcastMetrics(Dictionary<string, double> metrics)
    {
        var names = metrics.Keys.Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0) return;
        using var scope = DisposeScope.Open();
        var t = torch.FromArray(names.Select(n => metrics[n]).ToArray(), names.Length);
        Group.Broadcast([t], root: 0);
        var values = t.ToArray<double>();
        for (var i = 0; i < names.Length; i++) metrics[names[i]] = values[i];
    }

    /// <summary>
    /// Starts this step's gradient synchronisation before backward: records this rank's weight n_local/n_global (read
    /// by SyncBatchNorm's backward) and, with an overlapped sync, arms its accumulator hooks.
    /// </summary>
    public void BeginGradients(OverlappedGradientSync? overlapped, int localSamples, int globalSamples)
    {
        var weight = Weight(localSamples, globalSamples);
        Group.SetGradientWeight(weight);
        overlapped?.Prepare(weight);
    }

    /// <summary>Completes the gradient synchronisation after backward: waits for the overlapped buckets, or all-reduces all of them now.</summary>
    public void EndGradients(OverlappedGradientSync? overlapped, Tensor[] parameters, int localSamples, int globalSamples)
    {
        if (overlapped is not null) overlapped.Finish();
        else AllReduceGradients(parameters, localSamples, globalSamples);
    }

    private double Weight(int localSamples, int globalSamples) => globalSamples > 0 ? (double)localSamples / globalSamples : 1.0 / WorldSize;

    /// <summary>Averages the gradients of <paramref name="parameters"/> over the ranks, weighting this rank by <paramref name="localSamples"/>/<paramref name="globalSamples"/>.</summary>
    public void AllReduceGradients(Tensor[] parameters, int localSamples, int globalSamples) =>
        Group.AllReduceGradients(parameters, Weight(localSamples, globalSamples), bucketBytes);

    /// <summary>Hooks <paramref name="parameters"/> for the gradient all-reduce overlapped with backward.</summary>
    public OverlappedGradientSync Overlap(Tensor[] parameters) => new(Group, parameters, bucketBytes);

    /// <summary>
    /// Compares hashes of what must be identical on every rank (trainer settings, model architecture, optimiser
    /// settings, training and validation data); throws naming the part and the ranks that differ from rank 0.
    /// </summary>
    public void CheckConsistency(TrainerOptions options, Module model, Optimizer optimizer, DataLoader train, DataLoader? validation)
    {
        var parts = new[]
        {
            Describe(options),
            string.Join(';', model.StateDict().Select(kv => $"{kv.Key}:{kv.Value.DType}[{string.Join(',', kv.Value.Shape)}]")),
            string.Join(';', optimizer.ParamGroups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.GetType().Name}:{g.Parameters.Count}:{g.Lr:R}:{g.WeightDecay:R}"))),
            Describe(train),
            validation is null ? "none" : Describe(validation),
        };
        var hashes = parts.Select(Hash).ToArray();
        using var scope = DisposeScope.Open();
        var gathered = Group.AllGather(torch.FromArray(hashes, hashes.Length)).Select(t => t.ToArray<long>()).ToArray();
        var problems = new List<string>();
        for (var p = 0; p < parts.Length; p++)
        {
            var differing = Enumerable.Range(1, WorldSize - 1).Where(r => gathered[r][p] != gathered[0][p]).ToArray();
            if (differing.Length > 0)
                problems.Add($"{FingerprintParts[p]} of rank{(differing.Length > 1 ? "s" : "")} {string.Join(", ", differing)} differ from rank 0's");
        }
        if (problems.Count > 0)
            throw new InvalidOperationException(
                $"the processes of this distributed run disagree: {string.Join("; ", problems)} — start every rank with the same command, settings and data (same files, same split)");
    }

    private static string Describe(TrainerOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"{o.Epochs}|{o.SyncBatchNorm}|{o.GradientSync}|{o.Precision}|{o.SpatialDims}|{o.Seed}|{o.GradientClipNorm}|{o.KeepBest}|{o.MonitorMetric}|{o.MonitorGoal}|{o.EarlyStoppingPatience}|{o.EarlyStoppingMinDelta}|{o.ValidateEvery}|{o.CheckpointEverySteps}|{o.CheckpointEveryEpochs}");

    // File names (not full paths: the data may be mounted elsewhere on another machine), labels and batch layout.
    private static string Describe(DataLoader loader)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{loader.Dataset.Count}|{string.Join(',', loader.BatchSampler.StreamSizes)}|{loader.BatchesPerEpoch}|{loader.Options.Seed}|");
        foreach (var item in loader.Dataset.Items)
            sb.Append(Path.GetFileName(item.Path)).Append(':').Append(item.Label.ToString(CultureInfo.InvariantCulture)).Append(item.Labeled ? 'L' : 'U').Append(';');
        return sb.ToString();
    }

    private static long Hash(string s) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(s)), 0);
}
