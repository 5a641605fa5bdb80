using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Data.Synthetic;
using MedLearn.Data.Writers;
using MedLearn.Methods.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Cli;

/// <summary>
/// The 3-D U-Net from the command line (supervised and mean teacher), <c>segment explain</c> (3-D Grad-CAM), prediction of
/// a DICOM series and of a volume smaller than the patch, and the bad-input checks of issue 14 (orientation, origin,
/// label values, <c>--label-map</c>).
/// </summary>
public class SegmentModelsCliTests
{
    private static readonly string[] s_window = ["--patch", "8,8,8", "--window-stride", "4,4,4"];

    private static string Train(string data, string runs, string method, params string[] extra)
    {
        var (code, output) = CliHarness.Run(["train", "segment", "--data", data, "--labeled", "2", "--test", "1", "--method", method, "--model", "unet3d",
            "--iterations", "2", "--filters", "2", "--depth", "2", "--labeled-batch", "1", "--unlabeled-batch", "1", "--out", runs, "--name", method,
            "--seed", "3", .. s_window, .. extra]);
        Assert.True(code == 0, output);
        return Assert.Single(Directory.GetDirectories(runs), d => Path.GetFileName(d).Contains(method, StringComparison.Ordinal));
    }

    private static double[] Affine(double[] spacing, bool flipX = false, double[]? origin = null)
    {
        // oblique direction cosines (rotation about z by 30°), columns scaled by the spacing (i, j, k = W, H, D axes)
        var (c, s) = (Math.Cos(Math.PI / 6), Math.Sin(Math.PI / 6));
        var fx = flipX ? -1 : 1;
        var o = origin ?? [-12.5, 30, 7];
        return [fx * c * spacing[2], -s * spacing[1], 0, o[0], fx * s * spacing[2], c * spacing[1], 0, o[1], 0, 0, spacing[0], o[2], 0, 0, 0, 1];
    }

