using System.Text.RegularExpressions;
using MedLearn.Cli.Rendering;
using MedLearn.Experiments;
using MedLearn.Explain;
using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Training;
using Spectre.Console;

namespace MedLearn.Tests.Ux;

/// <summary>Issue 11's journey items that need no training: sampling, console, progress, history, models, sweeps, overlays, aliases.</summary>
public sealed partial class UxUnitTests
{
    private static PredictionRow Row(string name, string truth, string predicted) => new($"/d/{name}.png", truth, predicted, [0.5, 0.3, 0.2]);

    [Fact]
    public void ReportSamplesAreStratifiedByClassAndOutcome()
    {
        // Files in class order, as a class-folder dataset lists them: the first 8 are all of class a.
        var rows = new List<PredictionRow>();
        for (var i = 0; i < 8; i++) rows.Add(Row($"a{i}", "a", i < 2 ? "b" : "a"));
        for (var i = 0; i < 8; i++) rows.Add(Row($"b{i}", "b", i < 3 ? "c" : "b"));
        for (var i = 0; i < 8; i++) rows.Add(Row($"c{i}", "c", "c")); // no wrong prediction in c
        rows.Add(new PredictionRow("/d/u.png", null, "a", [1, 0, 0]));   // unlabeled: never shown
        var set = new PredictionSet(["a", "b", "c"], rows);

        var six = PredictionSampling.Stratified(set, 6);
        Assert.Equal(6, six.Count);
        foreach (var c in new[] { "a", "b", "c" }) Assert.Equal(2, six.Count(r => r.TrueLabel == c));
        // a and b have wrong and correct predictions: one of each; c only correct ones.
        Assert.Equal(1, six.Count(r => r.TrueLabel == "a" && r.PredictedLabel != "a"));
        Assert.Equal(1, six.Count(r => r.TrueLabel == "b" && r.PredictedLabel != "b"));
        Assert.All(six, r => Assert.NotNull(r.TrueLabel));
        // Ordered by class, wrong first.
        Assert.Equal(["/d/a0.png", "/d/a2.png", "/d/b0.png", "/d/b3.png", "/d/c0.png", "/d/c1.png"], six.Select(r => r.Path));

        var three = PredictionSampling.Stratified(set, 3);
        Assert.Equal(["a", "b", "c"], three.Select(r => r.TrueLabel)); // every class first
        Assert.Equal(24, PredictionSampling.Stratified(set, 100).Count);
        Assert.Empty(PredictionSampling.Stratified(set, 0));
    }

