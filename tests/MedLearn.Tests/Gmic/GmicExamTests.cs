using MedLearn.Data.Datasets;
using MedLearn.Methods.Gmic;
using MedLearn.Models.Gmic;
using MedLearn.Torch;

namespace MedLearn.Tests.Gmic;

/// <summary>
/// The screening manifest (columns, multi-label targets, bad values named by file and row), breast-level aggregation of
/// CC and MLO views (analytic means, the missing-view policies) and the reader hybrid (analytic AUCs).
/// </summary>
public sealed class GmicExamTests
{
    private static ScreeningData Parse(string csv, IReadOnlyList<string>? targets = null, IReadOnlyList<string>? classes = null) =>
        ScreeningManifest.Parse(new StringReader(csv), "/data", "/data/m.csv", targets, classes, checkFiles: false);

    [Fact]
    public void ManifestReadsTheScreeningColumns()
    {
        var d = Parse("path,label,view,laterality,patient,exam,reader,mask\na.png,0,cc,left,p1,e1,0.25,ma.png\nb.png,1,MLO,R,p1,e1,,\n");
        Assert.True(d.HasViews && d.HasLaterality && d.HasReader && d.HasPatient);
        Assert.Equal(["0", "1"], d.Dataset.Classes);
        Assert.Equal(["1"], d.Scheme.Outputs);
        var a = d.Info["/data/a.png"];
        Assert.Equal(("CC", "L", "p1", "e1", 0.25, 2), (a.View, a.Laterality, a.Patient, a.Exam, a.Reader!.Value, a.Row));
        Assert.Null(d.Info["/data/b.png"].Reader);
        Assert.Equal("/data/ma.png", d.Dataset[0].MaskPath);
        Assert.Equal("R", d.Laterality["/data/b.png"]);
        Assert.Equal("p1", d.GroupOf("/data/b.png"));
    }

    [Fact]
    public void MultiLabelTargetColumnsBecomeBitMasks()
    {
        var d = Parse("path,benign,malignant\na.png,0,0\nb.png,1,0\nc.png,0,1\nd.png,yes,1\ne.png,,\n", ["benign", "malignant"]);
        Assert.Equal(["none", "benign", "malignant", "benign+malignant"], d.Dataset.Classes);
        Assert.Equal([0, 1, 2, 3, -1], d.Dataset.Items.Select(i => i.Label));
        Assert.True(d.Scheme.IsMultiLabel);
        Assert.Equal([1f, 1f], d.Scheme.Targets(3)!);
        Assert.Equal([0f, 1f], d.Scheme.Targets(2)!);
        Assert.Null(d.Scheme.Targets(-1));
        using var scope = DisposeScope.Open();
        var y = d.Scheme.FromLabels(torch.FromArray(new long[] { 1, 3, 0 }, 3));
        Assert.Equal([1f, 0f, 1f, 1f, 0f, 0f], y.ToArray<float>());
    }

    [Fact]
    public void BadValuesAreNamedByFileAndRow()
    {
        var e = Assert.Throws<DatasetException>(() => Parse(
            "path,benign,malignant,view,laterality,exam,reader\na.png,0,2,AP,X,e1,1.5\nb.png,1,,CC,L,,0.1\n", ["benign", "malignant"]));
        Assert.StartsWith("/data/m.csv: ", e.Message);
        Assert.Contains("row 2: target column 'malignant': '2' is not 0 or 1", e.Problems);
        Assert.Contains("row 2: view 'AP' is not CC or MLO", e.Problems);
        Assert.Contains("row 2: laterality 'X' is not L or R", e.Problems);
        Assert.Contains("row 2: reader score '1.5' is not a number in [0, 1]", e.Problems);
        Assert.Contains("row 3: target column 'malignant' is empty while other targets are set (give 0 or 1)", e.Problems);
        Assert.Contains("row 3: empty exam id", e.Problems);
        var missing = Assert.Throws<DatasetException>(() => Parse("path,benign\na.png,1\n", ["benign", "malignant"]));
        Assert.Contains("/data/m.csv row 1: missing column malignant", missing.Message);
        var unknown = Assert.Throws<DatasetException>(() => Parse("path,label\na.png,2\n", classes: ["0", "1"]));
        Assert.Contains("row 2: unknown class '2' (classes: 0, 1)", unknown.Problems);
    }