    [Fact]
    public void UNet3dTrainsPredictsAndExplainsFromTheCommandLine()
    {
        var root = Directory.CreateTempSubdirectory("unet3d-cli").FullName;
        try
        {
            var data = Path.Combine(root, "phantoms");
            SyntheticDatasetWriter.WriteVolumes(data, 4, new VolumePhantomOptions { Width = 12, Height = 10, Depth = 8, Seed = 4 });
            var runs = Path.Combine(root, "runs");
            var run = Train(data, runs, "supervised", "--norm", "instance");
            Assert.Contains("\"model\": \"unet3d\"", File.ReadAllText(Path.Combine(run, SegmentationTraining.NetworkFileName)));
            using (DisposeScope.Open())
            {
                var sd = StateDictFile.Load(Path.Combine(run, SegmentationTraining.ModelFileName));
                Assert.Equal(new long[] { 4, 2, 2, 2, 2 }, sd["up2.up.weight"].Shape); // ConvTranspose3d layout (in, out, 2, 2, 2)
                Assert.Contains("outc.conv.weight", sd.Keys);
            }
            var teacherRun = Train(data, runs, "mean-teacher");
            Assert.True(File.Exists(Path.Combine(teacherRun, SegmentationTraining.CasesFileName)));

            // Grad-CAM volume with the input's geometry + PNG montage
            var image = Path.Combine(data, "imagesTr", "vol_0001.nii.gz");
            var explained = Path.Combine(root, "explain");
            var (code, output) = CliHarness.Run(["segment", "explain", "--run", run, "--input", image, "--out", explained, "--layer", "up1", "--class", "1", "--slices", "3"]);
            Assert.True(code == 0, output);
            Assert.Contains("layer up1, class 1", output);
            using (DisposeScope.Open())
            {
                using var input = ImageReader.Read(image);
                using var cam = ImageReader.Read(Path.Combine(explained, "vol_0001_gradcam.nii.gz"));
                Assert.Equal(input.Data.Shape, cam.Data.Shape);
                TensorAssert.Close(torch.FromArray(input.Meta.Affine), torch.FromArray(cam.Meta.Affine), 1e-5, 1e-5, "affine");
                Assert.InRange(cam.Data.Min().ToDouble(), 0, 1);
                Assert.InRange(cam.Data.Max().ToDouble(), 0, 1);
            }
            var png = File.ReadAllBytes(Path.Combine(explained, "vol_0001_gradcam.png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            (code, output) = CliHarness.Run(["segment", "explain", "--run", run, "--input", image, "--out", explained, "--layer", "block_nine"]);
            Assert.Equal(2, code);
            Assert.Contains("inc, down1, down2, up1, up2", output);

            (code, output) = CliHarness.Run(["explain", image, "--run", run, "--out", explained]);
            Assert.Equal(2, code);
            Assert.Contains("is a 3-D segmentation run: explain it with 'medlearn segment explain", output);

            // a DICOM series folder in, NIfTI with the series geometry out
            var series = Path.Combine(AppContext.BaseDirectory, "Golden", "dicom_series");
            var pred = Path.Combine(root, "pred");
            (code, output) = CliHarness.Run(["segment", "predict", "--run", run, "--input", series, "--out", pred, "--probabilities", .. s_window]);
            Assert.True(code == 0, output);
            using (DisposeScope.Open())
            {
                using var dicom = ImageReader.Read(series);
                using var labels = ImageReader.Read(Path.Combine(pred, "dicom_series.nii.gz"));
                using var probabilities = ImageReader.Read(Path.Combine(pred, "dicom_series_probabilities.nii.gz"));
                var g = Golden.Load("dicom");
                Assert.Equal(new long[] { 1, 6, 12, 10 }, labels.Data.Shape);
                Assert.Equal(new long[] { 2, 6, 12, 10 }, probabilities.Data.Shape);
                var spacing = g.RawValue("series.spacing").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                var affine = g.RawValue("series.affine").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                for (var a = 0; a < 3; a++) Assert.Equal(spacing[a], labels.Meta.Spacing[a], 4);
                // NIfTI stores RAS: the series' LPS affine with its x and y rows negated (same voxels, same world positions)
                Assert.Equal(CoordinateSpace.LPS, dicom.Meta.Space);
                Assert.Equal(CoordinateSpace.RAS, labels.Meta.Space);
                for (var i = 0; i < 16; i++) Assert.Equal(i < 8 ? -affine[i] : affine[i], labels.Meta.Affine[i], 4);
                TensorAssert.Close(torch.Ones(6, 12, 10), probabilities.Data.Sum(0), 1e-5, 1e-5, "probabilities sum to 1");
            }

            // the prediction (RAS NIfTI) as the label of the DICOM series (LPS): same grid in two conventions, accepted;
            // evaluating the network against its own prediction gives Dice 1
            var manifest = Path.Combine(root, "series.csv");
            File.WriteAllText(manifest, $"image,mask\n{series},{Path.Combine(pred, "dicom_series.nii.gz")}\n");
            var csv = Path.Combine(root, "series_eval.csv");
            (code, output) = CliHarness.Run(["segment", "evaluate", "--run", run, "--data", manifest, "--csv", csv, .. s_window]);
            Assert.True(code == 0, output);
            Assert.Equal("1", File.ReadAllLines(csv)[1].Split(',')[1]);

            // a volume smaller than the patch (and not a multiple of 2^depth): padded for the network, cropped back
            var small = Path.Combine(root, "small.nii.gz");
            using (DisposeScope.Open())
            {
                torch.ManualSeed(2);
                NiftiWriter.Write(torch.Randn(1, 5, 7, 3), new ImageMeta { SpatialDims = 3, Spacing = [2, 0.7, 0.9], Affine = Affine([2, 0.7, 0.9]) }, small);
            }
            (code, output) = CliHarness.Run(["segment", "predict", "--run", run, "--input", small, "--out", pred, .. s_window]);
            Assert.True(code == 0, output);
            using (DisposeScope.Open())
            {
                using var smallPred = ImageReader.Read(Path.Combine(pred, "small.nii.gz"));
                Assert.Equal(new long[] { 1, 5, 7, 3 }, smallPred.Data.Shape);
                Assert.Equal(Affine([2, 0.7, 0.9]).Select(v => Math.Round(v, 4)), smallPred.Meta.Affine.Select(v => Math.Round(v, 4)));
            }
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void BadLabelFilesAreReportedByNameAndALabelMapIsExplicit()
    {
        var root = Directory.CreateTempSubdirectory("seg-bad-input").FullName;
        try
        {
            var data = Path.Combine(root, "phantoms");
            SyntheticDatasetWriter.WriteVolumes(data, 4, new VolumePhantomOptions { Width = 12, Height = 10, Depth = 8, Seed = 5 });
            var runs = Path.Combine(root, "runs");
            var run = Train(data, runs, "supervised");

            string Case(string name, Func<Tensor, Tensor> labels, Func<ImageMeta, ImageMeta> geometry)
            {
                var dir = Path.Combine(root, name);
                Directory.CreateDirectory(Path.Combine(dir, "imagesTr"));
                Directory.CreateDirectory(Path.Combine(dir, "labelsTr"));
                using var scope = DisposeScope.Open();
                using var image = ImageReader.Read(Path.Combine(data, "imagesTr", "vol_0000.nii.gz"));
                using var label = ImageReader.Read(Path.Combine(data, "labelsTr", "vol_0000.nii.gz"));
                var meta = image.Meta with { Affine = Affine(image.Meta.Spacing) };
                NiftiWriter.Write(image.Data, meta, Path.Combine(dir, "imagesTr", "case.nii.gz"));
                NiftiWriter.Write(labels(label.Data), geometry(meta with { BitsStored = 8 }), Path.Combine(dir, "labelsTr", "case.nii.gz"));
                return dir;
            }
            (int, string) Evaluate(string dir, params string[] extra) =>
                CliHarness.Run(["segment", "evaluate", "--run", run, "--data", dir, "--csv", Path.Combine(root, "eval.csv"), .. s_window, .. extra]);

            var good = Case("good", l => l, m => m);
            var (code, output) = Evaluate(good);
            Assert.True(code == 0, output);

            var flipped = Case("flipped", l => l, m => m with { Affine = Affine(m.Spacing, flipX: true) });
            (code, output) = Evaluate(flipped);
            Assert.Equal(2, code);
            Assert.Contains(Path.Combine(flipped, "labelsTr", "case.nii.gz"), output);
            Assert.Contains("orientation", output);

            var shifted = Case("shifted", l => l, m => m with { Affine = Affine(m.Spacing, origin: [-12.5, 35, 7]) });
            (code, output) = Evaluate(shifted);
            Assert.Equal(2, code);
            Assert.Contains("origin", output);

            // label value 2 with a 2-class network: a clear error, then an explicit mapping
            var threeValues = Case("three", l => l.To(DType.Int64).Mul(2).To(DType.UInt8), m => m); // values 0 and 2
            (code, output) = Evaluate(threeValues);
            Assert.Equal(2, code);
            Assert.Contains(Path.Combine(threeValues, "labelsTr", "case.nii.gz"), output);
            Assert.Contains("label values 2 are not classes 0..1", output);
            Assert.Contains("--label-map", output);
            (code, output) = Evaluate(threeValues, "--label-map", "0:0,2:1");
            Assert.True(code == 0, output);
            var mapped = File.ReadAllLines(Path.Combine(root, "eval.csv"))[1];
            (code, _) = Evaluate(good);
            Assert.Equal(0, code);
            Assert.Equal(File.ReadAllLines(Path.Combine(root, "eval.csv"))[1], mapped); // 2 -> 1 gives the original case's metrics
            (code, output) = Evaluate(threeValues, "--label-map", "0:0,1:1");
            Assert.Equal(2, code);
            Assert.Contains("label values 2 are not in the label map 0:0,1:1", output);
            (code, output) = Evaluate(threeValues, "--label-map", "0:0,2:x");
            Assert.Equal(2, code);
            Assert.Contains("expected 'value:class' pairs", output);

            // training checks every labeled pair before creating a run folder
            var before = Directory.GetDirectories(runs).Length;
            var badData = Path.Combine(root, "bad-train");
            SyntheticDatasetWriter.WriteVolumes(badData, 4, new VolumePhantomOptions { Width = 12, Height = 10, Depth = 8, Seed = 6 });
            using (DisposeScope.Open())
            {
                var labelPath = Path.Combine(badData, "labelsTr", "vol_0002.nii.gz");
                using var label = ImageReader.Read(labelPath);
                NiftiWriter.Write(label.Data.To(DType.Int64).Mul(3).To(DType.UInt8), label.Meta, labelPath);
            }
            (code, output) = CliHarness.Run(["train", "segment", "--data", badData, "--labeled", "3", "--test", "1", "--method", "supervised",
                "--model", "unet3d", "--iterations", "1", "--filters", "2", "--depth", "2", "--labeled-batch", "1", "--out", runs, .. s_window]);
            Assert.Equal(2, code);
            Assert.Contains("vol_0002.nii.gz", output);
            Assert.Contains("label values 3", output);
            Assert.Equal(before, Directory.GetDirectories(runs).Length);
            (code, output) = CliHarness.Run(["train", "segment", "--data", badData, "--labeled", "3", "--test", "1", "--method", "supervised",
                "--model", "unet3d", "--iterations", "1", "--filters", "2", "--depth", "2", "--labeled-batch", "1", "--out", runs,
                "--label-map", "0:0,1:1,3:1", "--name", "mapped", .. s_window]);
            Assert.True(code == 0, output);
        }
        finally { Directory.Delete(root, true); }
    }
}
