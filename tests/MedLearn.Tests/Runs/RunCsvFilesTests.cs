using System.Text.Json;
using MedLearn.Runs;
using MedLearn.Tests.Datasets;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Runs;

public class RunCsvFilesTests
{
    private static HistoryRow Row(int epoch, double loss, double auc, double acc = double.NaN) => new()
    {
        Epoch = epoch,
        TrainLoss = loss,
        ValLoss = loss * 1.1,
        Train = new Dictionary<string, double> { ["auc"] = auc, ["acc"] = acc },
        Val = new Dictionary<string, double> { ["auc"] = auc - 0.05 },
        LearningRate = 1e-3 / epoch,
        Seconds = 12.5 + epoch,
    };

    private static void AssertSameRow(HistoryRow expected, HistoryRow actual, IEnumerable<string> metrics)
    {
        Assert.Equal((expected.Epoch, expected.TrainLoss, expected.ValLoss, expected.LearningRate, expected.Seconds),
            (actual.Epoch, actual.TrainLoss, actual.ValLoss, actual.LearningRate, actual.Seconds));
        foreach (var m in metrics)
        {
            Assert.Equal(expected.Train.GetValueOrDefault(m, double.NaN), actual.Train[m]);
            Assert.Equal(expected.Val.GetValueOrDefault(m, double.NaN), actual.Val[m]);
        }
    }

    [Fact]
    public void HistoryHasTheDocumentedColumnsAndIsValidAfterEveryAppend()
    {
        using var dir = new TempDir();
        var path = dir["history.csv"];
        var history = HistoryFile.Create(path, ["auc", "acc"]);
        Assert.Equal("epoch,train_loss,val_loss,train_auc,train_acc,val_auc,val_acc,lr,seconds\n", File.ReadAllText(path));
        var rows = new[] { Row(1, 0.1 + 0.2, 0.75, 0.5), Row(2, double.NaN, 1.0 / 3), Row(3, double.PositiveInfinity, 1e-300, double.NegativeInfinity) };
        for (var i = 0; i < rows.Length; i++)
        {
            history.Append(rows[i]);
            // What a killed run would leave: the file as of this append, complete and readable.
            var back = HistoryFile.Read(path);
            Assert.Equal(["auc", "acc"], back.Metrics);
            Assert.Equal(i + 1, back.Rows.Count);
            for (var j = 0; j <= i; j++) AssertSameRow(rows[j], back.Rows[j], ["auc", "acc"]);
        }
        Assert.Equal(["history.csv"], Directory.GetFiles(dir.Path).Select(Path.GetFileName)); // no temporary files left
        var lines = File.ReadAllLines(path);
        Assert.Equal("1,0.30000000000000004,0.33000000000000007,0.75,0.5,0.7,nan,0.001,13.5", lines[1]);
        Assert.Equal("2,nan,nan,0.3333333333333333,nan,0.2833333333333333,nan,0.0005,14.5", lines[2]);
        Assert.StartsWith("3,inf,inf,1E-300,-inf,", lines[3]);
    }

    [Fact]
    public void HistoryAppendValidatesEpochsAndMetricNames()
    {
        using var dir = new TempDir();
        var history = HistoryFile.Create(dir["h.csv"], ["dice"]);
        history.Append(new HistoryRow { Epoch = 1 });
        Assert.Throws<ArgumentException>(() => history.Append(new HistoryRow { Epoch = 1 }));
        var e = Assert.Throws<ArgumentException>(() => history.Append(new HistoryRow { Epoch = 2, Val = new Dictionary<string, double> { ["dise"] = 1 } }));
        Assert.Contains("unknown metric 'dise'", e.Message);
        Assert.Single(HistoryFile.Read(dir["h.csv"]).Rows); // failed appends changed nothing
        Assert.Throws<ArgumentException>(() => HistoryFile.Create(dir["x.csv"], ["a", "a"]));
        Assert.Throws<ArgumentException>(() => HistoryFile.Create(dir["x.csv"], ["loss"]));
        Assert.Throws<ArgumentException>(() => HistoryFile.Create(dir["x.csv"], ["a,b"]));
    }

    [Fact]
    public void HistoryResumesAfterReadAndTruncatesToACheckpoint()
    {
        using var dir = new TempDir();
        var path = dir["history.csv"];
        var h = HistoryFile.Create(path, []);
        for (var e = 1; e <= 5; e++) h.Append(new HistoryRow { Epoch = e, TrainLoss = 1.0 / e });
        var resumed = HistoryFile.Read(path);
        Assert.Empty(resumed.Metrics);
        resumed.TruncateAfter(3);
        resumed.Append(new HistoryRow { Epoch = 4, TrainLoss = 42 });
        Assert.Equal([1, 2, 3, 4], HistoryFile.Read(path).Rows.Select(r => r.Epoch));
        Assert.Equal([1, 0.5, 1.0 / 3, 42], HistoryFile.Read(path).Rows.Select(r => r.TrainLoss));
    }

