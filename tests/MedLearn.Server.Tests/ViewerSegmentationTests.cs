using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Data.Writers;
using MedLearn.Methods.Segmentation;
using MedLearn.Server.Hosting;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using Microsoft.Playwright;

namespace MedLearn.Server.Tests;

/// <summary>
/// The viewer draws a segmentation model's predicted mask over the volume, in a real browser (Debian's chromium under
/// Playwright): a tiny 3-label V-Net run is served, a tiny NIfTI volume uploaded, and the composited page pixels (a
/// screenshot of the image box, one screenshot pixel per CSS pixel) are compared voxel by voxel with
/// <see cref="VolumeSegmenter"/>'s labels on the same input and the image's own window/level: inside label L the pixel is
/// the grey level blended with L's legend colour at the chosen opacity, outside it is the grey level alone, on two
/// slices reached with the slice scroller; per-label and whole-mask hiding bring the grey back. Then: a volume whose shown
/// slice has no label moves the page to the mask's largest slice (and a stale answer held back by the browser is not
/// drawn over it), and a volume shown reduced keeps the mask's full grid over the same box.
/// </summary>
public sealed class ViewerSegmentationTests : IDisposable
{
    // [D, H, W] with three different sizes: a transposed or flipped overlay cannot match.
    private const int Depth = 12, Height = 20, Width = 17;
    private static readonly (int Label, byte[] Rgb)[] s_palette = [(1, [230, 159, 0]), (2, [86, 180, 233])]; // Okabe-Ito orange, sky blue

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-viewer-seg-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task TheMaskIsDrawnOverTheSlicesInTheLegendColoursAtTheChosenOpacityAndHides()
    {
        // Weights without biases but a small background bias: noise gets all three labels, a flat region is background.
        var run = TinySegmentationRun.Write(Path.Combine(_root.FullName, "run"), classes: 3, seed: 9, backgroundBias: 0.05);
        string volume = Path.Combine(_root.FullName, "case.nii.gz"), flat = Path.Combine(_root.FullName, "flat.nii.gz"), wide = Path.Combine(_root.FullName, "wide.nii.gz");
        using (DisposeScope.Open())
        {
            using var generator = new Generator(8);
            var meta = new ImageMeta { SpatialDims = 3, Spacing = [2.0, 1.5, 1.25], Space = CoordinateSpace.RAS, BitsStored = 32, Affine = [1.25, 0, 0, -10, 0, 1.5, 0, 20, 0, 0, 2.0, 5, 0, 0, 0, 1] };
            NiftiWriter.Write(torch.Randn([1, Depth, Height, Width], generator), meta, volume);
            // Blocky noise (5 x 5 cells of 4 x 3.4 voxels) on the first 3 slices only: the labels form patches with
            // interior voxels there, and the flat middle slice gets no label.
            var x = torch.Zeros(1, Depth, Height, Width);
            x.Narrow(1, 0, 3).Add_(Functional.Interpolate(torch.Randn([1, 3, 5, 5], generator), size: [Height, Width], mode: InterpolateMode.Nearest));
            NiftiWriter.Write(x, meta, flat);
            // Wider than the rendition's 1024 columns: the image is shown reduced, the mask at its full resolution.
            NiftiWriter.Write(torch.Randn([1, 2, 16, 1040], generator), meta, wide);
        }
        var (voxels, labels) = Segment(run, volume);
        Assert.Equal(Depth * Height * Width, labels.Length);
        // Two slices away from the middle one the page opens at, each with background and foreground; labels 1 and 2 both shown.
        const int plane = Height * Width;
        int Count(int slice, Func<byte, bool> which) => labels.Skip(slice * plane).Take(plane).Count(which);
        var slices = Enumerable.Range(0, Depth).Where(k => k != Depth / 2)
            .OrderByDescending(k => Math.Min(Count(k, l => l == 0), Math.Min(Count(k, l => l == 1), Count(k, l => l == 2)))).ThenBy(k => k).Take(2).ToArray();
        foreach (var k in slices)
            Assert.True(Count(k, l => l == 0) > 0 && Count(k, l => l == 1) > 0 && Count(k, l => l == 2) > 0, $"slice {k} lacks a label (seeds 9/8 and bias 0.05 give all three on every slice)");

        await using var service = MedLearnService.Create(new ServeOptions { Models = [new ModelSource("seg", run)], Port = 0, Precision = "fp32" });
        await service.StartAsync();
        var address = service.Addresses.Single();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var viewer = await HeadlessChromium.OpenViewerAsync(browser, address);
        var (page, outside, consoleErrors) = (viewer.Page, viewer.Outside, viewer.ConsoleErrors);
        await page.WaitForFunctionAsync("document.querySelectorAll('#model option').length === 1");
        Assert.Contains("16 × 16 × 16", await page.InnerTextAsync("#card")); // the segmentation card's sliding window
        Assert.False(await page.IsVisibleAsync("#opacity-label"));            // no heat map for a segmentation model

        await page.SetInputFilesAsync("#file", volume);
        await page.WaitForFunctionAsync("document.getElementById('seg').dataset.drawn === 'true'", null, new PageWaitForFunctionOptions { Timeout = 60000 });
        Assert.StartsWith("Segmented: label 1", await page.InnerTextAsync("#status"));

        // The legend: one entry per label with the fixed palette's colour and the label's voxel count.
        foreach (var (label, rgb) in s_palette)
        {
            var entry = page.Locator("#legend li").Nth(label);
            Assert.Equal($"rgb({rgb[0]}, {rgb[1]}, {rgb[2]})", await entry.Locator(".swatch").EvaluateAsync<string>("s => getComputedStyle(s).backgroundColor"));
            Assert.Contains($"{labels.Count(v => v == label)} voxels", await entry.InnerTextAsync());
        }
        // Labelled for screen readers, reachable by keyboard.
        var show = page.GetByRole(AriaRole.Checkbox, new() { Name = "Show the mask", Exact = true });
        var opacity = page.GetByRole(AriaRole.Slider, new() { Name = "Mask opacity" });
        Assert.Equal(1, await show.CountAsync());
        Assert.Equal(1, await opacity.CountAsync());
        await opacity.FocusAsync();
        for (var i = 0; i < 2; i++) await page.Keyboard.PressAsync("ArrowLeft");
        Assert.Equal("40 %", await page.InnerTextAsync("#mask-opacity-value"));
        const double alpha = 102 / 255.0; // round(255 x 40 %): the overlay's pixel alpha

        // Checks every voxel of the displayed slice at the centre of its screen square; labelsShown = which labels must be coloured.
        // outline: only voxels with a 4-neighbour of another label (or the slice's edge) are coloured.
        async Task CheckSlice(int slice, ISet<int> labelsShown, string what, bool outline = false)
        {
            Assert.Equal($"{slice + 1} / {Depth}", await page.InnerTextAsync("#slice-value"));
            var center = await page.EvalOnSelectorAsync<double>("#center", "e => +e.value");
            var window = await page.EvalOnSelectorAsync<double>("#width", "e => +e.value");
            double Grey(int slice, int v) => Math.Clamp((voxels[slice * plane + v] - (center - window / 2)) / window * 255, 0, 255);
            var (rgb, w, h) = await Screenshot(page);
            var errors = new List<string>();
            for (var row = 0; row < Height; row++)
                for (var col = 0; col < Width; col++)
                {
                    int x = (int)((col + 0.5) * w / Width), y = (int)((row + 0.5) * h / Height), v = row * Width + col;
                    var label = labels[slice * plane + v];
                    bool Same(int r, int c) => r >= 0 && c >= 0 && r < Height && c < Width && labels[slice * plane + r * Width + c] == label;
                    var interior = Same(row - 1, col) && Same(row + 1, col) && Same(row, col - 1) && Same(row, col + 1);
                    var colour = labelsShown.Contains(label) && !(outline && interior) ? s_palette.Single(p => p.Label == label).Rgb : null;
                    for (var c = 0; c < 3; c++)
                    {
                        var expected = colour is null ? Grey(slice, v) : Grey(slice, v) * (1 - alpha) + colour[c] * alpha;
                        var actual = rgb[(y * w + x) * 3 + c];
                        if (Math.Abs(actual - expected) > 3) errors.Add($"({row},{col}) label {label} channel {c}: {actual}, expected {expected:F1}");
                    }
                }
            Assert.True(errors.Count == 0, $"{what}, slice {slice}: {errors.Count} wrong samples, e.g.\n{string.Join("\n", errors.Take(8))}");
        }

        // The slice scroller by keyboard: Home, then ArrowRight to each chosen slice; the overlay follows.
        await page.FocusAsync("#slice");
        await page.Keyboard.PressAsync("Home");
        var at = 0;
        foreach (var k in slices.Order())
        {
            for (; at < k; at++) await page.Keyboard.PressAsync("ArrowRight");
            await CheckSlice(k, new HashSet<int> { 1, 2 }, "mask shown at 40 %");
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "medlearn-viewer-segmentation.png") });

        // Label 1 hidden from the legend (keyboard: focus + Space): only label 2 stays coloured.
        await page.FocusAsync("#legend input[data-label='1']");
        await page.Keyboard.PressAsync("Space");
        await CheckSlice(at, new HashSet<int> { 2 }, "label 1 hidden");
        // The whole mask hidden: the image alone, with its window/level unchanged.
        await show.FocusAsync();
        await page.Keyboard.PressAsync("Space");
        Assert.False(await show.IsCheckedAsync());
        await CheckSlice(at, new HashSet<int>(), "mask hidden");
        // Shown again on the other slice, the first of the two.
        await page.Keyboard.PressAsync("Space");
        await page.FocusAsync("#slice");
        for (; at > slices.Min(); at--) await page.Keyboard.PressAsync("ArrowLeft");
        await CheckSlice(at, new HashSet<int> { 2 }, "mask shown again, label 1 still hidden");

        // A volume whose displayed (middle) slice holds no label: the viewer moves to the slice with the most foreground.
        (voxels, labels) = Segment(run, flat);
        Assert.Equal(0, Count(Depth / 2, l => l != 0));
        var largest = Enumerable.Range(0, Depth).MaxBy(k => Count(k, l => l != 0));
        Assert.True(Count(largest, l => l != 0) > 0);
        // It is chosen while the answer for the first volume is held back by the browser; that stale answer, released
        // after the second one is shown, must not replace its mask (both masks have the same size).
        var release = new TaskCompletionSource();
        var held = 0;
        await page.RouteAsync("**/predict", async route =>
        {
            if (Interlocked.Increment(ref held) == 1) await release.Task;
            await route.ContinueAsync();
        });
        await page.SetInputFilesAsync("#file", Array.Empty<string>()); // the same file chosen again would not be a change
        await page.SetInputFilesAsync("#file", volume);
        await page.WaitForFunctionAsync("document.getElementById('status').textContent === 'Segmenting…'");
        await page.SetInputFilesAsync("#file", flat);
        await page.WaitForFunctionAsync("document.getElementById('status').textContent.includes('moved to slice')", null, new PageWaitForFunctionOptions { Timeout = 60000 });
        var stale = page.WaitForRequestFinishedAsync(new PageWaitForRequestFinishedOptions { Predicate = r => r.Url.EndsWith("/predict", StringComparison.Ordinal) });
        release.SetResult();
        await stale;
        await page.WaitForTimeoutAsync(1000); // time to decode and (wrongly) draw the stale mask
        await page.UnrouteAllAsync();
        Assert.Contains($"moved to slice {largest + 1}, where the mask is largest", await page.InnerTextAsync("#status"));
        await CheckSlice(largest, new HashSet<int> { 1, 2 }, "second volume, legend reset, stale answer ignored");

        // Outline only (keyboard): interior voxels show the image, boundary voxels the label colour; then fill again.
        bool Interior(int slice, int row, int col)
        {
            var label = labels[slice * plane + row * Width + col];
            return row > 0 && col > 0 && row < Height - 1 && col < Width - 1 && label != 0
                && new[] { (-1, 0), (1, 0), (0, -1), (0, 1) }.All(d => labels[slice * plane + (row + d.Item1) * Width + col + d.Item2] == label);
        }
        Assert.True(Enumerable.Range(0, plane).Count(v => Interior(largest, v / Width, v % Width)) > 0, "the slice has no interior voxel to leave clear");
        var outlineBox = page.GetByRole(AriaRole.Checkbox, new() { Name = "Outline only", Exact = true });
        await outlineBox.FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await CheckSlice(largest, new HashSet<int> { 1, 2 }, "outline only", outline: true);
        await page.Keyboard.PressAsync("Space");


        // A volume the viewer shows reduced (1040 columns > 1024): the overlay keeps the mask's own grid, stretched over the same box.
        await page.SetInputFilesAsync("#file", wide);
        await page.WaitForFunctionAsync("document.getElementById('seg').dataset.drawn === 'true'", null, new PageWaitForFunctionOptions { Timeout = 60000 });
        var grids = await page.EvaluateAsync<int[]>("() => ['image', 'seg'].flatMap(id => { const c = document.getElementById(id); return [c.width, c.height, parseInt(c.style.width), parseInt(c.style.height)]; })");
        Assert.Equal([1024, 15, 512, 8], grids[..4]); // the rendition: area-reduced by 1024 / 1040
        Assert.Equal([1040, 16, 512, 8], grids[4..]); // the mask: every voxel, over the same 512 x 8 box

        Assert.Empty(outside);
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    /// <summary>The volume's voxels and <see cref="VolumeSegmenter"/>'s labels with the run's network and window (the path of `medlearn segment predict`).</summary>
    private static (float[] Voxels, byte[] Labels) Segment(string run, string volume)
    {
        using var scope = DisposeScope.Open();
        using var network = SegmentationTraining.LoadNetwork(run);
        using var image = ImageReader.Read(volume);
        return (image.Data.Contiguous().ToArray<float>(), VolumeSegmenter.Predict(x => network.Forward(x), image.Data, TinySegmentationRun.Window).Labels.Contiguous().ToArray<byte>());
    }

    /// <summary>The image box as the user sees it (image and overlay composited), as RGB bytes, row-major.</summary>
    private async Task<(byte[] Rgb, int Width, int Height)> Screenshot(IPage page)
    {
        var file = Path.Combine(_root.FullName, "shot.png");
        await page.Locator("#image").ScreenshotAsync(new LocatorScreenshotOptions { Path = file });
        using var scope = DisposeScope.Open();
        using var image = ImageReader.Read(file);
        var hwc = image.Data.Narrow(0, 0, 3).Permute(1, 2, 0).Contiguous();
        return (hwc.ToArray<byte>(), (int)hwc.Size(1), (int)hwc.Size(0));
    }
}
