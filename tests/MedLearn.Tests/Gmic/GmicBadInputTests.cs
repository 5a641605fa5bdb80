using MedLearn.Data.Datasets;
using MedLearn.Data.Synthetic;
using MedLearn.Data.Transforms;
using MedLearn.Methods.Gmic;
using MedLearn.Runs;
using MedLearn.Tests.Cli;
using MedLearn.Tests.Datasets;
using MedLearn.Torch;
using MedLearn.Torch.Tests;
using MedLearn.Torch.Vision;

namespace MedLearn.Tests.Gmic;

/// <summary>
/// Bad input for GMIC runs, each refused with a message naming the file before anything is written (no run folder):
/// an image smaller than the crop, K larger than the windows, a breast missing a view, an all-zero image, a 16-bit
/// image holding 8-bit values, --resume with setting flags; DICOM (MONOCHROME1 + window) through the GMIC
/// preprocessing against a pydicom oracle; and evaluate on a trained run with views and a reader column.
/// </summary>
public sealed class GmicBadInputTests
{
    private static string WritePng(string path, Tensor hwc)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, ImageCodec.Encode(hwc, ImageFormat.Png));
        return path;
    }

    /// <summary>Phantoms (two views per breast) plus extra rows appended to labels.csv.</summary>
    private static string Phantoms(TempDir dir, int count, string extraRows = "")
    {
        SyntheticDatasetWriter.WriteMammo(dir["data"], count, new MammoPhantomOptions { Height = 128, Width = 96, Seed = 3, ViewsPerBreast = 2, MinLesionPixels = 2 });
        var csv = dir["data/labels.csv"];
        File.AppendAllText(csv, extraRows);
        return csv;
    }

    private static GmicTrainingOptions Options(string data, string output) => new()
    {
        Data = data, Out = output, ImageHeight = 128, ImageWidth = 96, CropSize = 32, Patches = 2, Epochs = 1, BatchSize = 4,
        LearningRate = 1e-4, Seed = 5, Workers = 0, Precision = Torch.Amp.Precision.Fp32, BootstrapSamples = 20,
    };

    private static void AssertNothingWritten(TempDir dir) =>
        Assert.False(Directory.Exists(dir["runs"]) && Directory.EnumerateFileSystemEntries(dir["runs"]).Any(), "a run folder was created");

    [Fact]
    public void AnAllZeroImageIsRefusedNamingTheFile()
    {
        using var dir = new TempDir();
        using var scope = DisposeScope.Open();
        var zero = WritePng(dir["data/images/zero.png"], torch.Zeros([128, 96, 1], DType.Int32));
        var csv = Phantoms(dir, 8, "images/zero.png,0,,p9,e9,CC,L\nimages/zero2.png,0,,p9,e9,MLO,L\n");
        WritePng(dir["data/images/zero2.png"], torch.Full([128, 96, 1], 40000, DType.Int32)); // constant, not all zero
        var e = Assert.Throws<DatasetException>(() => GmicTraining.Run(Options(csv, dir["runs"]) with { Preprocessing = "screening" }));
        Assert.Contains("2 images cannot be used by the GMIC preprocessing", e.Message);
        Assert.Contains(e.Problems, p => p.StartsWith(zero + ": ", StringComparison.Ordinal) && p.Contains("16-bit image whose values all fit in 8 bits (maximum 0)"));
        Assert.Contains(e.Problems, p => p.StartsWith(dir["data/images/zero2.png"] + ": no breast found", StringComparison.Ordinal));
        AssertNothingWritten(dir);
        // An all-zero 8-bit image reaches the breast crop: "no breast found".
        var eight = WritePng(dir["data/images/zero8.png"], torch.Zeros([128, 96, 1], DType.UInt8));
        var data = ScreeningManifest.Parse(new StringReader("path,label\nimages/zero8.png,0\nimages/mammo_00001.png,1\n"), dir["data"], "m.csv");
        var problems = GmicInputCheck.Find(data.Dataset, GmicPreprocessing.Create(128, 96, "screening"));
        Assert.Equal(eight, Assert.Single(problems).Path);
        Assert.StartsWith("no breast found", problems[0].Reason);
    }

    [Fact]
    public void ASixteenBitImageHoldingEightBitValuesIsRefusedAndAFullRangeOnePasses()
    {
        using var dir = new TempDir();
        using var scope = DisposeScope.Open();
        var ramp = torch.Arange(0, 128 * 96).Remainder(256).Reshape(128, 96, 1).To(DType.Int32);
        var eightInSixteen = WritePng(dir["a.png"], ramp);                 // max 255 in a 16-bit file
        var sixteen = WritePng(dir["b.png"], ramp.Mul(257).To(DType.Int32));            // the same image over the 16-bit range
        var eightBit = WritePng(dir["c.png"], ramp.To(DType.UInt8));      // a real 8-bit file
        var dataset = new ImageDataset([new DatasetItem(eightInSixteen, 0), new DatasetItem(sixteen, 0), new DatasetItem(eightBit, 0)], ["0", "1"]);
        var problems = GmicInputCheck.Find(dataset, GmicPreprocessing.Create(128, 96, "resize"));
        var p = Assert.Single(problems);
        Assert.Equal(eightInSixteen, p.Path);
        Assert.StartsWith("a 16-bit image whose values all fit in 8 bits (maximum 255): an 8-bit image saved as 16-bit", p.Reason);
    }

    [Fact]
    public void AnImageSmallerThanTheCropSizeIsRefusedNamingTheFile()
    {
        using var dir = new TempDir();
        using var scope = DisposeScope.Open();
        var small = WritePng(dir["data/images/small.png"], torch.Arange(0, 16 * 20).Reshape(16, 20, 1).Mul(200).To(DType.Int32));
        File.Copy(small, dir["data/images/small2.png"]);
        var csv = Phantoms(dir, 24, "images/small.png,0,,p9,e9,CC,L\nimages/small2.png,0,,p9,e9,MLO,L\n");
        var e = Assert.Throws<DatasetException>(() => GmicTraining.Run(Options(csv, dir["runs"])));
        Assert.Contains($"{small}: the image is 16x20, smaller than the crop size 32x32", e.Problems);
        AssertNothingWritten(dir);
        // Under skip they are left out and the run trains on the rest.
        var run = GmicTraining.Run(Options(csv, dir["runs"]) with { OnError = Data.Loading.ErrorPolicy.Skip });
        Assert.DoesNotContain("small", File.ReadAllText(Path.Combine(run.Directory.Path, "split.csv")));
    }

    [Fact]
    public void MorePatchesThanNonOverlappingWindowsAreRefusedBeforeTheRunFolder()
    {
        using var dir = new TempDir();
        var csv = Phantoms(dir, 4);
        // 128x96 input: a 4x3 grid with 1x1 windows of crop 32 -> 12 windows.
        var (code, output) = CliHarness.Run("train", "gmic", "--data", csv, "--image-size", "128x96", "--crop-size", "32", "--patches", "13", "--out", dir["runs"]);
        Assert.Equal(2, code);
        var oneLine = string.Join(' ', output.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Contains("train gmic: patches/crop-size:", oneLine);
        Assert.Contains("13", oneLine);
        AssertNothingWritten(dir);
    }

    [Fact]
    public void ABreastMissingAViewIsRefusedBeforeTrainingUnlessAPolicyIsChosen()
    {
        using var dir = new TempDir();
        var csv = Phantoms(dir, 24);
        // Drop the MLO view of breast 1 (images 2 = CC, 3 = MLO of exam e0000, laterality R).
        File.WriteAllLines(csv, File.ReadAllLines(csv).Where(l => !l.StartsWith("images/mammo_00003.png", StringComparison.Ordinal)));
        var e = Assert.Throws<DatasetException>(() => GmicTraining.Run(Options(csv, dir["runs"])));
        Assert.StartsWith($"{csv}: breast-level aggregation needs the CC and the MLO view of every breast", e.Message);
        Assert.Equal(["exam 'e0000' breast R: no MLO view (row 4 is CC)"], e.Problems);
        AssertNothingWritten(dir);
        var run = GmicTraining.Run(Options(csv, dir["runs"]) with { MissingViews = MissingViewPolicy.Available });
        Assert.NotNull(run.Summary!.Breasts);
        Assert.Equal("available", run.Summary.Breasts!.MissingViews);
    }

    [Fact]
    public void ResumeWithSettingFlagsIsRefused()
    {
        using var dir = new TempDir();
        var (code, output) = CliHarness.Run("train", "gmic", "--resume", dir.Path, "--epochs", "3", "--lr", "1e-3");
        Assert.Equal(2, code);
        var oneLine = string.Join(' ', output.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Contains("train gmic: --resume continues the run with the settings recorded in its folder; --epochs, --lr cannot be combined with it", oneLine);
    }

    [Fact]
    public void AMonochrome1DicomWithAWindowGoesThroughTheGmicPreprocessingAsPydicomSays()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Golden", "gmic_dicom", "mono1_window.dcm");
        var g = Golden.Load("gmic_dicom");
        var dataset = new ImageDataset([new DatasetItem(file, 0)], ["0", "1"]);
        using var scope = DisposeScope.Open();
        using (var context = TransformContext.For(0, 0, 0))
        {
            var sample = dataset.LoadSample(0, GmicPreprocessing.Create(32, 24, "resize"), context);
            TensorAssert.Close(g.Tensor("resize_profile"), sample.Image, atol: 1e-4, what: "resize profile");
        }
        // Screening: after inversion the breast (bright) lies against the right edge, so the profile flips it to the left.
        using (var context = TransformContext.For(0, 0, 0))
        {
            var raw = dataset.LoadSample(0, new Compose(new FileVoi(), new ScaleIntensity(), new ToChannels(1)), context);
            Assert.True(FlipToCommonLaterality.IsRightSided(raw.Image));
        }
        using (var context = TransformContext.For(0, 0, 0))
        {
            var screened = dataset.LoadSample(0, GmicPreprocessing.Create(64, 48, "screening"), context);
            Assert.Equal([1L, 64, 48], screened.Image.Shape);
            Assert.False(FlipToCommonLaterality.IsRightSided(screened.Image));
        }
    }

    [Fact]
    public void ManifestLateralityDrivesTheFlip()
    {
        using var dir = new TempDir();
        using var scope = DisposeScope.Open();
        // Bright left half: the image rule would leave it; laterality R flips it.
        var img = torch.Cat([torch.Full([32, 16, 1], 60000, DType.Int32), torch.Full([32, 16, 1], 1000, DType.Int32)], 1);
        var path = WritePng(dir["r.png"], img);
        var flip = new FlipByLaterality(new Dictionary<string, string> { [path] = "R" });
        var dataset = new ImageDataset([new DatasetItem(path, 0)], ["0", "1"]);
        using var context = TransformContext.For(0, 0, 0);
        var sample = dataset.LoadSample(0, new Compose(new ScaleIntensity(), flip), context);
        Assert.Equal(1000.0 / 65535, sample.Image.Select(2, 0).Mean().ToDouble(), 5);
        Assert.Equal(60000.0 / 65535, sample.Image.Select(2, 31).Mean().ToDouble(), 5);
    }

    [Fact]
    public void EvaluateOnAGmicRunReportsImageBreastHybridAndLocalisationMetrics()
    {
        using var dir = new TempDir();
        var csv = Phantoms(dir, 24);
        var run = GmicTraining.Run(Options(csv, dir["runs"]) with { Preprocessing = "screening" });
        Assert.NotNull(run.Summary!.Breasts);
        Assert.Null(run.Summary.Hybrid);
        Assert.True(File.Exists(Path.Combine(run.Directory.Path, BreastPredictionsFile.FileName)));
        // Every image with a reader score equal to its label: the reader alone has AUC 1 at the breast level.
        var lines = File.ReadAllLines(csv);
        var withReader = dir["data/with-reader.csv"];
        File.WriteAllLines(withReader, [lines[0] + ",reader", .. lines.Skip(1).Select(l => l + "," + l.Split(',')[1])]);
        var (code, output) = CliHarness.Run("evaluate", "--run", run.Directory.Path, "--data", withReader, "--label", "readers", "--precision", "fp32", "--reader-lambda", "0.3");
        Assert.True(code == 0, output);
        var folder = Assert.Single(Directory.GetDirectories(Path.Combine(run.Directory.Path, "evaluations")));
        var summary = MetricsFile.Read<GmicSummary>(Path.Combine(folder, "metrics.json"));
        Assert.Equal(24, summary.Images);
        Assert.Equal(12, summary.Breasts!.Breasts);
        Assert.Equal(6, summary.Breasts.Outputs[0].Positives);
        Assert.Equal(("breast", 12, 0.3), (summary.Hybrid!.Level, summary.Hybrid.Cases, summary.Hybrid.Lambda));
        Assert.Equal(1.0, summary.Hybrid.AucReader!.Value, 12);
        Assert.NotNull(summary.Localisation);
        Assert.Equal(13, File.ReadAllLines(Path.Combine(folder, BreastPredictionsFile.FileName)).Length);
        var oneLine = string.Join(' ', output.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Contains("breast level, 12 breasts (CC+MLO averaged", oneLine);
        Assert.Contains("hybrid 0.3 * reader + 0.7 * model (breast level", oneLine);
    }
}