    private static readonly ScreeningData Views = Parse(
        "path,label,exam,view,laterality,reader\n" +
        "a.png,1,e1,CC,L,0.2\nb.png,1,e1,CC,L,0.2\nc.png,1,e1,MLO,L,0.2\n" +  // e1 L: two CC images
        "d.png,0,e1,CC,R,0.7\ne.png,1,e1,MLO,R,0.7\n" +                      // e1 R: positive in one view only
        "f.png,0,e2,CC,L,0.9\ng.png,0,e2,MLO,L,0.9\n" +
        "h.png,0,e2,MLO,R,0.0\n");                                           // e2 R: no CC

    private static (string, float[], float[]?) Image(string name, float p, float? target) => ($"/data/{name}", [p], target is { } t ? [t] : null);

    private static readonly (string, float[], float[]?)[] ViewImages =
    [
        Image("a.png", 0.2f, 1), Image("b.png", 0.4f, 1), Image("c.png", 0.9f, 1),
        Image("d.png", 0.1f, 0), Image("e.png", 0.3f, 1),
        Image("f.png", 0.6f, 0), Image("g.png", 0.6f, 0),
        Image("h.png", 0.1f, 0),
    ];

    [Fact]
    public void BreastProbabilityIsTheMeanOfTheCcAndMloMeans()
    {
        var (breasts, skipped) = BreastAggregation.Aggregate(ViewImages, Views.Info, MissingViewPolicy.Skip, Views.Source);
        Assert.Equal(1, skipped);
        Assert.Equal(3, breasts.Count);
        Assert.Equal(("e1", "L", "CC+MLO"), (breasts[0].Exam, breasts[0].Laterality, breasts[0].Views));
        Assert.Equal((0.3 + 0.9) / 2, breasts[0].Probabilities[0], 6);
        Assert.Equal(0.2, breasts[1].Probabilities[0], 6);
        Assert.Equal([1f], breasts[1].Targets!);                 // positive when any view is
        Assert.Equal(0.7, breasts[1].Reader!.Value, 12);
        Assert.Equal([0f], breasts[2].Targets!);

        var (available, none) = BreastAggregation.Aggregate(ViewImages, Views.Info, MissingViewPolicy.Available, Views.Source);
        Assert.Equal(0, none);
        Assert.Equal(("e2", "R", "MLO"), (available[3].Exam, available[3].Laterality, available[3].Views));
        Assert.Equal(0.1, available[3].Probabilities[0], 6);
    }

    [Fact]
    public void AMissingViewIsRefusedNamingTheFileTheExamAndTheView()
    {
        var e = Assert.Throws<DatasetException>(() => BreastAggregation.Aggregate(ViewImages, Views.Info, MissingViewPolicy.Fail, Views.Source));
        Assert.StartsWith("/data/m.csv: breast-level aggregation needs the CC and the MLO view of every breast (set missing-views to skip", e.Message);
        Assert.Equal(["exam 'e2' breast R: no CC view (row 9 is MLO)"], e.Problems);
    }

    [Fact]
    public void HybridScoreIsLambdaReaderPlusOneMinusLambdaModel()
    {
        Assert.Equal(0.25 * 0.8 + 0.75 * 0.2, HybridScore.Combine(0.8, 0.2, 0.25), 15);
        Assert.Equal(0.2, HybridScore.Combine(0.8, 0.2, 0), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => HybridScore.Combine(0.8, 0.2, 1.5));
    }

