using MedLearn.Data.Writers;
using MedLearn.Experiments;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Training;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>
/// A tiny label sweep end to end: cells are run folders sharing the split and labeled subset per seed, the report and
/// tables are written, a rerun skips finished cells and resumes an interrupted one, and other shared settings are refused.
/// </summary>
public sealed class LabelSweepTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-sweep-");
    private string Data => Path.Combine(_root.FullName, "data");
    private string Out => Path.Combine(_root.FullName, "sweep");

    public LabelSweepTests()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(9);
        foreach (var (cls, offset) in new[] { ("a", 0), ("b", 120) })
        {
            Directory.CreateDirectory(Path.Combine(Data, cls));
            for (var i = 0; i < 12; i++)
                PngWriter.Write((torch.Rand([3, 16, 16]) * 100 + offset).To(DType.UInt8), Path.Combine(Data, cls, $"{cls}{i:D2}.png"));
        }
    }

    public void Dispose() => _root.Delete(recursive: true);

    private LabelSweepOptions Options() => new()
    {
        Base = new SemiSupervisedTrainingOptions
        {
            Data = Data, Model = "small-cnn", Epochs = 2, LabeledBatchSize = 3, UnlabeledBatchSize = 3, EvalBatchSize = 8, ImageSize = 16,
            LearningRate = 0.01, Split = [0.5, 0.25, 0.25], Workers = 0, BootstrapSamples = 0, LatencyImages = 1, LatencyWarmup = 0,
            Precision = Precision.Fp32, ReportSamples = 0,
        },
        Fractions = [0.5, 1.0],
        Methods = [SemiSupervisedMethod.Supervised, SemiSupervisedMethod.SrcMt],
        Seeds = 1,
        Out = Out,
    };

    private sealed class Events(Action<LabelSweepEvent>? onEvent = null) : IProgress<LabelSweepEvent>
    {
        public List<LabelSweepEvent> All { get; } = [];

        public void Report(LabelSweepEvent value)
        {
            All.Add(value);
            onEvent?.Invoke(value);
        }

        public int Count(LabelSweepEventKind kind) => All.Count(e => e.Kind == kind);
    }

    private sealed class CancelAt(long step, CancellationTokenSource source) : ITrainingCallback
    {
        public void OnStep(StepReport report)
        {
            if (report.GlobalStep == step) source.Cancel();
        }
    }

    [Fact]
    public void SweepWritesPairedCellsAReportAndContinuesWhereItStopped()
    {
        // First invocation: Ctrl-C during the second cell (src-mt at 50%).
        using var cts = new CancellationTokenSource();
        var first = new Events();
        var stopped = LabelSweep.Run(Options(), cell => cell.Method == SemiSupervisedMethod.SrcMt ? [new CancelAt(3, cts)] : [], first, cts.Token);
        Assert.True(stopped.Cancelled);
        Assert.Equal(1, stopped.CompletedCells);
        Assert.True(File.Exists(stopped.ReportPath), "the report covers the finished cells already");

        // Second invocation: the finished cell is skipped, the interrupted one resumes, the rest run.
        var second = new Events();
        var result = LabelSweep.Run(Options(), progress: second);
        Assert.False(result.Cancelled);
        Assert.Equal(4, result.CompletedCells);
        Assert.Equal(1, second.Count(LabelSweepEventKind.CellSkipped));
        Assert.Equal(1, second.Count(LabelSweepEventKind.CellResuming));
        Assert.Equal(2, second.Count(LabelSweepEventKind.CellStarting));
        Assert.Contains(second.All, e => e.Kind == LabelSweepEventKind.Warning && e.Message.Contains("falls back to supervised"));

        // Every cell is one run folder; methods share the seed's split and labeled subset.
        var cells = Path.Combine(Out, "cells");
        foreach (var dir in Directory.GetDirectories(cells)) Assert.Single(Directory.GetDirectories(dir), RunDirectory.IsRunDirectory);
        string RunOf(string cell) => Directory.GetDirectories(Path.Combine(cells, cell)).Single(RunDirectory.IsRunDirectory);
        Assert.Equal(File.ReadAllText(Path.Combine(RunOf("f0.5-supervised-seed0"), "labeled.csv")), File.ReadAllText(Path.Combine(RunOf("f0.5-src-mt-seed0"), "labeled.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(RunOf("f0.5-supervised-seed0"), "split.csv")), File.ReadAllText(Path.Combine(RunOf("f1-src-mt-seed0"), "split.csv")));

        // At 100% there are no unlabeled images: src-mt ran as supervised, identically.
        var s = result.Summary;
        var full = s.Cells.Single(c => c.Fraction == 1.0 && c.Method == "src-mt");
        Assert.Equal("supervised", full.RanMethod);
        Assert.Equal(s.Cells.Single(c => c.Fraction == 1.0 && c.Method == "supervised").Get("accuracy"), full.Get("accuracy"));
        Assert.True(s.Comparisons.Single(c => c.Fraction == 1.0 && c.Metric == "accuracy").FellBack);

        Assert.Equal(5, File.ReadAllLines(Path.Combine(Out, "sweep.csv")).Length);
        Assert.Equal(4, MetricsFile.Read<LabelSweepSummary>(Path.Combine(Out, "sweep.json")).Cells.Count);
        var html = File.ReadAllText(result.ReportPath);
        Assert.Contains("Paired comparisons with supervised-only", html);
        Assert.Contains("the paired tests have little power", html);

        // Third invocation: nothing to do; other shared settings are refused.
        var third = new Events();
        LabelSweep.Run(Options(), progress: third);
        Assert.Equal(4, third.Count(LabelSweepEventKind.CellSkipped));

        // Fourth: a method added to a finished sweep. The first report is rewritten after the first (skipped) cell, before
        // f0.5-src-mt and the 100% cells are reached, and already lists all four earlier cells (not just the one reached).
        var csvLinesAtFirstReport = -1;
        var fourth = new Events(e =>
        {
            if (e.Kind == LabelSweepEventKind.ReportWritten && csvLinesAtFirstReport < 0)
                csvLinesAtFirstReport = File.ReadAllLines(Path.Combine(Out, "sweep.csv")).Length;
        });
        var withMeanTeacher = LabelSweep.Run(Options() with { Methods = [SemiSupervisedMethod.Supervised, SemiSupervisedMethod.MeanTeacher, SemiSupervisedMethod.SrcMt] }, progress: fourth);
        Assert.Equal(2, fourth.Count(LabelSweepEventKind.CellStarting));
        Assert.Equal(1 + 4, csvLinesAtFirstReport);
        Assert.Equal(6, withMeanTeacher.CompletedCells);
        var other = Options() with { Base = Options().Base with { Epochs = 3 } };
        var e = Assert.Throws<ArgumentException>(() => LabelSweep.Run(other));
        Assert.Contains("other shared settings", e.Message);
        Assert.Throws<ArgumentException>(() => LabelSweep.Run(Options() with { Fractions = [0.0, 0.5] }));
    }
}
