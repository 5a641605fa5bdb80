using System.Diagnostics;

namespace MedLearn.Tests.Cli;

/// <summary>
/// MedLearn sets OpenMP's wait policy to PASSIVE in the native environment before libtorch (and libgomp) load,
/// unless the user set one. Checked as libgomp itself sees it: a child <c>medlearn doctor</c> with
/// <c>OMP_DISPLAY_ENV=VERBOSE</c> makes libgomp print its settings when it initialises (passive means a spin count
/// of 0; libgomp's unset default spins 300000 times).
/// </summary>
public sealed class OpenMpWaitPolicyTests
{
    private static (string Gomp, string Out) Doctor(string? waitPolicy)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "medlearn.dll"));
        start.ArgumentList.Add("doctor");
        start.Environment["OMP_DISPLAY_ENV"] = "VERBOSE";
        if (waitPolicy is null) start.Environment.Remove("OMP_WAIT_POLICY");
        else start.Environment["OMP_WAIT_POLICY"] = waitPolicy;
        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.True(child.ExitCode == 0, stdout + stderr.Result);
        return (stderr.Result + stdout, stdout);
    }

    [Fact]
    public void PassiveIsTheDefaultAsLibgompSeesIt()
    {
        var (gomp, output) = Doctor(null);
        Assert.Contains("OMP_WAIT_POLICY = 'PASSIVE'", gomp, StringComparison.Ordinal);
        Assert.Contains("GOMP_SPINCOUNT = '0'", gomp, StringComparison.Ordinal);
        Assert.Contains("PASSIVE (MedLearn default", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExplicitUserValueIsKept()
    {
        var (gomp, output) = Doctor("ACTIVE");
        Assert.Contains("OMP_WAIT_POLICY = 'ACTIVE'", gomp, StringComparison.Ordinal);
        Assert.DoesNotContain("GOMP_SPINCOUNT = '0'", gomp, StringComparison.Ordinal);
        Assert.Contains("ACTIVE (environment", output, StringComparison.Ordinal);
    }
}
