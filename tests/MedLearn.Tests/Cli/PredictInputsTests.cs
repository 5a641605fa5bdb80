using MedLearn.Data.Datasets;
using MedLearn.Data.Writers;
using MedLearn.Explain;
using MedLearn.Tests.Dicom;
using MedLearn.Torch;

namespace MedLearn.Tests.Cli;

/// <summary>
/// Issue 11 item 15: <c>predict</c> and <c>explain</c> take folders, globs and CSV manifests; --top-k; CSV output;
/// --on-error skip; true labels; overlay names that never collide; a plain table that never breaks a path.
/// </summary>
public sealed class PredictInputsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-predict-");
    private string Root => _root.FullName;
    private string Data => Path.Combine(Root, "data");

    public void Dispose() => _root.Delete(recursive: true);

    private string Train()
    {
        CliHarness.WriteTwoClassImages(Data, perClass: 6, size: 16, seed: 8);
        return CliHarness.TrainTinyClassifier(Data, Path.Combine(Root, "runs"), resizeSize: 16);
    }

    private static List<string[]> Rows(string csv) => [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(','))];

    [Fact]
    public void PredictTakesFoldersGlobsAndManifestsWithTopKAndCsv()
    {
        var run = Train();
        // A flat folder of PNGs (was: "no DICOM image files in the folder").
        var flat = Path.Combine(Root, "flat");
        Directory.CreateDirectory(flat);
        foreach (var f in Directory.GetFiles(Path.Combine(Data, "a")).Take(3)) File.Copy(f, Path.Combine(flat, Path.GetFileName(f)));
        var (code, csv) = CliHarness.Run("predict", "--run", run, flat, "--format", "csv", "--precision", "fp32");
        Assert.True(code == 0, csv);
        var rows = Rows(csv);
        Assert.Equal(["path", "true_label", "predicted", "probability", "top_k", "p_a", "p_b", "forward_ms", "error"], rows[0]);
        Assert.Equal(3, rows.Count - 1);
        Assert.All(rows.Skip(1), r => Assert.Equal("", r[1]));
        Assert.All(rows.Skip(1), r => Assert.Equal(1.0, double.Parse(r[5], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture), 6));

        // Class folders give the true label; --top-k 1 keeps one class; --csv writes the same table to a file.
        var file = Path.Combine(Root, "out", "predictions.csv");
        (code, var table) = CliHarness.Run("predict", "--run", run, Data, "--top-k", "1", "--csv", file, "--precision", "fp32");
        Assert.True(code == 0, table);
        var written = Rows(File.ReadAllText(file));
        Assert.Equal(12, written.Count - 1);
        Assert.Equal(6, written.Count(r => r[1] == "b" && r[0].Contains("/b/", StringComparison.Ordinal)));
        Assert.All(written.Skip(1), r => Assert.Single(r[4].Split(';')));
        Assert.All(written.Skip(1), r => Assert.StartsWith(r[2] + ":", r[4], StringComparison.Ordinal));
        Assert.Contains("top 1", table);

        // A quoted glob and a CSV manifest.
        (code, csv) = CliHarness.Run("predict", "--run", run, Path.Combine(Data, "b", "b[0-9]*.png").Replace("[0-9]", "", StringComparison.Ordinal), "--format", "csv", "--precision", "fp32");
        Assert.True(code == 0, csv);
        Assert.Equal(6, Rows(csv).Count - 1);
        Assert.All(Rows(csv).Skip(1), r => Assert.Contains("/b/", r[0]));
        var manifest = Path.Combine(Root, "m.csv");
        File.WriteAllLines(manifest, ["path,label", $"{Path.Combine(Data, "a", "a0.png")},a", $"{Path.Combine(Data, "b", "b1.png")},"]);
        (code, csv) = CliHarness.Run("predict", "--run", run, manifest, "--format", "csv", "--precision", "fp32");
        Assert.True(code == 0, csv);
        Assert.Equal(["a", ""], Rows(csv).Skip(1).Select(r => r[1]));
    }

    [Fact]
    public void PredictSkipsOrFailsOnUnreadableImagesAndNeverBreaksAPath()
    {
        var run = Train();
        var deep = Path.Combine(Root, "a-very-long-folder-name-that-goes-on-and-on", "and-another-long-folder-name-for-good-measure");
        Directory.CreateDirectory(deep);
        var longName = Path.Combine(deep, "an-image-with-a-long-file-name-0123456789.png");
        File.Copy(Path.Combine(Data, "a", "a0.png"), longName);
        var empty = Path.Combine(deep, "zz-empty.png");
        File.WriteAllBytes(empty, []);

        var (code, output) = CliHarness.Run("predict", "--run", run, longName, empty, "--precision", "fp32");
        Assert.Equal(2, code);
        Assert.Contains("zz-empty.png", output);

        (code, output) = CliHarness.Run("predict", "--run", run, longName, empty, "--on-error", "skip", "--precision", "fp32");
        Assert.True(code == 0, output);
        Assert.Contains(output.Split('\n'), l => l.StartsWith(longName + " ", StringComparison.Ordinal)); // whole path on its row
        Assert.Contains("skipped 1 unreadable image", output);

        (code, var csv) = CliHarness.Run("predict", "--run", run, longName, empty, "--on-error", "skip", "--format", "csv", "--precision", "fp32");
        Assert.True(code == 0, csv);
        var error = Rows(csv).Single(r => r[0] == empty);
        Assert.Equal("the file is empty", error[^1]);
        Assert.Equal("", error[2]);
    }

    [Fact]
    public void ExplainRecordsTrueLabelsAndKeepsOverlaysOfSameNamedImagesApart()
    {
        var run = Train();
        var twins = Path.Combine(Root, "twins");
        foreach (var cls in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(twins, cls));
            File.Copy(Path.Combine(Data, cls, $"{cls}0.png"), Path.Combine(twins, cls, "x.png"));
        }
        var output = Path.Combine(Root, "explained");
        var (code, text) = CliHarness.Run("explain", "--run", run, twins, "--method", "gradcam", "--steps", "0", "--out", output, "--precision", "fp32");
        Assert.True(code == 0, text);
        var explanations = ExplanationSummary.Read(output);
        Assert.Equal(2, explanations.Count);
        Assert.Equal(["a", "b"], explanations.Select(e => e.TrueClass));
        var overlays = explanations.Select(e => e.Overlay!).ToArray();
        Assert.Equal(2, overlays.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.StartsWith("b_x-", overlays[1], StringComparison.Ordinal);
        Assert.All(overlays, o => Assert.True(File.Exists(Path.Combine(output, o))));
    }

    [Fact]
    public void AFolderIsADicomSeriesByContentNotByName()
    {
        var pngs = Path.Combine(Root, "series-of-pngs");
        Directory.CreateDirectory(pngs);
        using (DisposeScope.Open()) PngWriter.Write(torch.Zeros([1, 8, 8]).To(DType.UInt8), Path.Combine(pngs, "slice1.png"));
        Assert.False(ImageInputs.IsDicomSeries(pngs));
        Assert.Equal([Path.Combine(pngs, "slice1.png")], ImageInputs.Resolve([pngs]).Select(i => i.Path));
        var series = DicomTestData.Series("dicom_series");
        Assert.True(ImageInputs.IsDicomSeries(series));
        Assert.Equal([Path.GetFullPath(series)], ImageInputs.Resolve([series]).Select(i => i.Path));
    }
}