    private static GmicPrediction Prediction(string path, float target, float p) =>
        new(path, [target], [p], [p], [p], [], [], null);

    [Fact]
    public void HybridAucAtTheBreastLevelMatchesTheHandCount()
    {
        // Four breasts, one image per view with the same probability; targets 1,1,0,0.
        // model 0.9, 0.2, 0.6, 0.1: AUC 3/4; reader 0.2, 0.7, 0.9, 0.0: AUC 2/4;
        // hybrid (lambda 0.5) 0.55, 0.45, 0.75, 0.05: AUC 2/4.
        float[] model = [0.9f, 0.2f, 0.6f, 0.1f], target = [1, 1, 0, 0];
        double[] reader = [0.2, 0.7, 0.9, 0.0];
        var csv = "path,label,exam,view,laterality,reader\n" + string.Concat(Enumerable.Range(0, 4).Select(b =>
            FormattableString.Invariant($"cc{b}.png,{target[b]},e{b},CC,L,{reader[b]}\nmlo{b}.png,{target[b]},e{b},MLO,L,{reader[b]}\n")));
        var data = Parse(csv);
        var predictions = Enumerable.Range(0, 4).SelectMany(b => new[] { Prediction($"/data/cc{b}.png", target[b], model[b]), Prediction($"/data/mlo{b}.png", target[b], model[b]) }).ToList();
        var settings = new GmicExamSummaryBuilder.Settings(MissingViewPolicy.Fail, 0.5, null, 0, 1);
        var breasts = GmicExamSummaryBuilder.Breasts(predictions, data, MissingViewPolicy.Fail);
        var metrics = GmicExamSummaryBuilder.BreastMetrics(breasts, ["1"], settings)!;
        Assert.Equal((4, 0, 0, 2), (metrics.Breasts, metrics.Skipped, metrics.SingleView, metrics.Outputs[0].Positives));
        Assert.Equal(0.75, metrics.Outputs[0].Auc.Estimate!.Value, 12);
        var hybrid = GmicExamSummaryBuilder.Hybrid(predictions, data, breasts, ["1"], settings)!;
        Assert.Equal(("breast", 4, 2), (hybrid.Level, hybrid.Cases, hybrid.Positives));
        Assert.Equal(0.5, hybrid.Auc.Estimate!.Value, 12);
        Assert.Equal(0.75, hybrid.AucModel!.Value, 12);
        Assert.Equal(0.5, hybrid.AucReader!.Value, 12);
        // lambda 0: the hybrid is the model.
        Assert.Equal(0.75, GmicExamSummaryBuilder.Hybrid(predictions, data, breasts, ["1"], settings with { ReaderLambda = 0 })!.Auc.Estimate!.Value, 12);
        Assert.Throws<ArgumentException>(() => GmicExamSummaryBuilder.Hybrid(predictions, data, breasts, ["1"], settings with { ReaderOutput = "malignant" }));
    }

    [Fact]
    public void SplitKeepsEveryImageOfAPatientInOnePart()
    {
        var csv = "path,label,patient\n" + string.Concat(Enumerable.Range(0, 40).Select(i => FormattableString.Invariant($"i{i}.png,{i / 4 % 2},p{i / 4}\n")));
        var data = Parse(csv);
        var split = GmicSetup.Split(data, new GmicTrainingOptions { Data = "m.csv", Split = [0.6, 0.2, 0.2], Seed = 3 });
        var partOf = new Dictionary<string, string>();
        foreach (var name in DatasetSplit.Names)
            foreach (var item in split[name].Items)
            {
                var patient = data.GroupOf(item.Path);
                Assert.Equal(partOf.GetValueOrDefault(patient, name), name);
                partOf[patient] = name;
            }
        Assert.Equal(40, split.Train.Count + split.Val.Count + split.Test.Count);
        Assert.Equal((24, 8, 8), (split.Train.Count, split.Val.Count, split.Test.Count)); // 6/2/2 patients of 4 images
    }
}
