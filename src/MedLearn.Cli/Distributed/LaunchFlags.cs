using System.Globalization;
using MedLearn.Torch.Distributed;

namespace MedLearn.Cli.Distributed;

/// <summary>
/// torchrun's launch flags, accepted anywhere on a <c>medlearn train ...</c> command line and removed before the
/// command is parsed: <c>--nproc N</c> (processes on this machine), <c>--nnodes M</c>, <c>--node-rank K</c>,
/// <c>--master-addr HOST</c>, <c>--master-port P</c>; and the data-parallel options <c>--sync-bn</c> (SyncBatchNorm) and
/// <c>--grad-sync overlap|after-backward</c>, which reach every rank as MEDLEARN_SYNC_BN / MEDLEARN_GRAD_SYNC.
/// </summary>
internal sealed record LaunchFlags(int? NProc, int NNodes, int NodeRank, string? MasterAddress, int? MasterPort, string[] Rest)
{
    private static readonly string[] Names = ["--nproc", "--nnodes", "--node-rank", "--master-addr", "--master-port", "--grad-sync"];

    /// <summary>--sync-bn was given.</summary>
    public bool SyncBatchNorm { get; init; }

    /// <summary>--grad-sync, when given.</summary>
    public GradientSync? GradientSync { get; init; }

    /// <summary>Hands --sync-bn / --grad-sync to this process's rank setup and to the workers it starts (they inherit the environment).</summary>
    public void ExportDataParallelOptions()
    {
        if (SyncBatchNorm) Environment.SetEnvironmentVariable("MEDLEARN_SYNC_BN", "1");
        if (GradientSync is { } g)
            Environment.SetEnvironmentVariable("MEDLEARN_GRAD_SYNC", g == Torch.Distributed.GradientSync.Overlapped ? "overlap" : "after-backward");
    }

    /// <summary>Whether any launch flag was given.</summary>
    public bool Any => NProc is not null || NNodes != 1 || NodeRank != 0 || MasterAddress is not null || MasterPort is not null;

    /// <summary>Splits the launch flags off <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">A flag lacks its value or the value is out of range (the message names it).</exception>
    public static LaunchFlags Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? a[..eq] : a;
            if (a == "--sync-bn") { values[a] = "1"; continue; }
            if (!Names.Contains(name)) { rest.Add(a); continue; }
            if (eq > 0) values[name] = a[(eq + 1)..];
            else if (i + 1 < args.Length) values[name] = args[++i];
            else throw new ArgumentException($"{name} needs a value");
        }
        int? Int(string name, int min, int max)
        {
            if (!values.TryGetValue(name, out var s)) return null;
            return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v : throw new ArgumentException($"{name} must be an integer in {min}..{max}, got '{s}'");
        }
        var nnodes = Int("--nnodes", 1, 1 << 16) ?? 1;
        var nodeRank = Int("--node-rank", 0, nnodes - 1) ?? 0;
        var flags = new LaunchFlags(Int("--nproc", 1, 1024), nnodes, nodeRank, values.GetValueOrDefault("--master-addr"), Int("--master-port", 1, 65535), [.. rest])
        {
            SyncBatchNorm = values.ContainsKey("--sync-bn"),
            GradientSync = values.TryGetValue("--grad-sync", out var gs) ? DistributedOptions.ParseGradientSync(gs, "--grad-sync") : null,
        };
        if (flags.NProc is null && flags.Any)
            throw new ArgumentException("--nnodes, --node-rank, --master-addr and --master-port need --nproc N (processes on this machine)");
        if (nnodes > 1 && flags.MasterAddress is null)
            throw new ArgumentException("a job on several machines (--nnodes > 1) needs --master-addr (the host of node rank 0)");
        return flags;
    }
}
