using System.Net;
using System.Text.Json;
using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Data.Writers;
using MedLearn.Methods.Gmic;
using MedLearn.Methods.Segmentation;
using MedLearn.Models.Gmic;
using MedLearn.Server.Hosting;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Serialization;

namespace MedLearn.Server.Tests;

/// <summary>
/// GMIC and segmentation runs served through the same endpoints as classifiers: the answers equal the library entry points
/// the CLI uses (<see cref="GmicPredictor"/>; <see cref="SegmentationTraining.LoadNetwork"/> + <see cref="VolumeSegmenter"/>),
/// on tiny untrained networks written like the runs' exported files.
/// </summary>
public sealed class ServedMethodsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-serve-methods-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_root.FullName, name)).FullName;

    /// <summary>An untrained tiny GMIC run folder (gmic.json + gmic.pt) of 128 x 96 inputs, as GmicInferenceTests writes it.</summary>
    private string GmicRun()
    {
        var run = Folder("gmic-run");
        var options = new GmicOptions(Classes: 2, TopTPercent: 0.1, Patches: 2, CropHeight: 32, CropWidth: 32);
        torch.ManualSeed(11);
        using var model = new GmicModel(options);
        model.SaveStateDictToFile(Path.Combine(run, GmicManifest.WeightsFileName));
        new GmicManifest(["benign", "malignant"], 128, 96, options.TopTPercent, options.Patches, 32, "resize", 11).Write(Path.Combine(run, GmicManifest.FileName));
        return run;
    }

    /// <summary>An untrained tiny V-Net segmentation run (network.json, model.pt, segment_options.json with a 16³ window).</summary>
    private string SegmentationRun() => TinySegmentationRun.Write(Folder("segment-run"));

    private static async Task<TestService> Start(string run) => await TestService.StartAsync(run, o => o with { Models = [new ModelSource("m", run)] });

    [Fact]
    public async Task AGmicRunPredictsAndExplainsWithItsOwnSaliencyAndPatches()
    {
        var run = GmicRun();
        var image = Path.Combine(Folder("gmic-img"), "mammo.png");
        using (DisposeScope.Open())
        {
            torch.ManualSeed(2);
            PngWriter.Write((torch.Rand([1, 150, 110]) * 255).To(DType.UInt8), image);
        }
        GmicImageResult expected;
        using (var predictor = GmicPredictor.Load(run, new GmicInferenceOptions { Precision = Precision.Fp32 }))
            expected = predictor.Predict(image); // the entry of `medlearn predict` for GMIC runs

        await using var service = await Start(run);
        var card = JsonDocument.Parse(await service.Client.GetStringAsync("/v1/models/m")).RootElement;
        Assert.Equal("gmic", card.GetProperty("kind").GetString());
        Assert.Equal(["benign", "malignant"], card.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));

        var bytes = File.ReadAllBytes(image);
        var (status, body, _) = await ApiTests.PostAsync(service.Client, "/v1/models/m/predict", bytes);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var probabilities = ApiTests.Probabilities(body);
        for (var c = 0; c < 2; c++) Assert.Equal(expected.Probabilities[c], probabilities[c], 5);
        Assert.Equal(expected.Outputs[expected.TopOutput], body.GetProperty("predicted").GetString());

        (status, body, _) = await ApiTests.PostAsync(service.Client, "/v1/models/m/explain?class=malignant", bytes);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("gmic-saliency", body.GetProperty("method").GetString());
        Assert.Equal("malignant", body.GetProperty("target").GetString());
        var map = body.GetProperty("map");
        Assert.Equal(expected.GridHeight, map.GetProperty("height").GetInt32());
        Assert.Equal(expected.GridWidth, map.GetProperty("width").GetInt32());
        var cells = expected.GridHeight * expected.GridWidth;
        var values = map.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(expected.GridSaliency[cells..(2 * cells)], values, new ToleranceComparer(1e-5f)); // the malignant map
        Assert.Equal(new[] { 0.0, 0, 150, 110 }, new[] { "top", "left", "height", "width" }.Select(k => map.GetProperty("region").GetProperty(k).GetDouble()));
        var boxes = body.GetProperty("boxes").EnumerateArray().ToArray();
        Assert.Equal(2, boxes.Length);
        for (var k = 0; k < 2; k++)
        {
            Assert.Equal(expected.Boxes[k].Row, boxes[k].GetProperty("row").GetInt32());
            Assert.Equal(expected.Boxes[k].Column, boxes[k].GetProperty("column").GetInt32());
            Assert.Equal(32, boxes[k].GetProperty("height").GetInt32());
            Assert.Equal(expected.Boxes[k].Attention, boxes[k].GetProperty("attention").GetDouble(), 5);
        }
        foreach (var png in new[] { "overlayPng", "boxesPng" })
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(body.GetProperty(png).GetString()!)[..4]);

        (status, body, _) = await ApiTests.PostAsync(service.Client, "/v1/models/m/explain?method=occlusion", bytes);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("gmic-saliency", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ASegmentationRunReturnsTheMaskAsNiftiWithTheInputGeometryAndLabelVolumes()
    {
        var run = SegmentationRun();
        var volume = Path.Combine(Folder("seg-img"), "case.nii.gz");
        var meta = new ImageMeta
        {
            SpatialDims = 3, Spacing = [2.0, 1.5, 1.25], Space = CoordinateSpace.RAS, BitsStored = 32,
            Affine = [1.25, 0, 0, -10, 0, 1.5, 0, 20, 0, 0, 2.0, 5, 0, 0, 0, 1],
        };
        using (DisposeScope.Open())
        {
            torch.ManualSeed(8);
            NiftiWriter.Write(torch.Randn(1, 18, 20, 17), meta, volume);
        }
        byte[] expectedLabels;
        ImageMeta inputMeta;
        using (DisposeScope.Open())
        using (var network = SegmentationTraining.LoadNetwork(run)) // the path of `medlearn segment predict`
        using (var image = ImageReader.Read(volume))
        {
            inputMeta = image.Meta;
            expectedLabels = VolumeSegmenter.Predict(x => network.Forward(x), image.Data, TinySegmentationRun.Window).Labels.Contiguous().ToArray<byte>();
        }

        // run.json as `train segment` writes it: no seed there; the card takes it from segment_options.json.
        File.WriteAllText(Path.Combine(run, "run.json"), """{"format": "medlearn-run", "version": 1, "label": "supervised", "created_utc": "2026-12-07T08:17:07Z", "medlearn": "0.1.0", "kind": "segment"}""");
        await using var service = await Start(run);
        var card = JsonDocument.Parse(await service.Client.GetStringAsync("/v1/models/m")).RootElement;
        Assert.Equal("segmentation", card.GetProperty("kind").GetString());
        Assert.Equal(16, card.GetProperty("input").GetProperty("patchSize")[0].GetInt32());
        Assert.Equal(5UL, card.GetProperty("run").GetProperty("seed").GetUInt64()); // TinySegmentationRun's seed

        var (status, body, _) = await ApiTests.PostAsync(service.Client, "/v1/models/m/predict", File.ReadAllBytes(volume));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal([18L, 20, 17], body.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()));
        var mask = Path.Combine(Folder("seg-out"), "mask.nii.gz");
        File.WriteAllBytes(mask, Convert.FromBase64String(body.GetProperty("maskNifti").GetString()!));
        using (DisposeScope.Open())
        using (var answer = ImageReader.Read(mask))
        {
            Assert.Equal([1L, 18, 20, 17], answer.Data.Shape);
            Assert.Equal(expectedLabels, answer.Data.To(DType.UInt8).Contiguous().ToArray<byte>());
            Assert.Equal(inputMeta.Spacing, answer.Meta.Spacing);
            Assert.Equal(inputMeta.Affine, answer.Meta.Affine, new ToleranceComparer(1e-5f));
        }
        var labels = body.GetProperty("labels").EnumerateArray().ToArray();
        Assert.Equal(2, labels.Length);
        for (var l = 0; l < 2; l++)
        {
            var voxels = expectedLabels.LongCount(v => v == l);
            Assert.Equal(l, labels[l].GetProperty("label").GetInt32());
            Assert.Equal(voxels, labels[l].GetProperty("voxels").GetInt64());
            Assert.Equal(voxels * 2.0 * 1.5 * 1.25 / 1000, labels[l].GetProperty("volumeMl").GetDouble(), 9);
        }

        // A 2-D image is refused with a clear 422; explain is not offered for segmentation models; the service keeps serving.
        var png = Path.Combine(Folder("seg-png"), "flat.png");
        using (DisposeScope.Open()) PngWriter.Write(torch.Zeros([1, 8, 8]).To(DType.UInt8), png);
        (status, body, _) = await ApiTests.PostAsync(service.Client, "/v1/models/m/predict", File.ReadAllBytes(png));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("not_a_volume", body.GetProperty("code").GetString());
        (status, body, _) = await ApiTests.PostAsync(service.Client, "/v1/models/m/explain", File.ReadAllBytes(volume));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("not_supported", body.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await ApiTests.PostAsync(service.Client, "/v1/models/m/predict", File.ReadAllBytes(volume))).Status);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>, IEqualityComparer<double>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
