using System.Diagnostics;

namespace MedLearn.Torch.Tests;

/// <summary>
/// Runs checked-in Python scripts with Debian's python3-torch (the oracle). CI installs it; when it is
/// missing the calling test fails with the install instruction (never a silent skip).
/// </summary>
public static class PythonOracle
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Absolute path of a file of this repository (searched upwards from the test binaries).</summary>
    public static string RepoFile(string relative)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, relative);
            if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs <paramref name="script"/> in its folder; fails the test if python or torch is missing.</summary>
    public static (int Code, string Out, string Err) RunScript(string script, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var result = Run(Path.GetDirectoryName(script)!, environment, [script, .. args]);
        if (result.Code != 0 && result.Err.Contains("No module named 'torch'"))
            Assert.Fail($"{Python} has no torch: install Debian's python3-torch (apt-get install python3-torch)");
        return result;
    }

    private static (int Code, string Out, string Err) Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        if (!File.Exists(Python))
            Assert.Fail($"{Python} not found: install Debian's python3-torch (apt-get install python3-torch)");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"python {string.Join(' ', args)} timed out");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
