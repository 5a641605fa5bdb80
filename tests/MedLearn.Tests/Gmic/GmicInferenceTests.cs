using System.Globalization;
using System.Text.Json;
using MedLearn.Data.Readers;
using MedLearn.Data.Synthetic;
using MedLearn.Explain;
using MedLearn.Methods.Gmic;
using MedLearn.Models.Gmic;
using MedLearn.Runs;
using MedLearn.Tests.Cli;
using MedLearn.Tests.Datasets;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Gmic;

/// <summary>
/// GMIC inference (<see cref="GmicPredictor"/>): saliency upsampling against the analytic nearest rule, test-time
/// augmentation against hand-made views, boxes against retrieve_roi, box overlay colours, handle counts, and
/// <c>medlearn predict</c> / <c>explain</c> / <c>report</c> end to end on a tiny trained run.
/// </summary>
public sealed class GmicInferenceTests
{
    private static readonly GmicOptions s_tiny = new(Classes: 2, TopTPercent: 0.1, Patches: 2, CropHeight: 32, CropWidth: 32);

    /// <summary>A run folder holding an untrained tiny GMIC (gmic.json + gmic.pt) of 128x96 inputs.</summary>
    private static string WriteRun(TempDir dir, ulong seed = 11)
    {
        var run = dir["run"];
        Directory.CreateDirectory(run);
        torch.ManualSeed(seed);
        using var model = new GmicModel(s_tiny);
        model.SaveStateDictToFile(Path.Combine(run, GmicManifest.WeightsFileName));
        new GmicManifest(["benign", "malignant"], 128, 96, s_tiny.TopTPercent, s_tiny.Patches, 32, "resize", seed).Write(Path.Combine(run, GmicManifest.FileName));
        return run;
    }

    private static GmicModel LoadModel(string run)
    {
        var model = new GmicModel(s_tiny);
        model.LoadStateDictFromFile(Path.Combine(run, GmicManifest.WeightsFileName), strict: true);
        model.Eval();
        return model;
    }

    private static Tensor Input(ulong seed)
    {
        torch.ManualSeed(seed);
        return torch.Randn(1, 128, 96);
    }

    private static float[] Values(Tensor t) => t.To(DType.Float32).Contiguous().ToArray<float>();

