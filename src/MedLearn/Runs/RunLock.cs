using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MedLearn.Runs;

/// <summary>
/// An exclusive claim on a run folder while a process trains it: the file <c>.lock</c> in the folder, created with
/// create-new semantics (atomic on local and NFS file systems) and holding <c>pid</c>, <c>host</c>, the process's
/// start time and the time the lock was taken. A second process gets "run folder X is in use by PID N on HOST".
/// A lock of this host whose process is gone (or whose PID now belongs to a process started at another time) is
/// stale: it is taken over. A lock of another host is never taken over (its processes cannot be checked): delete the
/// file when that host's process is known to be gone.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>The lock file's name in the run folder.</summary>
    public const string FileName = ".lock";

    private readonly string _path;
    private bool _released;

    private RunLock(string path) => _path = path;

    /// <summary>Whether a stale lock (dead process of this host) was taken over.</summary>
    public bool TookOverStaleLock { get; private init; }

    /// <summary>Takes the lock of <paramref name="runFolder"/>.</summary>
    /// <exception cref="RunFileException">Another live process holds it (the message names PID and host).</exception>
    public static RunLock Acquire(string runFolder)
    {
        var path = Path.Combine(runFolder, FileName);
        var tookOver = false;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    stream.Write(Encoding.UTF8.GetBytes(Describe(Environment.ProcessId, Environment.MachineName, SelfStart(), DateTimeOffset.UtcNow)));
                return new RunLock(path) { TookOverStaleLock = tookOver };
            }
            catch (IOException) when (File.Exists(path))
            {
                var holder = Read(path);
                if (holder is not null && !IsStale(holder.Value))
                    throw new RunFileException(runFolder, $"run folder {runFolder} is in use by PID {holder.Value.Pid} on {holder.Value.Host} " +
                        $"(since {holder.Value.Since}); wait for it to finish" +
                        (holder.Value.Host == Environment.MachineName ? "" : $", or delete {path} if that process is gone"));
                // Stale (its process is gone) or unreadable (a writer killed mid-write): take it over.
                try { File.Delete(path); } catch (IOException) { }
                tookOver = true;
            }
        }
        throw new RunFileException(runFolder, $"run folder {runFolder}: cannot take the lock {path} (another process keeps taking it)");
    }

    private readonly record struct Holder(int Pid, string Host, string ProcessStart, string Since);

    private static string Describe(int pid, string host, string start, DateTimeOffset since) =>
        string.Create(CultureInfo.InvariantCulture, $"pid={pid}\nhost={host}\nprocess_start={start}\nsince={since:yyyy-MM-dd'T'HH:mm:ss'Z'}\n");

    private static Holder? Read(string path)
    {
        try
        {
            var fields = File.ReadAllLines(path).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            return fields.TryGetValue("pid", out var pid) && int.TryParse(pid, CultureInfo.InvariantCulture, out var n) && fields.TryGetValue("host", out var host)
                ? new Holder(n, host, fields.GetValueOrDefault("process_start", ""), fields.GetValueOrDefault("since", "?"))
                : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static bool IsStale(Holder holder)
    {
        if (holder.Host != Environment.MachineName) return false;
        try
        {
            using var process = Process.GetProcessById(holder.Pid);
            if (process.HasExited) return true;
            return holder.ProcessStart.Length > 0 && StartOf(process) is { } start && start != holder.ProcessStart; // the PID was reused
        }
        catch (ArgumentException) { return true; } // no such process
        catch (InvalidOperationException) { return true; }
    }

    private static string SelfStart()
    {
        using var self = Process.GetCurrentProcess();
        return StartOf(self) ?? "";
    }

    private static string? StartOf(Process process)
    {
        try { return process.StartTime.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException) { return null; }
    }

    /// <summary>Releases the lock (deletes the file); a folder already removed is fine.</summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try { File.Delete(_path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
