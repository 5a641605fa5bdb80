using Microsoft.Playwright;

namespace MedLearn.Server.Tests;

/// <summary>Debian's chromium under Microsoft.Playwright (no browser download, offline), as the viewer tests drive it.</summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Path), "Debian's chromium is missing: run ./setup.sh");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A 1280 x 900 page at device scale 1 (one screenshot pixel per CSS pixel).</summary>
    /// <remarks>The viewer forbids eval (CSP script-src 'self'); Playwright's own probes need it, so the page bypasses the policy.</remarks>
    public static Task<IPage> NewPageAsync(IBrowser browser) => browser.NewPageAsync(new BrowserNewPageOptions
    {
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, DeviceScaleFactor = 1, BypassCSP = true,
    });
}
