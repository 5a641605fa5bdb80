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

    /// <summary>
    /// A new page on the viewer at <paramref name="address"/>, recording every request to another origin
    /// (<see cref="ViewerPage.Outside"/>: the viewer must fetch nothing from a CDN) and every console error.
    /// </summary>
    public static async Task<ViewerPage> OpenViewerAsync(IBrowser browser, string address)
    {
        var page = await NewPageAsync(browser);
        var viewer = new ViewerPage(page);
        page.Request += (_, request) => { if (!request.Url.StartsWith(address, StringComparison.Ordinal)) viewer.Outside.Add(request.Url); };
        page.Console += (_, message) => { if (message.Type == "error") viewer.ConsoleErrors.Add(message.Text); };
        await page.GotoAsync(address + "/");
        return viewer;
    }
}

/// <summary>A viewer page with what it fetched from elsewhere and the errors it logged.</summary>
internal sealed record ViewerPage(IPage Page)
{
    public List<string> Outside { get; } = [];
    public List<string> ConsoleErrors { get; } = [];
}
