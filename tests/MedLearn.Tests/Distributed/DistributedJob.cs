using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Distributed;

/// <summary>Starts ranks of a distributed test job as separate processes (the MedLearn worker or a Python torch.distributed peer).</summary>
internal static class DistributedJob
{
    public static string Worker => Path.Combine(AppContext.BaseDirectory, "MedLearn.DistributedWorker.dll");

    /// <summary>A TCP port that was free a moment ago (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Process StartWorker(int rank, int world, int port, double timeoutSeconds, params string[] args) =>
        Start("dotnet", [Worker, .. args], rank, world, port, timeoutSeconds);

    public static Process StartPython(int rank, int world, int port, double timeoutSeconds, params string[] args) =>
        Start(PythonOracle.Python, [PythonOracle.RepoFile("tools/distributed/python_rank.py"), .. args], rank, world, port, timeoutSeconds);

    /// <summary>Waits until something accepts connections on 127.0.0.1:<paramref name="port"/> (a rank 0 hosting the store).</summary>
    public static bool WaitForListener(int port, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        return false;
    }

    private static Process Start(string program, string[] args, int rank, int world, int port, double timeoutSeconds)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["RANK"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["LOCAL_RANK"] = psi.Environment["RANK"];
        psi.Environment["WORLD_SIZE"] = world.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["MASTER_ADDR"] = "127.0.0.1";
        psi.Environment["MASTER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["MEDLEARN_DIST_TIMEOUT"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        return Process.Start(psi)!;
    }

    /// <summary>Waits for the process (killing it after <paramref name="limit"/>) and returns its exit code and output.</summary>
    public static (int Code, string Out, string Err) Finish(Process p, TimeSpan limit)
    {
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-999, stdout.Result, stderr.Result + "\n[killed by the test after " + limit + "]");
        }
        p.WaitForExit();
        var result = (p.ExitCode, stdout.Result, stderr.Result);
        p.Dispose();
        return result;
    }
}
