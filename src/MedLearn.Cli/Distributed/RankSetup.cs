using MedLearn.Torch.Distributed;

namespace MedLearn.Cli.Distributed;

/// <summary>
/// A worker of a distributed job (WORLD_SIZE &gt; 1 in the environment, as torchrun, <c>--nproc</c>, Slurm or Kubernetes set
/// it): joins the process group before the command runs, so every trainer picks it up, and keeps ranks other than 0 from
/// writing the run folder: they write into a private scratch folder (a copy of the run folder when resuming) that is
/// deleted at exit. Only rank 0's run folder, checkpoints and reports exist afterwards.
/// </summary>
internal sealed class RankSetup : IDisposable
{
    private readonly ProcessGroup _group;
    private readonly string? _scratch;

    private RankSetup(ProcessGroup group, string? scratch, string[] args)
    {
        _group = group;
        _scratch = scratch;
        Arguments = args;
    }

    /// <summary>The command line this rank runs.</summary>
    public string[] Arguments { get; }

    /// <summary>Joins the job described by the environment.</summary>
    public static RankSetup Join(string[] args)
    {
        var options = DistributedOptions.FromEnvironment();
        var group = ProcessGroup.Join(options);
        ProcessGroup.Default = group;
        if (group.Rank == 0) return new RankSetup(group, null, args);
        var scratch = Directory.CreateTempSubdirectory($"medlearn-rank{group.Rank}-").FullName;
        return new RankSetup(group, scratch, Redirect(args, scratch));
    }

    /// <summary>--out → the scratch folder; --resume RUN → a copy of RUN (without its lock) in the scratch folder.</summary>
    internal static string[] Redirect(string[] args, string scratch)
    {
        var result = new List<string>();
        var resumed = false;
        for (var i = 0; i < args.Length; i++)
        {
            var (name, value, consumed) = Split(args, i);
            if (name == "--out") { i += consumed; continue; }
            if (name == "--resume" && value is not null)
            {
                var copy = Path.Combine(scratch, Path.GetFileName(Path.TrimEndingDirectorySeparator(value)));
                CopyDirectory(value, copy);
                result.Add("--resume");
                result.Add(copy);
                resumed = true;
                i += consumed;
                continue;
            }
            result.Add(args[i]);
        }
        if (!resumed) { result.Add("--out"); result.Add(Path.Combine(scratch, "runs")); }
        return [.. result];
    }

    private static (string Name, string? Value, int Consumed) Split(string[] args, int i)
    {
        var a = args[i];
        var eq = a.IndexOf('=', StringComparison.Ordinal);
        if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) return (a[..eq], a[(eq + 1)..], 0);
        return (a, i + 1 < args.Length ? args[i + 1] : null, i + 1 < args.Length ? 1 : 0);
    }

    private static void CopyDirectory(string from, string to)
    {
        if (!Directory.Exists(from)) return; // the command reports the missing run folder itself
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            // Rank 0 may already hold the run's lock: a copied lock naming its live PID would refuse this rank's copy.
            if (Path.GetRelativePath(from, file) == Runs.RunLock.FileName) continue;
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose()
    {
        ProcessGroup.Default = null;
        _group.Dispose();
        if (_scratch is not null)
        {
            try { Directory.Delete(_scratch, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
