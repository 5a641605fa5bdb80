using System.Text.Json;
using MedLearn.Server.Hosting;
using Microsoft.Playwright;

namespace MedLearn.Server.Tests;

/// <summary>
/// The web viewer in a real browser: Debian's chromium driven by Microsoft.Playwright (no browser download, offline).
/// A file is chosen, the predicted class, the probability bars and the heat-map overlay appear, and the opacity slider
/// moves with the keyboard.
/// </summary>
[Collection(ServedRunCollection.Name)]
public sealed class ViewerBrowserTests(TrainedRunFixture run)
{
    [Fact]
    public async Task UploadShowsTheClassAndTheOverlayAndTheSliderMoves()
    {
        await using var service = MedLearnService.Create(new ServeOptions { Models = [new ModelSource("tiny", run.Run)], Port = 0, Precision = "fp32" });
        await service.StartAsync();
        var address = service.Addresses.Single();
        var image = Path.Combine(run.Data, "b", "b3.png");
        using var http = new HttpClient();
        using var content = new ByteArrayContent(File.ReadAllBytes(image));
        var expected = JsonDocument.Parse(await (await http.PostAsync(address + "/v1/models/tiny/predict", content)).Content.ReadAsStringAsync())
            .RootElement.GetProperty("predicted").GetString();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var viewer = await HeadlessChromium.OpenViewerAsync(browser, address);
        var (page, outside, consoleErrors) = (viewer.Page, viewer.Outside, viewer.ConsoleErrors);
        await page.WaitForFunctionAsync("document.querySelectorAll('#model option').length === 1");
        Assert.Contains("small-cnn", await page.InnerTextAsync("#card"));

        await page.SetInputFilesAsync("#file", image);
        await page.WaitForFunctionAsync("document.getElementById('heat').dataset.drawn === 'true'", null, new PageWaitForFunctionOptions { Timeout = 30000 });
        Assert.Equal(expected, await page.InnerTextAsync("#predicted"));
        Assert.Equal(2, await page.Locator("#bars li").CountAsync());
        Assert.False(await page.IsVisibleAsync("#slice-label")); // a 2-D image has no slice scroller
        // The overlay holds coloured pixels over the image's centre crop.
        var opaque = await page.EvaluateAsync<int>("() => { const c = document.getElementById('heat'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }");
        Assert.InRange(opaque, 16 * 16, 20 * 20);
        Assert.Equal("0.5", await page.EvalOnSelectorAsync<string>("#heat", "c => c.style.opacity"));

        // Keyboard: focus the slider and lower it by four steps of 5 %.
        await page.FocusAsync("#opacity");
        for (var i = 0; i < 4; i++) await page.Keyboard.PressAsync("ArrowLeft");
        Assert.Equal("0.3", await page.EvalOnSelectorAsync<string>("#heat", "c => c.style.opacity"));
        Assert.Equal("30 %", await page.InnerTextAsync("#opacity-value"));

        var shot = Path.Combine(run.Scratch("viewer"), "viewer.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        File.Copy(shot, Path.Combine(Path.GetTempPath(), "medlearn-viewer-last.png"), overwrite: true);
        // A volume: the slice scroller appears (keyboard too), and the 2-D model's refusal is shown, not swallowed.
        await page.SetInputFilesAsync("#file", TrainedRunFixture.Input("volume.nii.gz"));
        await page.WaitForSelectorAsync("#slice-label", new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible });
        await page.WaitForFunctionAsync("document.getElementById('status').className === 'error'");
        Assert.Contains("2-D images", await page.InnerTextAsync("#status"));
        Assert.Equal("4 / 6", await page.InnerTextAsync("#slice-value"));
        await page.FocusAsync("#slice");
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal("5 / 6", await page.InnerTextAsync("#slice-value"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "medlearn-viewer-volume.png") });
        consoleErrors.RemoveAll(e => e.Contains("422", StringComparison.Ordinal)); // the refused predict request itself
        Assert.Empty(outside);        // nothing fetched from anywhere else (no CDN)
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }
}
