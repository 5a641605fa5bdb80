using System.Text.Json.Nodes;
using MedLearn.Experiments;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Tests.Cli;

namespace MedLearn.Tests.Ux;

/// <summary>
/// Issue 11, the journey items, end to end on the command line with stdout redirected (as in a log file): reports
/// rebuilt by the run's kind, ordinal tasks only get weighted kappa, the consistency ramp-up warning and the weight
/// reached, small-cnn options, one version and one exit-code convention, resolved configuration, history columns,
/// data split defaults, evaluate's dataset and latency, plain console output.
/// </summary>
public sealed class UxJourneyTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-ux-");
    private string Data => Path.Combine(_root.FullName, "data");

    public UxJourneyTests()
    {
        CliHarness.WriteTwoClassImages(Data, perClass: 10, size: 16, seed: 11);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private static (int Code, string Out) Run(params string[] args) => CliHarness.Run(args);

    private string Train(string runs, params string[] extra)
    {
        var (code, output) = Run(["train", "classify", "--data", Data, "--model", "small-cnn", "--image-size", "16", "--epochs", "2", "--out", runs,
            "--precision", "fp32", "--workers", "0", "--set", "bootstrap-samples=0", "--set", "latency-images=2", "--set", "explain-samples=2", .. extra]);
        Assert.True(code == 0, output);
        return output;
    }

    [Fact]
    public void ClassifyRunFilesConsoleReportAndEvaluate()
    {
        var runs = Path.Combine(_root.FullName, "runs");
        var output = Train(runs, "--set", "lr=0.02");
        var run = Directory.GetDirectories(runs).Single();

        // Console of a redirected stdout: no ANSI codes, one line per epoch with the whole run's ETA, no weighted kappa.
        Assert.DoesNotContain("\u001b[", output);
        var epochLines = output.Split('\n').Where(l => l.StartsWith("epoch ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, epochLines.Count);
        Assert.Contains("val_accuracy", epochLines[0]);
        Assert.Contains("run ETA", epochLines[0]);
        Assert.DoesNotContain("kappa", output);

        // --set lr (the flag's name) sets learning-rate.
        var resolvedText = File.ReadAllText(Path.Combine(run, RunDirectory.ConfigFileName));
        var resolved = ConfigBinder.Load<ClassificationTrainingOptions>(Path.Combine(run, RunDirectory.ConfigFileName));
        Assert.Equal(0.02, resolved.LearningRate);
        // config.resolved.yaml holds the values used, not nulls for "derived".
        foreach (var key in new[] { "name", "image-size", "resize-size", "mean", "std" })
            Assert.DoesNotContain($"\n{key}: null", resolvedText);
        Assert.Equal(16, resolved.ImageSize);
        Assert.Equal(18, resolved.ResizeSize); // round(16 * 256 / 224)
        Assert.Equal([0.5, 0.5, 0.5], resolved.Mean);
        Assert.Equal("small-cnn", resolved.Name);
        Assert.Equal(16, resolved.ModelOptions.Width);

        // run.json: the kind and the one version.
        var marker = JsonNode.Parse(File.ReadAllText(Path.Combine(run, RunDirectory.MarkerFileName)))!;
        Assert.Equal(RunKinds.Classify, (string?)marker["kind"]);
        Assert.Equal(MedLearnInfo.Version, (string?)marker["medlearn"]);

        // history.csv: no column that is NaN on every row.
        var history = File.ReadAllLines(Path.Combine(run, RunDirectory.HistoryFileName)).Select(l => l.Split(',')).ToList();
        for (var c = 0; c < history[0].Length; c++)
            Assert.True(history.Skip(1).Any(r => r[c] != "nan"), $"history.csv column {history[0][c]} is nan on every row");
        Assert.DoesNotContain("train_auc", history[0]);

        // Reports: non-ordinal, so no weighted kappa; rebuilt by kind.
        var report = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.DoesNotContain("Cohen's kappa (quadratic)", report);
        Assert.DoesNotContain("Ordinal staging", report);
        File.Delete(Path.Combine(run, "report.html"));
        var (reportCode, reportOut) = Run("report", "--run", run);
        Assert.True(reportCode == 0, reportOut);
        Assert.Contains("Classification run", File.ReadAllText(Path.Combine(run, "report.html")));

        // data split with its defaults writes the split training made itself (same fractions, same seed).
        var splitFile = Path.Combine(_root.FullName, "split.csv");
        var (splitCode, splitOut) = Run("data", "split", Data, "--out", splitFile);
        Assert.True(splitCode == 0, splitOut);
        static Dictionary<string, string> Splits(string path) => File.ReadAllLines(path).Skip(1)
            .Select(l => l.Split(',')).ToDictionary(f => Path.GetFileName(f[0]), f => f[1]);
        Assert.Equal(Splits(Path.Combine(run, RunDirectory.SplitFileName)).OrderBy(kv => kv.Key), Splits(splitFile).OrderBy(kv => kv.Key));

        // evaluate: latency on the console and in the report, the evaluated data in the report, kind in run.json.
        var (evalCode, evalOut) = Run("evaluate", "--run", run, "--data", Data, "--workers", "0", "--precision", "fp32");
        Assert.True(evalCode == 0, evalOut);
        Assert.Contains("inference latency", evalOut);
        var evaluation = Directory.GetDirectories(Path.Combine(run, RunKinds.EvaluationsFolderName)).Single();
        var evalReport = File.ReadAllText(Path.Combine(evaluation, "report.html"));
        Assert.Contains("id=\"dataset\"", evalReport);
        Assert.Contains("id=\"latency\"", evalReport);
        Assert.Contains("evaluated", evalReport);
        Assert.Equal(RunKinds.Evaluation, RunKinds.Detect(RunDirectory.Open(evaluation)));
        File.Delete(Path.Combine(evaluation, "report.html"));
        Assert.Equal(0, Run("report", "--run", evaluation).Code);
        Assert.Contains("id=\"latency\"", File.ReadAllText(Path.Combine(evaluation, "report.html")));
    }

    [Fact]
    public void OrdinalTaskUsesItsClassOrderAndSmallCnnOptions()
    {
        var runs = Path.Combine(_root.FullName, "runs");
        var output = Train(runs, "--set", "ordinal=true", "--set", "class-order=[b, a]",
            "--set", "model-options.width=8", "--set", "model-options.depth=2", "--set", "model-options.dropout=0.25");
        var run = Directory.GetDirectories(runs).Single();
        var manifest = ClassifierManifest.Read(Path.Combine(run, ClassifierManifest.FileName));
        Assert.Equal(["b", "a"], manifest.Classes);            // the given order, not the alphabetical one
        Assert.True(manifest.Ordinal);
        Assert.Equal((8, 2, 0.25), (manifest.ModelOptions!.Width, manifest.ModelOptions.Depth, manifest.ModelOptions.Dropout));
        Assert.Contains("kappa (quadratic)", output);
        var report = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("Ordinal staging", report);
        Assert.Contains("ordered stages (b &lt; a)", report);
        // The exported width-8, depth-2 network is rebuilt from model.json by predict.
        var (code, predicted) = Run("predict", "--run", run, Directory.GetFiles(Path.Combine(Data, "a"))[0], "--precision", "fp32");
        Assert.True(code == 0, predicted);

        // A class order that does not match the data, and model options of a model without them, are input errors.
        var (bad, badOut) = Run("train", "classify", "--data", Data, "--model", "small-cnn", "--out", runs, "--set", "class-order=[a, c]");
        Assert.Equal(2, bad);
        Assert.Contains("class-order", badOut);
        var (bad2, bad2Out) = Run("train", "classify", "--data", Data, "--model", "resnet18", "--out", runs, "--set", "model-options.width=8");
        Assert.Equal(2, bad2);
        Assert.Contains("small-cnn only", bad2Out);
        var (bad3, bad3Out) = Run("train", "classify", "--data", Data, "--out", runs, "--set", "monitor=val_kappa_quadratic");
        Assert.Equal(2, bad3);
        Assert.Contains("ordinal", bad3Out);
    }

    [Fact]
    public void SemiRunWarnsAboutTheRampUpRecordsTheWeightAndIsRebuiltAsSemi()
    {
        var runs = Path.Combine(_root.FullName, "runs");
        var (code, output) = Run("train", "semi", "--data", Data, "--model", "small-cnn", "--image-size", "16", "--labeled-fraction", "0.5",
            "--method", "mean-teacher", "--epochs", "2", "--out", runs, "--precision", "fp32", "--workers", "0", "--labeled-batch-size", "3",
            "--set", "unlabeled-batch-size=3", "--set", "bootstrap-samples=0", "--set", "latency-images=1");
        Assert.True(code == 0, output);
        Assert.Contains("warning: the consistency ramp-up (rampup-epochs 30) is longer than training (2 epochs)", output);
        var run = Directory.GetDirectories(runs).Single();
        var semi = MetricsFile.Read<SemiSupervisedSummary>(Path.Combine(run, SemiSupervisedSummary.FileName));
        // λ of the last epoch (e = 1): 1 · exp(−5 (1 − 1/30)²).
        Assert.Equal(Math.Exp(-5 * Math.Pow(1 - 1.0 / 30, 2)), semi.ConsistencyWeightReached!.Value, 12);
        Assert.Contains(semi.Warnings, w => w.Contains("ramp-up", StringComparison.Ordinal));
        Assert.Equal(RunKinds.Semi, RunDirectory.Open(run).Kind);

        var report = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("The consistency weight reached λ = 0.009 in the last epoch", report); // exp(−5 (29/30)²) = 0.00936
        Assert.DoesNotContain("ordered stages", report); // a (b) are no stages
        File.Delete(Path.Combine(run, "report.html"));
        var (reportCode, reportOut) = Run("report", "--run", run);
        Assert.True(reportCode == 0, reportOut);
        var rebuilt = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("Semi-supervised training", rebuilt);  // rebuilt as a semi-supervised report, not a plain one
        Assert.Contains("Semi-supervised run", rebuilt);

        // A run folder of an earlier version (no kind in run.json) is recognised by its semi.json.
        var markerPath = Path.Combine(run, RunDirectory.MarkerFileName);
        var marker = JsonNode.Parse(File.ReadAllText(markerPath))!.AsObject();
        marker.Remove("kind");
        File.WriteAllText(markerPath, marker.ToJsonString());
        Assert.Equal(RunKinds.Semi, RunKinds.Detect(RunDirectory.Open(run)));
        Assert.Equal(0, Run("report", "--run", run).Code);
        Assert.Contains("Semi-supervised training", File.ReadAllText(Path.Combine(run, "report.html")));

        // An unknown kind is a clear one-line error.
        marker["kind"] = "future-method";
        File.WriteAllText(markerPath, marker.ToJsonString());
        var (unknownCode, unknownOut) = Run("report", "--run", run);
        Assert.Equal(2, unknownCode);
        Assert.Contains("run kind 'future-method' is unknown", unknownOut);
    }

    [Fact]
    public void SweepFolderReportIsRebuiltAsASweepReport()
    {
        var folder = Path.Combine(_root.FullName, "sweep");
        Directory.CreateDirectory(folder);
        LabelSweepCellResult Cell(string method, ulong seed, double accuracy) => new(0.5, method, seed, "completed", method, "/runs/x", 5, 5,
            new Dictionary<string, double> { ["accuracy"] = accuracy, ["macro_f1"] = accuracy }, 1, "completed");
        var summary = LabelSweepSummary.Build(Data, [0.5], ["supervised", "src-mt"], [0, 1], [Cell("supervised", 0, 0.5), Cell("src-mt", 0, 0.6), Cell("supervised", 1, 0.5), Cell("src-mt", 1, 0.7)]);
        MetricsFile.Write(Path.Combine(folder, LabelSweepSummary.FileName), summary);
        File.WriteAllText(Path.Combine(folder, LabelSweep.BaseConfigFileName), "model: small-cnn\n");
        var (code, output) = Run("report", "--run", folder);
        Assert.True(code == 0, output);
        var html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("Does the unlabeled data help?", html);
        Assert.Contains("Macro F1 vs labeled fraction", html);
    }

    [Fact]
    public void OneVersionAndOneExitCodeConvention()
    {
        var (code, output) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal(MedLearnInfo.Version, output.Trim());
        // The one source: <Version> of Directory.Build.props.
        var props = File.ReadAllText(Path.Combine(RepoRoot(), "Directory.Build.props"));
        Assert.Contains($"<Version>{MedLearnInfo.Version}</Version>", props);
        var (doctorCode, doctor) = Run("doctor");
        Assert.True(doctorCode == 0, doctor);
        Assert.Contains($"MedLearn          {MedLearnInfo.Version}", doctor);

        Assert.Equal(2, Run("train", "classify", "--no-such-flag").Code);               // usage error
        Assert.Equal(2, Run("data", "inspect", Path.Combine(_root.FullName, "none")).Code); // data error
        Assert.Equal(2, Run("data", "split", Path.Combine(_root.FullName, "none"), "--out", Path.Combine(_root.FullName, "s.csv")).Code);
    }

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "MedLearn.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("MedLearn.sln not found above the test binaries");
    }
}

/// <summary>Warnings of a semi-supervised setup that need no training.</summary>
public sealed class SemiSetupWarningTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-ux-semi-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void OrdinalWithoutClassOrderAndShortRampUpAreWarnedBeforeTraining()
    {
        var data = Path.Combine(_root.FullName, "data");
        CliHarness.WriteTwoClassImages(data, perClass: 10, size: 8, seed: 3);
        var warnings = new List<string>();
        var options = new SemiSupervisedTrainingOptions
        {
            Data = data, Model = "small-cnn", ImageSize = 8, Epochs = 5, LabeledFraction = 0.5, LabeledBatchSize = 2, UnlabeledBatchSize = 2,
            Workers = 0, Ordinal = true,
        };
        var dataset = ClassificationSetup.LoadDataset(data);
        var prepared = new SemiSupervisedRunner(options, null, null, new Collect(warnings)).Prepare(dataset, null);
        Assert.Contains(warnings, w => w.StartsWith("ordinal: true without class-order: the stages are taken in the data's order (a < b)", StringComparison.Ordinal));
        // 5 epochs of the default 30-epoch ramp-up end at λ = exp(−5 (26/30)²) = 0.0234 (the example).
        Assert.Equal(Math.Exp(-5 * Math.Pow(26.0 / 30, 2)), prepared.Summary.ConsistencyWeightReached!.Value, 12);
        Assert.Contains(warnings, w => w.Contains("only reaches λ = 0.023 of consistency-weight 1", StringComparison.Ordinal));

        warnings.Clear();
        var fine = new SemiSupervisedRunner(options with { ClassOrder = ["a", "b"], RampupEpochs = 4 }, null, null, new Collect(warnings)).Prepare(dataset, null);
        Assert.Empty(warnings);
        Assert.Equal(1.0, fine.Summary.ConsistencyWeightReached);
    }

    private sealed class Collect(List<string> into) : IProgress<string>
    {
        public void Report(string value) => into.Add(value);
    }
}