    [Fact]
    public void RedirectedConsoleHasNoAnsiCodesAndNoHardWrapping()
    {
        var line = "epoch 1/2  " + string.Join("  ", Enumerable.Range(0, 20).Select(i => $"metric_{i} 0.123"));
        Assert.True(line.Length > 200);
        using (var writer = new StringWriter())
        {
            var console = ConsoleSetup.Create(writer, redirected: true, columns: null);
            console.MarkupLine("[green]" + Markup.Escape(line) + "[/]");
            Assert.Equal(line + Environment.NewLine, writer.ToString()); // one line, no escape codes
        }
        using (var writer = new StringWriter())
        {
            var console = ConsoleSetup.Create(writer, redirected: true, columns: "60");
            console.MarkupLine(Markup.Escape(line));
            var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length > 1);
            Assert.All(lines, l => Assert.True(l.Length <= 60, l)); // COLUMNS is honoured
        }
    }

    /// <summary>A clock advanced by hand (timestamps in ticks).</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long GetTimestamp() => Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(double seconds) => Ticks += (long)(seconds * TimeSpan.TicksPerSecond);
    }

    [Fact]
    public void LogProgressLinesComeEveryFewSecondsWithTheRunEta()
    {
        using var writer = new StringWriter();
        var console = ConsoleSetup.Create(writer, redirected: true, columns: null);
        var clock = new ManualClock();
        var display = new TrainingProgressDisplay(console, null, clock);
        display.OnTrainingStart(new TrainingStart(4, 0, 0, 10, "float32", null, []));
        writer.GetStringBuilder().Clear();
        for (var b = 0; b < 10; b++)
        {
            clock.Advance(1); // 1 s per batch: 10 s per epoch
            display.OnStep(new StepReport(0, b, 10, b + 1, 0.5, 0.01, 4, null));
        }
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        // Lines at 5 s and 10 s (every LogInterval), not one per batch.
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("epoch 1/4: batch 5/10, loss 0.5000", lines[0]);
        Assert.Contains("epoch ETA 5s, run ETA 35s", lines[0]);     // 5 s of this epoch + 3 epochs of 10 s
        writer.GetStringBuilder().Clear();

        // Validation: silent when quick, a line every few seconds when long, and its end once it has had a line.
        display.OnPhaseProgress(new PhaseProgress(ProgressPhases.Validation, 0, 3, "batches"));
        clock.Advance(6);
        display.OnPhaseProgress(new PhaseProgress(ProgressPhases.Validation, 1, 3, "batches"));
        display.OnPhaseProgress(new PhaseProgress(ProgressPhases.Validation, 2, 3, "batches"));
        display.OnPhaseProgress(new PhaseProgress(ProgressPhases.Validation, 3, 3, "batches"));
        Assert.Equal(["validation: 1/3 batches", "validation: 3/3 batches"], writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        writer.GetStringBuilder().Clear();

        display.OnEpochEnd(new EpochRecord(0, new Dictionary<string, double> { ["val_accuracy"] = 0.5 }, 0.01, 10, true));
        var epoch = writer.ToString().Trim();
        Assert.StartsWith("epoch 1/4  val_accuracy 0.500", epoch);
        Assert.Contains("run ETA 30s", epoch);
        Assert.Equal("3m05s", TrainingProgressDisplay.Duration(185));
        Assert.Equal("2h07m", TrainingProgressDisplay.Duration(2 * 3600 + 7 * 60 + 10));
    }

    [Fact]
    public void HistoryColumnsOnlyOnTheSideAMetricIsMeasured()
    {
        var path = Path.Combine(Path.GetTempPath(), $"medlearn-history-{Guid.NewGuid():N}.csv");
        try
        {
            var file = HistoryFile.Create(path, ["accuracy", "consistency"], ["accuracy", "auc"]);
            file.Append(new HistoryRow { Epoch = 1, TrainLoss = 1, ValLoss = 2, Train = new Dictionary<string, double> { ["accuracy"] = 0.5, ["consistency"] = 0.1 },
                Val = new Dictionary<string, double> { ["accuracy"] = 0.4, ["auc"] = 0.6 }, LearningRate = 0.1, Seconds = 3 });
            Assert.Equal("epoch,train_loss,val_loss,train_accuracy,train_consistency,val_accuracy,val_auc,lr,seconds", File.ReadLines(path).First());
            var read = HistoryFile.Read(path);
            Assert.Equal(["accuracy", "consistency"], read.TrainMetrics);
            Assert.Equal(["accuracy", "auc"], read.ValMetrics);
            Assert.Equal(0.6, read.Rows[0].Val["auc"]);
            Assert.False(read.Rows[0].Train.ContainsKey("auc"));
            Assert.Throws<ArgumentException>(() => read.Append(new HistoryRow { Epoch = 2, Train = new Dictionary<string, double> { ["auc"] = 1 } }));
            // Files of earlier versions (train_ and val_ columns for every metric) still read.
            File.WriteAllText(path, "epoch,train_loss,val_loss,train_acc,val_acc,lr,seconds\n1,1,2,nan,0.5,0.1,3\n");
            Assert.Equal(0.5, HistoryFile.Read(path).Rows[0].Val["acc"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SmallCnnWidthDepthAndDropout()
    {
        // Parameters: Σ 9·c(i−1)·c(i) + 2·c(i) over the stages, plus the head (c_last + 1)·classes.
        static long Count(long inCh, long width, int depth, long classes)
        {
            long total = 0, previous = inCh, c = width;
            for (var i = 0; i < depth; i++, c *= 2) { total += 9 * previous * c + 2 * c; previous = c; }
            return total + (previous + 1) * classes;
        }
        using (var wide = ModelRegistry.Create("small-cnn", 3, 1, new ModelOptions { Width = 8, Depth = 4, Dropout = 0.5 }))
        {
            Assert.Equal(Count(1, 8, 4, 3), wide.ParameterCount());
            Assert.Equal(64, wide.FeatureDim);
            Assert.Contains("features.conv4", wide.ActivationNames);
            using var scope = DisposeScope.Open();
            wide.Eval();
            var x = torch.Rand([2, 1, 32, 32]);
            Assert.Equal([2L, 3L], wide.Forward(x).Shape);
            // Dropout acts on the features in training only: evaluation is deterministic.
            Assert.True(wide.Forward(x).Equal(wide.Forward(x)));
        }
        using (var defaults = ModelRegistry.Create("small-cnn", 2))
            Assert.Equal(Count(3, 16, 3, 2), defaults.ParameterCount());
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.Create("resnet18", 2, 3, new ModelOptions { Width = 8 }));
        Assert.Contains("small-cnn only", e.Message);
        Assert.Throws<ArgumentException>(() => ModelRegistry.Create("small-cnn", 2, 3, new ModelOptions { Depth = 0 }));
    }

    [GeneratedRegex(@"^\s*\| `(?<name>[a-z0-9_-]+)` \| (?<count>[0-9,]+) \|", RegexOptions.Multiline)]
    private static partial Regex ParameterRow();

    [Fact]
    public void DocsModelParameterCountsMatchTheRegistry()
    {
        var docs = File.ReadAllText(Path.Combine(UxJourneyTests.RepoRoot(), "docs", "models.md"));
        var rows = ParameterRow().Matches(docs).ToDictionary(m => m.Groups["name"].Value, m => long.Parse(m.Groups["count"].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ModelRegistry.Names.Order(), rows.Keys.Order());
        foreach (var name in ModelRegistry.Names)
        {
            // Measured on the built 1000-class, 3-channel network, not typed.
            using var model = ModelRegistry.Create(name, 1000);
            Assert.Equal(model.ParameterCount(), rows[name]);
            Assert.Equal(model.ParameterCount(), ModelRegistry.Info(name).ParameterCount);
        }
    }

    [Fact]
    public void SweepHeadlineIsKappaOnlyForOrdinalTasksAndShortRampUpsAreCalledOut()
    {
        LabelSweepCellResult Cell(string method, ulong seed, double accuracy, double? reached = null) => new(0.2, method, seed, "completed", method, "/r", 5, 20,
            new Dictionary<string, double> { ["accuracy"] = accuracy, ["macro_f1"] = accuracy, ["kappa_quadratic"] = accuracy }, 1, "completed")
        { ConsistencyWeight = method == "supervised" ? 0 : 1, ConsistencyWeightReached = reached };
        LabelSweepCellResult[] cells = [Cell("supervised", 0, 0.6), Cell("src-mt", 0, 0.5, 0.0234), Cell("supervised", 1, 0.6), Cell("src-mt", 1, 0.55, 0.0234)];
        var plain = LabelSweepSummary.Build("/d", [0.2], ["supervised", "src-mt"], [0, 1], cells);
        Assert.Equal(["accuracy", "macro_f1"], plain.HeadlineMetrics);
        Assert.DoesNotContain(plain.ShownMetrics, m => m.StartsWith("kappa", StringComparison.Ordinal));
        var html = new LabelSweepReport(plain).Render();
        Assert.DoesNotContain("weighted kappa", html);
        Assert.Contains(plain.Conclusions, c => c.Contains("ramp-up was longer than training", StringComparison.Ordinal) && c.Contains("2.3%", StringComparison.Ordinal));
        Assert.Contains("2% of w", html); // the cells table shows λ reached

        var ordinal = LabelSweepSummary.Build("/d", [0.2], ["supervised", "src-mt"], [0, 1], cells, ordinal: true);
        Assert.Equal(["accuracy", "kappa_quadratic"], ordinal.HeadlineMetrics);
        Assert.Contains("Quadratic weighted kappa vs labeled fraction", new LabelSweepReport(ordinal).Render());
    }

    [Fact]
    public void OverlayLegendLabelsStayInsideThePicture()
    {
        using var scope = DisposeScope.Open();
        // 8 px high: too low for two 5 px labels; before, they overlapped and touched the border.
        var image = torch.Rand([1, 8, 10]);
        var map = torch.Linspace(0, 0.8, 80).Reshape([8, 10]);
        var picture = SaliencyOverlay.Render(image, map, new OverlayOptions { Scale = 1 });
        var (h, w) = ((int)picture.Size(1), (int)picture.Size(2));
        var px = picture.To(DType.Int32).ToArray<int>();
        var ink = SaliencyOverlay.LabelInk;
        bool IsInk(int y, int x) => px[y * w + x] == ink.R && px[h * w + y * w + x] == ink.G && px[2 * h * w + y * w + x] == ink.B;
        var inkRows = Enumerable.Range(0, h).Where(y => Enumerable.Range(0, w).Any(x => IsInk(y, x))).ToList();
        Assert.NotEmpty(inkRows);
        Assert.True(inkRows[0] > 0 && inkRows[^1] < h - 1, "a label touches the top or bottom edge");
        Assert.All(Enumerable.Range(0, h), y => Assert.False(IsInk(y, w - 1), "a label touches the right edge"));
        // Two separate labels (top "0.8", bottom "0") with a blank row between them.
        var gaps = inkRows.Zip(inkRows.Skip(1), (a, b) => b - a).Count(d => d > 1);
        Assert.Equal(1, gaps);
    }

    [Fact]
    public void FlagNamesAreAcceptedAsSettingNames()
    {
        Assert.Equal(0.1, ConfigBinder.ApplyOverrides(new ClassificationTrainingOptions(), ["lr=0.1"]).LearningRate);
        Assert.Equal(0.2, ConfigBinder.ApplyOverrides(new Methods.SemiSupervised.SemiSupervisedTrainingOptions(), ["lr=0.2"]).LearningRate);
        var twice = Assert.Throws<ConfigException>(() => ConfigBinder.Parse<ClassificationTrainingOptions>("lr: 0.1\nlearning-rate: 0.2\n"));
        Assert.Contains("given twice", twice.Message);
        var unknown = Assert.Throws<ConfigException>(() => ConfigBinder.ApplyOverrides(new ClassificationTrainingOptions(), ["learning-rat=0.1"]));
        Assert.Contains("did you mean 'learning-rate'", unknown.Message);
    }
}
