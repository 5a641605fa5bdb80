using MedLearn.Reports;
using MedLearn.Reports.Charts;
using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Tests.Reports;

/// <summary>A realistic report content (3 classes, 12 epochs, ROC, samples with real PNG thumbnails) for the page tests.</summary>
internal static class ReportTestContent
{
    public static readonly string[] Classes = ["normal", "pre-plus", "plus <ROP> & co"];

    public static ClassificationReportContent Full()
    {
        var history = new List<EpochHistoryRow>();
        for (var e = 1; e <= 12; e++)
        {
            var train = 1.05 * Math.Exp(-0.22 * e) + 0.08;
            var val = 1.0 * Math.Exp(-0.17 * e) + 0.2 + (e > 9 ? 0.012 * (e - 9) : 0);
            history.Add(new EpochHistoryRow(e, train, e == 1 ? null : val, 1 - 0.62 * Math.Exp(-0.3 * e), e == 1 ? null : 0.97 - 0.55 * Math.Exp(-0.25 * e),
                1e-3 * 0.5 * (1 + Math.Cos(Math.PI * (e - 1) / 12)), 41.5 + e % 3));
        }
        long[][] counts = [[52, 5, 1], [6, 31, 3], [0, 2, 20]];
        return new ClassificationReportContent
        {
            Title = "ROP screening – ResNet-18 baseline",
            RunName = "rop-resnet18-2024-06-01",
            RunPath = "/data/runs/rop-resnet18-2024-06-01",
            Created = new DateTimeOffset(2024, 6, 1, 14, 30, 5, TimeSpan.FromHours(2)),
            Dataset = new DatasetSummary(Classes,
                [new SplitCounts("train", [412, 268, 140]), new SplitCounts("val", [58, 40, 22]), new SplitCounts("test", [58, 40, 22])])
            { Description = "Synthetic retinal phantoms (seed 7), 3 classes, stratified 70/15/15 split." },
            Metrics =
            [
                new MetricValue("Accuracy", 0.858, 0.794, 0.912),
                new MetricValue("Macro F1", 0.837, 0.771, 0.893),
                new MetricValue("Macro AUC", 0.951, 0.921, 0.976),
                new MetricValue("Balanced accuracy", 0.845),
                new MetricValue("Cohen kappa", 0.762, 0.671, 0.843),
            ],
            History = history,
            ConfusionMatrix = new ConfusionMatrixData(Classes, counts),
            RocCurves = [Roc(Classes[0], 3.2, 0.962), Roc(Classes[1], 2.1, 0.903), Roc(Classes[2], 4.5, 0.978)],
            PerClass =
            [
                new ClassMetricsRow(Classes[0], 58, 0.897, 0.897, 0.871, 0.897, 0.962),
                new ClassMetricsRow(Classes[1], 40, 0.816, 0.775, 0.913, 0.795, 0.903),
                new ClassMetricsRow(Classes[2], 22, 0.833, 0.909, 0.959, 0.870, 0.978),
            ],
            Samples = [.. Enumerable.Range(0, 10).Select(Sample)],
            Latency = new LatencySummary(12.84, 15.31, "CPU (2 threads)", "float32") { BatchSize = 1, Runs = 200 },
            ConfigurationYaml = "model:\n  name: resnet18\n  pretrained: false\noptim:\n  name: adamw\n  lr: 0.001\n  weight_decay: 0.0001\n"
                + "train:\n  epochs: 12\n  batch_size: 32\n  amp: false\ndata:\n  root: /data/rop\n  image_size: 224\n  # comment with <tags> & ampersands\n",
            ExtraSections = [new ReportSection("Notes", "<p>Extra section from a later feature: <b>works</b>.</p>")],
        };
    }

    /// <summary>A smooth ROC curve tpr = 1 − (1 − fpr)^k through 21 points (ends at (1, 1)).</summary>
    public static RocCurve Roc(string name, double k, double auc)
    {
        var fpr = Enumerable.Range(0, 21).Select(i => i / 20.0).ToArray();
        return new RocCurve(name, fpr, [.. fpr.Select(f => 1 - Math.Pow(1 - f, k))], auc);
    }

    /// <summary>A 48×48 RGB PNG: a bright disc on a dark red background, its size depending on <paramref name="i"/>.</summary>
    public static byte[] Thumbnail(int i)
    {
        const int n = 48;
        var px = new byte[n * n * 3];
        var radius = 10 + i % 5 * 2;
        for (var y = 0; y < n; y++)
            for (var x = 0; x < n; x++)
            {
                var d = Math.Sqrt((x - 24.0) * (x - 24.0) + (y - 22.0) * (y - 22.0));
                var o = (y * n + x) * 3;
                var vignette = Math.Max(0, 1 - d / 34);
                px[o] = (byte)(60 + 150 * vignette);
                px[o + 1] = (byte)(20 + 60 * vignette);
                px[o + 2] = (byte)(10 + 20 * vignette);
                if (d < radius) { px[o] = 250; px[o + 1] = 210; px[o + 2] = 120; }
            }
        using var scope = DisposeScope.Open();
        return ImageCodec.Encode(torch.FromSpan<byte>(px, [n, n, 3]), ImageFormat.Png);
    }

    private static SamplePrediction Sample(int i)
    {
        var truth = Classes[i % 3];
        var predicted = i is 4 or 7 ? Classes[(i + 1) % 3] : truth;
        return new SamplePrediction(Thumbnail(i), truth, predicted, 0.55 + 0.04 * i) { Caption = $"case_{i:000}.png" };
    }
}
