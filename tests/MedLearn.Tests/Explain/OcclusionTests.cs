using MedLearn.Explain;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Explain;

/// <summary>
/// Occlusion sensitivity against closed-form answers on <see cref="RegionEvidenceModel"/>: with a zero (or mean)
/// window the class-1 probability after occluding window W is sigmoid(w · (S_R − Σ_{W∩R} x + fill · |W∩R|)), so
/// every window's drop and the per-pixel mean map are computed here directly with scalar loops.
/// </summary>
public sealed class OcclusionTests
{
    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>Window starts along one axis: 0, s, 2s, ... while the window fits, plus one flush with the end.</summary>
    private static List<long> Starts(long from, long length, long window, long stride)
    {
        var starts = new List<long>();
        for (var s = from; s + window <= from + length; s += stride) starts.Add(s);
        if (starts[^1] + window < from + length) starts.Add(from + length - window);
        return starts;
    }

    /// <summary>The expected map (mean of covering windows' drops, 0 where uncovered) and per-window drops, 2-D or 3-D.</summary>
    private static (double[] Map, double[] Coverage, List<(long[] Start, double Drop)> Windows) Direct(
        RegionEvidenceModel model, float[] x, long channels, long[] size, long[] window, long[] stride, double fillValue, long[]? roiStart = null, long[]? roiSize = null)
    {
        var dims = size.Length;
        roiStart ??= new long[dims];
        roiSize ??= size;
        var pixels = size.Aggregate(1L, (a, b) => a * b);
        long[] Coordinates(long flat)
        {
            var p = new long[dims];
            for (var a = dims - 1; a >= 0; a--) { p[a] = flat % size[a]; flat /= size[a]; }
            return p;
        }
        double Evidence(Func<long[], bool> occluded)
        {
            var s = 0.0;
            for (var f = 0L; f < pixels; f++)
            {
                var p = Coordinates(f);
                if (!model.Contains(p)) continue;
                for (var c = 0; c < channels; c++) s += occluded(p) ? fillValue : x[c * pixels + f];
            }
            return s;
        }
        var p0 = Sigmoid(model.Weight * Evidence(_ => false));
        var axisStarts = Enumerable.Range(0, dims).Select(a => Starts(roiStart[a], roiSize[a], window[a], stride[a])).ToArray();
        var windows = new List<(long[], double)>();
        IEnumerable<long[]> Combinations(int axis)
        {
            if (axis == dims) { yield return []; yield break; }
            foreach (var s in axisStarts[axis])
                foreach (var rest in Combinations(axis + 1)) yield return [s, .. rest];
        }
        var sum = new double[pixels];
        var count = new double[pixels];
        foreach (var w in Combinations(0))
        {
            bool Inside(long[] p) => Enumerable.Range(0, dims).All(a => p[a] >= w[a] && p[a] < w[a] + window[a]);
            var drop = p0 - Sigmoid(model.Weight * Evidence(Inside));
            windows.Add((w, drop));
            for (var f = 0L; f < pixels; f++)
                if (Inside(Coordinates(f))) { sum[f] += drop; count[f]++; }
        }
        return ([.. sum.Select((s, i) => count[i] > 0 ? s / count[i] : 0)], count, windows);
    }

    [Fact]
    public void ZeroFillMapEqualsTheDirectComputationAndPeaksInTheEvidenceRegion()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(1);
            var image = torch.Rand([2, 24, 20]);
            using var model = new RegionEvidenceModel([6, 8], [6, 6], 0.05);
            model.Eval();
            var options = new OcclusionOptions { Window = [5, 4], Stride = [3], BatchSize = 16 };
            var reports = new List<ExplainProgress>();
            using var result = OcclusionSensitivity.Compute(model, image, options, new SynchronousProgress(reports));

            var (map, coverage, windows) = Direct(model, image.ToArray<float>(), 2, [24, 20], [5, 4], [3, 3], 0);
            TensorAssert.Close(torch.FromArray(map, 24, 20), result.Map, atol: 1e-6, rtol: 1e-5, what: "occlusion map");
            Assert.Equal(coverage.Select(c => (float)c).ToArray(), result.Coverage!.ToArray<float>());
            Assert.Equal(windows.Count, result.Positions);
            Assert.Equal(1, result.TargetClass);   // positive evidence: class 1 is predicted
            Assert.Equal(1 + (int)Math.Ceiling(windows.Count / 16.0), result.Forwards);
            // Every pixel is covered (the last window along each axis is flush with the edge).
            Assert.DoesNotContain(0.0, coverage);

