using System.Diagnostics;

namespace MedLearn.Tests.Reports;

/// <summary>Runs Debian's headless chromium (/usr/bin/chromium, installed by setup.sh) on a local file.</summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Fails the test (never skips) when chromium is missing.</summary>
    public static void Require()
    {
        if (!File.Exists(Path))
            Assert.Fail($"{Path} not found: the report rendering test needs Debian's chromium; run ./setup.sh to install it.");
    }

    /// <summary>Loads <paramref name="htmlFile"/> and returns the serialised DOM after the load event.</summary>
    public static string DumpDom(string htmlFile, string workDir) =>
        Run(workDir, ["--dump-dom", "--window-size=1280,900", new Uri(htmlFile).AbsoluteUri]);

    /// <summary>Takes a screenshot of the top <paramref name="width"/> × <paramref name="height"/> CSS pixels into <paramref name="pngFile"/>.</summary>
    public static void Screenshot(string htmlFile, string pngFile, int width, int height, string workDir) =>
        Run(workDir, [$"--screenshot={pngFile}", $"--window-size={width},{height}", "--hide-scrollbars", new Uri(htmlFile).AbsoluteUri]);

    private static string Run(string workDir, string[] args)
    {
        Require();
        var psi = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
                     $"--user-data-dir={System.IO.Path.Combine(workDir, "chromium-profile")}",
                 })
            psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = workDir; // keep chromium's caches out of the user's home
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start chromium");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("headless chromium did not finish within 60 s");
        }
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"chromium exited with {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