    [Fact]
    public void SaliencyAtInputIsTheNearestUpsamplingOfTheGrid()
    {
        // A 2x3 grid on a 5x7 input (ratios that are not integers): pixel (y, x) takes cell (floor(2y/5), floor(3x/7)).
        float[] grid = [1, 2, 3, 4, 5, 6, /* second class */ 10, 20, 30, 40, 50, 60];
        var result = new GmicImageResult(null, ["a", "b"], GmicHead.Fusion, [0, 0], [0, 0], [0, 0], [0, 0], 1, 5, 7, 2, 3, grid, []);
        var baseline = LeakCheck.Baseline();
        for (var c = 0; c < 2; c++)
        {
            var map = result.SaliencyAtInput(c);
            Assert.Equal(35, map.Length);
            for (var y = 0; y < 5; y++)
                for (var x = 0; x < 7; x++)
                    Assert.Equal(grid[c * 6 + y * 2 / 5 * 3 + x * 3 / 7], map[y * 7 + x]);
        }
        // Rows 0-2 take grid row 0, rows 3-4 grid row 1; columns 0-2, 3-4, 5-6 take grid columns 0, 1, 2.
        Assert.Equal([1f, 1, 1, 2, 2, 3, 3], result.SaliencyAtInput(0)[..7]);
        Assert.Equal([40f, 40, 40, 50, 50, 60, 60], result.SaliencyAtInput(1)[28..]);
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void CropJitterWindowsAreSeededAndInsideTheImage()
    {
        Assert.Equal((0, 0, 128, 96), CropJitter.Window(0, 128, 96, 0.9, 5));
        var windows = Enumerable.Range(1, 50).Select(v => CropJitter.Window(v, 128, 96, 0.8, 5)).ToArray();
        foreach (var (top, left, h, w) in windows)
        {
            Assert.InRange(h, (int)Math.Round(0.8 * 128), 128);
            Assert.Equal(Math.Round(h / 128.0 * 96), w, 0.0 + 1); // one scale for both sides (each rounded)
            Assert.InRange(top, 0, 128 - h);
            Assert.InRange(left, 0, 96 - w);
        }
        Assert.True(windows.Select(w => w.Height).Distinct().Count() > 5, "the scale varies between views");
        Assert.Equal(windows, Enumerable.Range(1, 50).Select(v => CropJitter.Window(v, 128, 96, 0.8, 5)));
        Assert.NotEqual(windows, Enumerable.Range(1, 50).Select(v => CropJitter.Window(v, 128, 96, 0.8, 6)));
    }

    [Fact]
    public void OneViewIsPlainInferenceAndBoxesAreRetrieveRoisWindows()
    {
        using var dir = new TempDir();
        var run = WriteRun(dir);
        using var model = LoadModel(run);
        using var predictor = GmicPredictor.Load(run, new GmicInferenceOptions { Precision = Precision.Fp32 });
        using var scope = DisposeScope.Open();
        var input = Input(3);
        var result = predictor.Predict(input);

        using var noGrad = GradMode.NoGrad();
        var plain = model.Forward(input.Unsqueeze(0));
        Assert.Equal(Values(plain.Fusion), result.Fusion, new FloatTolerance(1e-6f));
        Assert.Equal(Values(plain.Global), result.Global, new FloatTolerance(1e-6f));
        Assert.Equal(Values(plain.Local), result.Local, new FloatTolerance(1e-6f));
        Assert.Equal(result.Fusion, result.Probabilities);
        Assert.Equal(1, result.Views);
        Assert.Equal(Values(plain.Saliency), result.GridSaliency, new FloatTolerance(1e-6f));

        // Boxes: retrieve_roi on the saliency maps, corners mapped to input pixels by round(r / h * H), the crop size, and a.
        var windows = RoiRetrieval.Retrieve(plain.Saliency, 128, 96, 32, 32, 2)[0];
        var attention = Values(plain.Attention);
        Assert.Equal(2, result.Boxes.Count);
        for (var k = 0; k < 2; k++)
        {
            var b = result.Boxes[k];
            Assert.Equal((k, windows[k].Row, windows[k].Column, 32, 32), (b.Rank, b.Row, b.Column, b.Height, b.Width));
            Assert.Equal(RoiRetrieval.ToInput(windows[k].GridRow, result.GridHeight, 128), b.Row);
            Assert.Equal(RoiRetrieval.ToInput(windows[k].GridColumn, result.GridWidth, 96), b.Column);
            Assert.Equal(attention[k], b.Attention, 6);
        }
        Assert.Equal(1.0, result.Boxes.Sum(b => b.Attention), 5);

        // The patches are the input's pixels under the boxes.
        var patches = GmicPredictor.Patches(input, result);
        Assert.Equal([2L, 1, 32, 32], patches.Shape);
        var b0 = result.Boxes[0];
        Assert.True(patches.Select(0, 0).Equal(input.Narrow(1, b0.Row, 32).Narrow(2, b0.Column, 32)));
    }

    [Fact]
    public void TestTimeAugmentationAveragesTheJitteredViews()
    {
        using var dir = new TempDir();
        var run = WriteRun(dir);
        using var model = LoadModel(run);
        using var predictor = GmicPredictor.Load(run, new GmicInferenceOptions { Precision = Precision.Fp32, Augmentations = 3, Seed = 4, MinCropScale = 0.8, Head = GmicHead.Local });
        using var scope = DisposeScope.Open();
        var input = Input(8);
        var result = predictor.Predict(input);
        using var noGrad = GradMode.NoGrad();
        var fusion = new double[2];
        var local = new double[2];
        for (var v = 0; v < 3; v++)
        {
            var (top, left, h, w) = CropJitter.Window(v, 128, 96, 0.8, 4);
            var view = Functional.Interpolate(input.Unsqueeze(0).Narrow(2, top, h).Narrow(3, left, w), [128, 96], mode: InterpolateMode.Bilinear, alignCorners: false);
            var o = model.Forward(view);
            var (f, l) = (Values(o.Fusion), Values(o.Local));
            for (var c = 0; c < 2; c++) { fusion[c] += f[c] / 3; local[c] += l[c] / 3; }
        }
        Assert.Equal(3, result.Views);
        for (var c = 0; c < 2; c++)
        {
            Assert.Equal(fusion[c], result.Fusion[c], 5);
            Assert.Equal(local[c], result.Local[c], 5);
            Assert.Equal(result.Local[c], result.Probabilities[c]);
        }
        // Saliency and boxes are those of the un-jittered view.
        var plain = model.Forward(input.Unsqueeze(0));
        Assert.Equal(Values(plain.Saliency), result.GridSaliency, new FloatTolerance(1e-6f));
        Assert.NotEqual(Values(plain.Fusion)[0], result.Fusion[0]); // the jittered views changed the mean
    }

    [Fact]
    public void BoxOverlayDrawsEachBoxInTheColourOfItsWeight()
    {
        using var scope = DisposeScope.Open();
        var image = torch.Full([1, 20, 30], 0.4);
        WeightedBox[] boxes = [new(2, 3, 5, 6, 0.25), new(10, 15, 6, 8, 0.5)];
        var picture = RoiBoxOverlay.Render(image, boxes, scale: 1);
        var pixels = picture.Contiguous().ToArray<byte>();
        int height = (int)picture.Size(1), width = (int)picture.Size(2);
        (byte, byte, byte) At(int y, int x) => (pixels[y * width + x], pixels[height * width + y * width + x], pixels[2 * height * width + y * width + x]);
        var left = 30 + SaliencyOverlay.Gap; // the boxed panel follows the plain one and the gap
        var half = HeatColourMap.Table[128];  // weight 0.25 on a 0..0.5 scale
        var top = HeatColourMap.Table[255];
        Assert.Equal((half.R, half.G, half.B), At(2, left + 3));          // upper-left corner of box 1
        Assert.Equal((half.R, half.G, half.B), At(2 + 4, left + 3 + 5));   // lower-right corner
        Assert.Equal((top.R, top.G, top.B), At(10, left + 15));
        Assert.Equal((top.R, top.G, top.B), At(15, left + 22));
        Assert.Equal(((byte)102, (byte)102, (byte)102), At(4, left + 5));  // inside box 1: the image (0.4 * 255 = 102)
        Assert.Equal(((byte)102, (byte)102, (byte)102), At(2, 3));         // the plain panel has no box
        Assert.Equal(((byte)102, (byte)102, (byte)102), At(2 + 5, left + 3)); // one row below box 1
        Assert.Equal(RoiBoxOverlay.ColourOf(0.25, 0.5), half);
    }

    [Fact]
    public void InferenceAndExplanationReturnToTheHandleBaseline()
    {
        using var dir = new TempDir();
        var run = WriteRun(dir);
        using var predictor = GmicPredictor.Load(run, new GmicInferenceOptions { Precision = Precision.Fp32, Augmentations = 2 });
        var image = dir["x.png"];
        using (var scope = DisposeScope.Open())
            Data.Writers.PngWriter.Write((torch.Rand([1, 150, 100]) * 255).To(DType.UInt8), image);
        var baseline = LeakCheck.Baseline();
        var result = predictor.Predict(image);
        var e = GmicExplainer.Write(predictor, image, dir["out"], "x");
        using (var scope = DisposeScope.Open())
        {
            _ = result.SaliencyAtInput();
            _ = GmicPredictor.Patches(predictor.Preprocess(image), result);
        }
        Assert.Equal(baseline, LiveTensors.Count);
        Assert.Equal(result.Fusion.Select(v => (double)v), e.Fusion.Values);
        Assert.Equal(2, e.Boxes.Count);
    }

    [Fact]
    public void AGmicRunWithoutARecordedKindIsDetectedByItsManifest()
    {
        // GMIC runs of earlier versions recorded no kind in run.json: medlearn report took them for classification runs.
        using var dir = new TempDir();
        var run = RunDirectory.Create(dir["runs"], "gmic");
        Assert.Null(run.Kind);
        Assert.Equal(RunKinds.Classify, RunKinds.Detect(run));
        new GmicManifest(["1"], 128, 96, 0.02, 2, 32, "resize", 0).Write(Path.Combine(run.Path, GmicManifest.FileName));
        Assert.Equal(RunKinds.Gmic, RunKinds.Detect(RunDirectory.Open(run.Path)));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }

    [Fact]
    public void PredictExplainAndReportOnATinyTrainedRun()
    {
        using var dir = new TempDir();
        SyntheticDatasetWriter.WriteMammo(dir["data"], 12, new MammoPhantomOptions { Height = 128, Width = 96, Seed = 3 });
        var (code, output) = CliHarness.Run("train", "gmic", "--data", dir["data/labels.csv"], "--image-size", "128x96", "--crop-size", "32", "--patches", "2", "--epochs", "1",
            "--batch-size", "4", "--lr", "1e-4", "--out", dir["runs"], "--seed", "5", "--workers", "0", "--precision", "fp32", "--set", "bootstrap-samples=20", "--set", "eval-batch-size=4");
        Assert.True(code == 0, output);
        var run = Assert.Single(Directory.GetDirectories(dir["runs"]));
        Assert.Equal(RunKinds.Gmic, RunDirectory.Open(run).Kind);

        // The report: written by train gmic, with the held-out cases chosen from predictions.csv.
        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("Saliency maps and patches", html);
        var manifest = GmicManifest.Read(Path.Combine(run, GmicManifest.FileName));
        var chosen = GmicCaseGallery.Choose(GmicCaseGallery.ReadPredictions(Path.Combine(run, "predictions.csv"), manifest.Outputs), 1, 2);
        var cases = MetricsFile.Read<List<GmicCaseGallery.Case>>(Path.Combine(run, GmicCaseGallery.FolderName, GmicCaseGallery.IndexFileName));
        Assert.Equal(chosen.Select(c => (c.Kind, c.Row.Path)), cases.Select(c => (c.Kind, c.Explanation.Path)));
        Assert.Equal(chosen.Count(c => c.Kind != "true positive"), html.Split("class=\"sample wrong\"").Length - 1);
        File.Delete(Path.Combine(run, "report.html"));
        var (reportCode, reportOut) = CliHarness.Run("report", "--run", run);
        Assert.True(reportCode == 0, reportOut);
        Assert.Contains("Saliency maps and patches", File.ReadAllText(Path.Combine(run, "report.html")));

        // predict: the CSV holds the predictor's numbers.
        string[] images = [dir["data/images/mammo_00000.png"], dir["data/images/mammo_00001.png"]];
        var (predictCode, predictOut) = CliHarness.Run(["predict", "--run", run, .. images, "--csv", dir["pred.csv"], "--precision", "fp32"]);
        Assert.True(predictCode == 0, predictOut);
        var lines = File.ReadAllLines(dir["pred.csv"]);
        Assert.Equal("path,true_label,top_output,probability,p_1,p_global_1,p_local_1,views,boxes,forward_ms,error", lines[0]);
        Assert.Equal(3, lines.Length);
        using var predictor = GmicPredictor.Load(run, new GmicInferenceOptions { Precision = Precision.Fp32 });
        for (var i = 0; i < 2; i++)
        {
            var fields = lines[i + 1].Split(',');
            var expected = predictor.Predict(images[i]);
            Assert.Equal(images[i], fields[0]);
            Assert.Equal(expected.Fusion[0], double.Parse(fields[4], CultureInfo.InvariantCulture), 6);
            Assert.Equal(expected.Global[0], double.Parse(fields[5], CultureInfo.InvariantCulture), 6);
            Assert.Equal(expected.Local[0], double.Parse(fields[6], CultureInfo.InvariantCulture), 6);
            Assert.Equal("1", fields[7]);
            Assert.Equal(string.Join(';', expected.Boxes.Select(b => $"{b.Row}:{b.Column}:{b.Attention.ToString("F6", CultureInfo.InvariantCulture)}")), fields[8]);
        }
        var (ttaCode, ttaOut) = CliHarness.Run(["predict", "--run", run, images[0], "--tta", "4", "--seed", "2", "--format", "csv", "--precision", "fp32"]);
        Assert.True(ttaCode == 0, ttaOut);
        using (var tta = GmicPredictor.Load(run, new GmicInferenceOptions { Precision = Precision.Fp32, Augmentations = 4, Seed = 2 }))
            Assert.Equal(tta.Predict(images[0]).Fusion[0], double.Parse(ttaOut.Split('\n')[1].Split(',')[4], CultureInfo.InvariantCulture), 6);

        // explain: per image the overlays, patches and a JSON with the predictor's numbers; the boxes picture shows the top box in the top colour.
        var (explainCode, explainOut) = CliHarness.Run(["explain", "--run", run, .. images, "--out", dir["expl"], "--precision", "fp32"]);
        Assert.True(explainCode == 0, explainOut);
        var explanations = MetricsFile.Read<List<GmicExplanation>>(dir["expl/explanations.json"]);
        Assert.Equal(2, explanations.Count);
        var first = explanations[0];
        var reference = predictor.Predict(images[0]);
        Assert.Equal(reference.Fusion[0], first.Probabilities["1"], 6);
        Assert.Equal(reference.Boxes.Select(b => (b.Row, b.Column)), first.Boxes.Select(b => (b.Row, b.Column)));
        Assert.Equal("nearest", first.SaliencyInterpolation);
        foreach (var b in first.Boxes)
        {
            using var patch = ImageReader.Read(Path.Combine(dir["expl"], b.Patch));
            Assert.Equal([1L, 32, 32], patch.Data.Shape);
        }
        using (var boxes = ImageReader.Read(Path.Combine(dir["expl"], first.BoxesOverlay)))
        {
            var scale = 2; // 128 x 96 panels are shown twice as large
            var heaviest = first.Boxes.MaxBy(b => b.Attention)!;
            var colour = RoiBoxOverlay.ColourOf(heaviest.Attention, heaviest.Attention);
            var x = 96 * scale + SaliencyOverlay.Gap + heaviest.Column * scale;
            var rgb = boxes.Data.To(DType.UInt8).Contiguous().ToArray<byte>();
            long h = boxes.Data.Size(1), w = boxes.Data.Size(2);
            Assert.Equal(3, boxes.Data.Size(0));
            Assert.Equal((colour.R, colour.G, colour.B), (rgb[heaviest.Row * scale * w + x], rgb[h * w + heaviest.Row * scale * w + x], rgb[2 * h * w + heaviest.Row * scale * w + x]));
        }
        using (var overlay = ImageReader.Read(Path.Combine(dir["expl"], first.SaliencyOverlays["1"])))
            Assert.Equal(128 * 2, overlay.Data.Size(1)); // the input's height at the panel scale
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["expl"], "mammo_00000.json")));
        Assert.Equal(128, json.RootElement.GetProperty("input_height").GetInt32());
    }
}