            // The hottest window lies entirely inside R, and the map's maximum is in R.
            var hottest = windows.MaxBy(w => w.Drop);
            Assert.True(model.Contains(hottest.Start) && model.Contains([hottest.Start[0] + 4, hottest.Start[1] + 3]), $"hottest window at {string.Join(",", hottest.Start)}");
            var argmax = result.Map.Reshape(-1).Argmax().ToInt64();
            Assert.True(model.Contains([argmax / 20, argmax % 20]));
            // Windows that miss R change nothing.
            Assert.All(windows.Where(w => w.Start[0] + 5 <= 6 || w.Start[0] >= 12 || w.Start[1] + 4 <= 8 || w.Start[1] >= 14), w => Assert.Equal(0, w.Drop, 12));

            // Progress: once per batch, ending at the total.
            Assert.Equal((int)Math.Ceiling(windows.Count / 16.0), reports.Count);
            Assert.Equal(new ExplainProgress(windows.Count, windows.Count), reports[^1]);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void MeanFillAndRegionOfInterest()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(2);
            var image = torch.Rand([1, 16, 16]);
            using var model = new RegionEvidenceModel([4, 4], [5, 5], 0.2);
            model.Eval();
            var mean = image.Mean().ToDouble();
            var options = new OcclusionOptions { Window = [4], Stride = [2], Fill = OcclusionFill.Mean, Region = new RegionOfInterest([2, 3], [8, 9]) };
            using var result = OcclusionSensitivity.Compute(model, image, options);
            var (map, coverage, _) = Direct(model, image.ToArray<float>(), 1, [16, 16], [4, 4], [2, 2], mean, [2, 3], [8, 9]);
            TensorAssert.Close(torch.FromArray(map, 16, 16), result.Map, atol: 1e-6, rtol: 1e-5, what: "mean-fill map");
            Assert.Equal(coverage.Select(c => (float)c).ToArray(), result.Coverage!.ToArray<float>());
            // Outside the region nothing is measured: coverage and map are 0 there.
            Assert.Equal(0, result.Coverage!.Narrow(0, 10, 6).Sum().ToDouble());
            Assert.Equal(0, result.Map.Narrow(1, 0, 3).Abs().Sum().ToDouble());
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void BatchedAndUnbatchedAgreeExactly()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(3);
            var image = torch.Rand([3, 18, 15]);
            using var model = new RegionEvidenceModel([3, 5], [7, 6], 0.03);
            model.Eval();
            var options = new OcclusionOptions { Window = [4, 5], Stride = [2, 3] };
            using var one = OcclusionSensitivity.Compute(model, image, options with { BatchSize = 1 });
            using var seven = OcclusionSensitivity.Compute(model, image, options with { BatchSize = 7 });
            using var all = OcclusionSensitivity.Compute(model, image, options with { BatchSize = 10_000 });
            Assert.True(one.Map.Equal(seven.Map));
            Assert.True(one.Map.Equal(all.Map));
            Assert.Equal(1 + one.Positions, one.Forwards);
            Assert.Equal(2, all.Forwards);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void VolumeMapEqualsTheDirectComputation()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(4);
            var volume = torch.Rand([1, 8, 10, 9]);
            using var model = new RegionEvidenceModel([2, 3, 4], [3, 4, 3], 0.1);
            model.Eval();
            var options = new OcclusionOptions { Window = [3, 4, 3], Stride = [2, 3, 2], BatchSize = 10 };
            using var result = OcclusionSensitivity.Compute(model, volume, options);
            var (map, coverage, windows) = Direct(model, volume.ToArray<float>(), 1, [8, 10, 9], [3, 4, 3], [2, 3, 2], 0);
            Assert.Equal([8, 10, 9], result.Map.Shape);
            TensorAssert.Close(torch.FromArray(map, 8, 10, 9), result.Map, atol: 1e-6, rtol: 1e-5, what: "3-D occlusion map");
            Assert.Equal(coverage.Select(c => (float)c).ToArray(), result.Coverage!.ToArray<float>());
            var argmax = result.Map.Reshape(-1).Argmax().ToInt64();
            Assert.True(model.Contains([argmax / 90, argmax / 9 % 10, argmax % 9]));
            Assert.Equal(windows.Count, result.Positions);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void DeletionCurveOnTheAnalyticModel()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(5);
            var image = torch.Rand([2, 10, 12]);
            using var model = new RegionEvidenceModel([2, 3], [4, 5], 0.15);
            model.Eval();
            var saliency = torch.Rand([10, 12]);
            saliency.Narrow(0, 0, 2).Mul_(0).Add_(0.5);   // ties: removed in index order
            var curve = Faithfulness.Deletion(model, image, saliency, 1, new DeletionOptions { Steps = 7, BatchSize = 3 });

