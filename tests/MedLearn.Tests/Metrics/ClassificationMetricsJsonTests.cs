using System.Text.Json;
using MedLearn.Metrics;

namespace MedLearn.Tests.Metrics;

public class ClassificationMetricsJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void UndefinedValuesSerialiseAsNullAndTheRecordRoundTrips()
    {
        // class "c" never occurs in the targets: its AUC is undefined; bootstrap with a cost matrix
        int[] t = [0, 1, 0, 1, 0, 1];
        double[][] p = [[0.7, 0.2, 0.1], [0.3, 0.6, 0.1], [0.4, 0.5, 0.1], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [0.1, 0.8, 0.1]];
        var r = ClassificationEvaluation.Compute(t, p, ["a", "b", "c"], new ClassificationEvaluationOptions
        {
            BootstrapSamples = 25,
            BootstrapSeed = 9,
            CostMatrix = [[0, 1, 2], [1, 0, 1], [2, 1, 0]],
        });
        var json = JsonSerializer.Serialize(r, Web);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("perClass")[2].GetProperty("auc").ValueKind);
        Assert.Equal(r.MacroAuc!.Value, root.GetProperty("macroAuc").GetDouble());
        Assert.Equal(2, root.GetProperty("rocCurves").GetArrayLength());                  // only the defined curves
        Assert.False(root.GetProperty("rocCurves")[0].TryGetProperty("isDefined", out _));
        Assert.Equal(r.Accuracy, root.GetProperty("bootstrap").GetProperty("accuracy").GetProperty("estimate").GetDouble());
        Assert.Equal(r.ConfusionMatrix[0][2], root.GetProperty("confusionMatrix")[0][2].GetInt64());
        Assert.Equal(r.WeightedError!.Value, root.GetProperty("weightedError").GetDouble());

        var back = JsonSerializer.Deserialize<ClassificationMetrics>(json, Web)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, Web));
        Assert.Equal(r.PerClass, back.PerClass);
        Assert.Equal(r.Bootstrap, back.Bootstrap);
    }

    [Fact]
    public void DefaultOptionsSerialiseWithoutNaN()
    {
        // kappa undefined (one class everywhere): null; no bootstrap: null
        var r = ClassificationEvaluation.Compute([0, 0], [[0.9, 0.1], [0.6, 0.4]], ["neg", "pos"]);
        var json = JsonSerializer.Serialize(r);
        Assert.DoesNotContain("NaN", json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("KappaQuadratic").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("MacroAuc").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("Bootstrap").ValueKind);
    }
}
