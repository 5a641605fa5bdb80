using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MedLearn.Cli.Distributed;

/// <summary>
/// <c>--nproc N</c>: starts N worker processes of this same command on this machine, like
/// <c>torchrun --standalone --nproc-per-node N</c> (one machine: a free port on 127.0.0.1) or
/// <c>torchrun --nnodes M --node-rank K --master-addr H --master-port P</c> (several machines). Each worker gets the
/// torchrun variables (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT) and an equal share
/// of the cores (MEDLEARN_NUM_THREADS, unless set). Rank 0's output is shown as is; other ranks show only their
/// errors, prefixed with the rank. When a worker fails, the others are stopped and its exit code is returned.
/// </summary>
internal static partial class WorkerLauncher
{
    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public static int Run(LaunchFlags flags)
    {
        var nproc = flags.NProc!.Value;
        var world = nproc * flags.NNodes;
        var standalone = flags.NNodes == 1;
        var address = flags.MasterAddress ?? "127.0.0.1";
        var port = flags.MasterPort ?? (standalone ? FreePort() : 29500);
        var threads = Math.Max(1, Environment.ProcessorCount / nproc);
        var (program, prefix) = SelfCommand();
        var workers = new List<(int Rank, Process Process, Task Pump)>();
        // Ctrl-C reaches the workers through the terminal's process group; the launcher waits for them to save and exit.
        ConsoleCancelEventHandler ignore = (_, e) => e.Cancel = true;
        Console.CancelKeyPress += ignore;
        // SIGTERM (a scheduler's or `docker stop`'s) is not delivered to the workers by a terminal: pass it on, so they
        // save their checkpoint and exit 130 like a single process would.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            lock (workers)
                foreach (var (_, p, _) in workers)
                    if (!p.HasExited) Kill(p.Id, SigTerm);
        });
        try
        {
            for (var local = 0; local < nproc; local++)
            {
                var rank = flags.NodeRank * nproc + local;
                var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = rank != 0, RedirectStandardError = rank != 0 };
                foreach (var a in prefix.Concat(flags.Rest)) psi.ArgumentList.Add(a);
                psi.Environment["RANK"] = rank.ToString(CultureInfo.InvariantCulture);
                psi.Environment["LOCAL_RANK"] = local.ToString(CultureInfo.InvariantCulture);
                psi.Environment["WORLD_SIZE"] = world.ToString(CultureInfo.InvariantCulture);
                psi.Environment["LOCAL_WORLD_SIZE"] = nproc.ToString(CultureInfo.InvariantCulture);
                psi.Environment["GROUP_RANK"] = flags.NodeRank.ToString(CultureInfo.InvariantCulture);
                psi.Environment["MASTER_ADDR"] = address;
                psi.Environment["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MEDLEARN_NUM_THREADS")))
                    psi.Environment["MEDLEARN_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
                var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start worker rank {rank}");
                var pump = rank == 0 ? Task.CompletedTask : Task.WhenAll(
                    Task.Run(() => Drain(p.StandardOutput, null)),
                    Task.Run(() => Drain(p.StandardError, $"[rank {rank}] ")));
                lock (workers) workers.Add((rank, p, pump));
            }
            return Wait(workers);
        }
        finally
        {
            Console.CancelKeyPress -= ignore;
            foreach (var (_, p, _) in workers)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
        }
    }

    private static int Wait(List<(int Rank, Process Process, Task Pump)> workers)
    {
        var pending = workers.ToList();
        int? failure = null;
        DateTime? deadline = null;
        while (pending.Count > 0)
        {
            var done = pending.FirstOrDefault(w => w.Process.WaitForExit(50));
            if (done.Process is not null)
            {
                done.Process.WaitForExit();
                done.Pump.Wait(TimeSpan.FromSeconds(5));
                pending.Remove(done);
                if (done.Process.ExitCode != 0 && failure is null)
                {
                    failure = done.Process.ExitCode;
                    deadline = DateTime.UtcNow + Grace;
                    if (pending.Count > 0 && done.Process.ExitCode != ExitCodes.Interrupted)
                        Console.Error.WriteLine($"medlearn: worker rank {done.Rank} exited with code {done.Process.ExitCode}; stopping the other workers");
                }
            }
            if (deadline is DateTime d && DateTime.UtcNow > d)
            {
                foreach (var w in pending) w.Process.Kill(entireProcessTree: true);
                deadline = null;
            }
        }
        return failure ?? 0;
    }

    private static void Drain(StreamReader reader, string? prefix)
    {
        while (reader.ReadLine() is { } line)
            if (prefix is not null) Console.Error.WriteLine(prefix + line);
    }

    /// <summary>How to start this program again: the apphost, or <c>dotnet medlearn.dll</c>.</summary>
    private static (string Program, string[] Prefix)SelfCommand()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var entry = typeof(WorkerLauncher).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [entry]) : (process, []);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