            // Direct: order pixels by saliency (descending, ties by index), remove the first round(i·P/k).
            var s = saliency.ToArray<float>();
            var x = image.ToArray<float>();
            var order = Enumerable.Range(0, 120).OrderByDescending(p => s[p]).ThenBy(p => p).ToArray();
            var expected = new List<double>();
            var fractions = new List<double>();
            for (var i = 0; i <= 7; i++)
            {
                var n = (int)Math.Round(i * 120.0 / 7, MidpointRounding.AwayFromZero);
                var removed = order.Take(n).ToHashSet();
                var evidence = 0.0;
                for (var p = 0; p < 120; p++)
                    if (model.Contains([p / 12, p % 12]) && !removed.Contains(p)) evidence += x[p] + x[120 + p];
                expected.Add(Sigmoid(model.Weight * evidence));
                fractions.Add(n / 120.0);
            }
            TensorAssert.Close(expected, [.. curve.Probabilities], atol: 1e-6, rtol: 1e-5, what: "deletion curve");
            Assert.Equal(fractions, curve.Fractions);
            var auc = 0.0;
            for (var i = 0; i < 7; i++) auc += (fractions[i + 1] - fractions[i]) * (expected[i] + expected[i + 1]) / 2;
            Assert.Equal(auc, curve.Auc, 6);
            Assert.Equal(0.5, curve.Probabilities[^1], 12);   // everything removed: no evidence left

            // A map that ranks R first deletes all evidence within |R|/P = 1/6 of the pixels: its area is smaller.
            var perfect = torch.Zeros([10, 12]);
            perfect.Narrow(0, 2, 4).Narrow(1, 3, 5).Add_(1);
            var best = Faithfulness.Deletion(model, image, perfect, 1, new DeletionOptions { Steps = 6 });
            Assert.Equal(0.5, best.Probabilities[1], 12);
            Assert.True(best.Auc < curve.Auc);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void BadInputsAreClearErrors()
    {
        using var scope = DisposeScope.Open();
        var image = torch.Rand([1, 16, 16]);
        using var model = new RegionEvidenceModel([2, 2], [4, 4], 1);
        model.Eval();
        var big = Assert.Throws<ArgumentException>(() => OcclusionSensitivity.Compute(model, image, new OcclusionOptions { Window = [20] }));
        Assert.Contains("window 20x20 is larger than the image 16x16", big.Message);
        var stride = Assert.Throws<ArgumentException>(() => OcclusionSensitivity.Compute(model, image, new OcclusionOptions { Window = [4], Stride = [0] }));
        Assert.Contains("stride must be positive", stride.Message);
        Assert.Throws<ArgumentException>(() => OcclusionSensitivity.Compute(model, image, new OcclusionOptions { Window = [4], BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => OcclusionSensitivity.Compute(model, image, new OcclusionOptions { Window = [4], TargetClass = 2 }));
        var roi = Assert.Throws<ArgumentException>(() => OcclusionSensitivity.Compute(model, image, new OcclusionOptions { Window = [4], Region = new RegionOfInterest([10, 10], [8, 8]) }));
        Assert.Contains("not inside the image", roi.Message);

        // A 3-D model given a 2-D image: through the model overload (dimensionality known) and through a bare delegate.
        using var model3d = new RegionEvidenceModel([1, 1, 1], [2, 2, 2], 1);
        model3d.Eval();
        var known = Assert.Throws<ArgumentException>(() => OcclusionSensitivity.Compute(model3d, image, new OcclusionOptions { Window = [4] }));
        Assert.Contains("the model is 3-D (volumes [C, D, H, W]) but the input is a 2-D image", known.Message);
        using var cnn3d = new TinyCamNet(3, 1, 2, 2);
        cnn3d.Eval();
        var viaDelegate = Assert.Throws<ArgumentException>(() => OcclusionSensitivity.Compute(cnn3d.Forward, image, new OcclusionOptions { Window = [4] }));
        Assert.Contains("the model rejected a 2-D input batch of shape [1, 1, 16, 16]", viaDelegate.Message);

        model.Train();
        Assert.Throws<InvalidOperationException>(() => OcclusionSensitivity.Compute(model, image, new OcclusionOptions { Window = [4] }));
    }

    private sealed class SynchronousProgress(List<ExplainProgress> reports) : IProgress<ExplainProgress>
    {
        public void Report(ExplainProgress value) => reports.Add(value);
    }
}