    [Theory]
    [InlineData("", "row 1: header required")]
    [InlineData("epoch,train_loss,val_loss,lr\n", "row 1: not a history header")]
    [InlineData("epoch,train_loss,val_loss,val_b,train_a,lr,seconds\n", "row 1: not a history header")]
    [InlineData("epoch,train_loss,val_loss,train_a,test_b,lr,seconds\n", "row 1: not a history header")]
    [InlineData("epoch,train_loss,val_loss,lr,seconds\n1,0.5,0.5,0.1\n", "row 2: expected 5 fields, found 4")]
    [InlineData("epoch,train_loss,val_loss,lr,seconds\n1.5,0.5,0.5,0.1,1\n", "row 2: epoch '1.5' is not an integer")]
    [InlineData("epoch,train_loss,val_loss,lr,seconds\n1,0.5,abc,0.1,1\n", "row 2: column val_loss: 'abc' is not a number")]
    [InlineData("epoch,train_loss,val_loss,lr,seconds\n1,0.5,,0.1,1\n", "row 2: column val_loss: '' is not a number")]
    [InlineData("epoch,train_loss,val_loss,lr,seconds\n2,1,1,1,1\n\n2,1,1,1,1\n", "row 4: epoch 2 does not follow epoch 2")]
    [InlineData("epoch,train_loss,val_loss,lr,seconds\n1,\"0.5,1,1,1\n", "unterminated quoted field")]
    public void MalformedHistoryFilesNameTheRow(string content, string message)
    {
        using var dir = new TempDir();
        var path = dir.Text("history.csv", content);
        var e = Assert.Throws<RunFileException>(() => HistoryFile.Read(path));
        Assert.Contains(message, e.Message);
        Assert.StartsWith(path, e.Message);
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void PredictionsRoundTripWithEmptyTrueLabelsAndQuotedNames()
    {
        using var dir = new TempDir();
        var path = dir["predictions.csv"];
        var set = new PredictionSet(["benign", "malignant, invasive", "normal \"ref\""],
        [
            new PredictionRow("images/a.png", "benign", "benign", [0.7, 0.2, 0.1]),
            new PredictionRow("images/b,c.png", null, "malignant, invasive", [0.1 + 0.2, 0.6, 0.09999999999999998]),
            new PredictionRow("/abs/ü.png", "normal \"ref\"", "benign", [double.NaN, 1e-320, 1]),
        ]);
        PredictionsFile.Write(path, set);
        var lines = File.ReadAllLines(path);
        Assert.Equal("path,true_label,predicted_label,p_benign,\"p_malignant, invasive\",\"p_normal \"\"ref\"\"\"", lines[0]);
        Assert.Equal("\"images/b,c.png\",,\"malignant, invasive\",0.30000000000000004,0.6,0.09999999999999998", lines[2]);
        var back = PredictionsFile.Read(path);
        Assert.Equal(set.Classes, back.Classes);
        Assert.Equal(set.Rows.Count, back.Rows.Count);
        for (var i = 0; i < set.Rows.Count; i++)
        {
            Assert.Equal((set.Rows[i].Path, set.Rows[i].TrueLabel, set.Rows[i].PredictedLabel), (back.Rows[i].Path, back.Rows[i].TrueLabel, back.Rows[i].PredictedLabel));
            Assert.Equal(set.Rows[i].Probabilities, back.Rows[i].Probabilities);
        }
    }

    [Fact]
    public void PredictionsAreValidatedOnWriteAndRead()
    {
        using var dir = new TempDir();
        var path = dir["p.csv"];
        Assert.Throws<ArgumentException>(() => PredictionsFile.Write(path, new PredictionSet(["a", "b"], [new PredictionRow("x", "a", "a", [1.0])])));
        Assert.Throws<ArgumentException>(() => PredictionsFile.Write(path, new PredictionSet(["a", "b"], [new PredictionRow("x", "a", "c", [1.0, 0])])));
        Assert.Throws<ArgumentException>(() => PredictionsFile.Write(path, new PredictionSet(["a", "b"], [new PredictionRow("x", "z", "a", [1.0, 0])])));
        Assert.Throws<ArgumentException>(() => PredictionsFile.Write(path, new PredictionSet(["a", "a"], [])));
        Assert.False(File.Exists(path));
        var e = Assert.Throws<RunFileException>(() => PredictionsFile.Read(dir.Text("q.csv", "path,true_label,predicted_label,p_a\nx,,b,1\n")));
        Assert.Contains("row 2: predicted label 'b' is not a class", e.Message);
        e = Assert.Throws<RunFileException>(() => PredictionsFile.Read(dir.Text("r.csv", "path,label,p_a\n")));
        Assert.Contains("row 1: expected header", e.Message);
        e = Assert.Throws<RunFileException>(() => PredictionsFile.Read(dir.Text("s.csv", "path,true_label,predicted_label,p_a\nx,a,a,high\n")));
        Assert.Contains("row 2: column p_a: 'high' is not a number", e.Message);
    }

    [Fact]
    public void PythonCsvAndFloatReadTheSameNumbers()
    {
        using var dir = new TempDir();
        var history = HistoryFile.Create(dir["history.csv"], ["auc"]);
        var values = new[] { 0.1 + 0.2, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-320, -0.0, Math.PI, 123456789.125, double.MaxValue };
        for (var i = 0; i < values.Length; i++)
            history.Append(new HistoryRow { Epoch = i + 1, TrainLoss = values[i], ValLoss = values[^(i + 1)], Train = new Dictionary<string, double> { ["auc"] = values[i] / 3 } });
        var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/check_run_csv.py"), null, history.Path);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(history.Columns, json.RootElement.GetProperty("header").EnumerateArray().Select(h => h.GetString()));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(values.Length, rows.Count);
        string Hex(double d) => BitConverter.DoubleToUInt64Bits(d).ToString("x16");
        for (var i = 0; i < values.Length; i++)
        {
            var f = rows[i].EnumerateArray().Select(x => x.GetProperty("f").GetString()).ToList(); // every field is a float to Python
            Assert.Equal(Hex(i + 1), f[0]);
            Assert.Equal(double.IsNaN(values[i]) ? "7ff8000000000000" : Hex(values[i]), f[1]);
            Assert.Equal(double.IsNaN(values[^(i + 1)]) ? "7ff8000000000000" : Hex(values[^(i + 1)]), f[2]);
            Assert.Equal(double.IsNaN(values[i]) ? "7ff8000000000000" : Hex(values[i] / 3), f[3]);
        }
    }

    [Fact]
    public void MetricsJsonIsIndentedSnakeCaseAndAllowsNaN()
    {
        using var dir = new TempDir();
        var path = dir["metrics.json"];
        var metrics = new SampleMetrics
        {
            BalancedAccuracy = 0.875,
            Auc = double.NaN,
            Brier = double.PositiveInfinity,
            PerClass = new Dictionary<string, double> { ["Benign"] = 0.9, ["ü"] = 0.1 + 0.2 },
            Kind = OptimizerKind.AdamW,
        };
        MetricsFile.Write(path, metrics);
        var text = File.ReadAllText(path);
        Assert.Equal("""
            {
              "balanced_accuracy": 0.875,
              "auc": "NaN",
              "brier": "Infinity",
              "per_class": {
                "Benign": 0.9,
                "ü": 0.30000000000000004
              },
              "kind": "adam-w"
            }

            """.ReplaceLineEndings("\n"), text.ReplaceLineEndings("\n"));
        var back = MetricsFile.Read<SampleMetrics>(path);
        Assert.Equal(0.875, back.BalancedAccuracy);
        Assert.True(double.IsNaN(back.Auc));
        Assert.Equal(double.PositiveInfinity, back.Brier);
        Assert.Equal(metrics.PerClass, back.PerClass);
        Assert.Equal(OptimizerKind.AdamW, back.Kind);
        // Anonymous objects and dictionaries work too; a broken file is a RunFileException.
        MetricsFile.Write(path, new { accuracy = 0.5, confusion = new[] { new[] { 1, 2 }, new[] { 3, 4 } } });
        Assert.Equal(4, MetricsFile.Read<Dictionary<string, JsonElement>>(path)["confusion"][1][1].GetInt32());
        File.WriteAllText(path, "{");
        Assert.Throws<RunFileException>(() => MetricsFile.Read<SampleMetrics>(path));
        Assert.Throws<InvalidOperationException>(() => MetricsFile.Options.WriteIndented = false);
    }

    public sealed record SampleMetrics
    {
        public double BalancedAccuracy { get; init; }
        public double Auc { get; init; }
        public double Brier { get; init; }
        public Dictionary<string, double> PerClass { get; init; } = [];
        public OptimizerKind Kind { get; init; }
    }
}
