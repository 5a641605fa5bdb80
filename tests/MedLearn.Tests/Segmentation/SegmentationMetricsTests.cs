using MedLearn.Methods.Segmentation;
using MedLearn.Metrics.Segmentation;
using MedLearn.Morphology;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Segmentation;

/// <summary>Dice, Jaccard, HD95, ASD, ASSD, surfaces and the exact EDT: analytic shapes and scipy golden values
/// (tools/golden/gen_segmentation.py).</summary>
public class SegmentationMetricsTests
{
    private static Golden G => Golden.Load("segmentation");

    public static TheoryData<string> GoldenCases() => ["blobs_aniso", "blobs_iso", "edge", "plane"];

    internal static BinaryMask Box(int[] shape, int[] lo, int[] hi, double[]? spacing = null)
    {
        var v = new bool[shape[0] * shape[1] * shape[2]];
        for (var z = lo[0]; z < hi[0]; z++)
        for (var y = lo[1]; y < hi[1]; y++)
        for (var x = lo[2]; x < hi[2]; x++)
            v[(z * shape[1] + y) * shape[2] + x] = true;
        return new BinaryMask(v, shape, spacing);
    }

    internal static BinaryMask Ball(int n, double radius, double[]? spacing = null)
    {
        var c = (n - 1) / 2.0;
        var v = new bool[n * n * n];
        for (var z = 0; z < n; z++)
        for (var y = 0; y < n; y++)
        for (var x = 0; x < n; x++)
            v[(z * n + y) * n + x] = (z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c) <= radius * radius;
        return new BinaryMask(v, [n, n, n], spacing);
    }

    [Fact]
    public void DistanceTransformOfOneVoxelIsTheAnisotropicEuclideanNorm()
    {
        double[] s = [2.5, 0.75, 1.25];
        var m = Box([5, 6, 7], [1, 4, 2], [2, 5, 3], s);
        var d = EuclideanDistanceTransform.DistanceTo(m);
        for (var z = 0; z < 5; z++)
        for (var y = 0; y < 6; y++)
        for (var x = 0; x < 7; x++)
        {
            var e = Math.Sqrt(Math.Pow(s[0] * (z - 1), 2) + Math.Pow(s[1] * (y - 4), 2) + Math.Pow(s[2] * (x - 2), 2));
            Assert.Equal(e, d[(z * 6 + y) * 7 + x], 12);
        }
    }

    [Fact]
    public void DistanceTransformWithoutTargetIsInfinite()
    {
        var d = EuclideanDistanceTransform.DistanceTo(Box([3, 3, 3], [0, 0, 0], [0, 0, 0]));
        Assert.All(d, v => Assert.True(double.IsPositiveInfinity(v)));
    }

    [Fact]
    public void SurfaceOfASolidCubeIsItsShell()
    {
        var s = MaskSurface.Of(Box([7, 7, 7], [1, 1, 1], [6, 6, 6]));
        Assert.Equal(125 - 27, s.Count);
        Assert.False(s[(3 * 7 + 3) * 7 + 3]);
        Assert.True(s[(1 * 7 + 3) * 7 + 3]);
        // Touching the grid edge: outside counts as background, so the whole 3x3x3 grid-filling cube is surface but its centre.
        Assert.Equal(26, MaskSurface.Of(Box([3, 3, 3], [0, 0, 0], [3, 3, 3])).Count);
    }

    [Fact]
    public void OverlapOfHalfShiftedCubes()
    {
        var a = Box([4, 4, 8], [0, 0, 0], [4, 4, 4]);
        var b = Box([4, 4, 8], [0, 0, 2], [4, 4, 6]);
        Assert.Equal(0.5, Dice.Compute(a, b), 15);
        Assert.Equal(1.0 / 3, Jaccard.Compute(a, b), 15);
    }

    [Fact]
    public void ConcentricCubesHaveExactSurfaceDistances()
    {
        // Inner cube side 5, outer side 9, same centre: every inner-surface voxel is exactly 2 voxels from the outer shell.
        const double s = 0.7;
        var inner = Box([11, 11, 11], [3, 3, 3], [8, 8, 8], [s, s, s]);
        var outer = Box([11, 11, 11], [1, 1, 1], [10, 10, 10], [s, s, s]);
        Assert.All(SurfaceDistances.Directed(inner, outer), d => Assert.Equal(2 * s, d, 12));
        Assert.Equal(2 * s, AverageSurfaceDistance.Compute(inner, outer), 12);
        var m = SegmentationCaseMetrics.Compute(inner, outer);
        Assert.Equal(2.0, m.AsdVoxels, 12);
        Assert.Equal(2 * s, m.AsdMm, 12);
        Assert.Equal(125.0 / 729 * 2 / (1 + 125.0 / 729), m.Dice, 12);
        // Outer -> inner: distance = |max(|x|-2, ...)| per coordinate beyond the inner cube; corner (4,4,4) -> sqrt(12).
        var outerToInner = SurfaceDistances.Directed(outer, inner);
        Assert.Equal(Math.Sqrt(12) * s, outerToInner.Max(), 12);
        Assert.Equal(2 * s, outerToInner.Min(), 12);
    }

    [Fact]
    public void ConcentricBallsAreTheirRadiusDifferenceApart()
    {
        // Discrete spheres: distances within half a voxel of the radius difference (4).
        var small = Ball(25, 6, [1.5, 1.5, 1.5]);
        var large = Ball(25, 10, [1.5, 1.5, 1.5]);
        var m = SegmentationCaseMetrics.Compute(small, large);
        Assert.InRange(m.AsdVoxels, 3.5, 4.5);
        Assert.InRange(m.AssdVoxels, 3.5, 4.5);
        Assert.InRange(m.Hd95Voxels, 3.5, 4.5);
        Assert.Equal(1.5 * m.Hd95Voxels, m.Hd95Mm, 9);
        Assert.Equal(1.5 * m.AssdVoxels, m.AssdMm, 9);
    }

    [Fact]
    public void EmptyMaskRules()
    {
        var empty = Box([4, 4, 4], [0, 0, 0], [0, 0, 0]);
        var cube = Box([4, 4, 4], [1, 1, 1], [3, 3, 3]);
        var both = SegmentationCaseMetrics.Compute(empty, empty);
        Assert.Equal((1.0, 1.0, 0.0, 0.0, 0.0, MaskEmptiness.Both), (both.Dice, both.Jaccard, both.Hd95Mm, both.AsdVoxels, both.AssdMm, both.Emptiness));
        var missed = SegmentationCaseMetrics.Compute(empty, cube);
        Assert.Equal((0.0, 0.0, MaskEmptiness.Prediction), (missed.Dice, missed.Jaccard, missed.Emptiness));
        Assert.True(double.IsNaN(missed.Hd95Mm) && double.IsNaN(missed.AsdVoxels) && double.IsNaN(missed.AssdMm));
        Assert.Equal(MaskEmptiness.Truth, SegmentationCaseMetrics.Compute(cube, empty).Emptiness);
        Assert.True(double.IsNaN(HausdorffDistance95.Compute(cube, empty)));
        Assert.Equal(0.0, HausdorffDistance95.Compute(empty, empty));
        Assert.Equal(1.0, Dice.Compute(empty, empty));
    }

    [Fact]
    public void MismatchedGridsAreRejected()
    {
        var a = Box([4, 4, 4], [1, 1, 1], [3, 3, 3]);
        var b = Box([4, 4, 5], [1, 1, 1], [3, 3, 3]);
        Assert.Contains("shapes differ", Assert.Throws<ArgumentException>(() => Dice.Compute(a, b)).Message);
        var c = Box([4, 4, 4], [1, 1, 1], [3, 3, 3], [1, 1, 2]);
        Assert.Contains("spacings differ", Assert.Throws<ArgumentException>(() => HausdorffDistance95.Compute(a, c)).Message);
    }

    private static (BinaryMask Pred, BinaryMask Truth) Case(string name)
    {
        var spacing = G.RawValue($"{name}_spacing").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        using var p = G.Tensor($"{name}_pred");
        using var t = G.Tensor($"{name}_truth");
        return (BinaryMask.FromTensor(p, spacing), BinaryMask.FromTensor(t, spacing));
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void DistanceTransformAndSurfaceMatchScipy(string name)
    {
        var (_, truth) = Case(name);
        TensorAssert.Close(G.Data($"{name}_edt_truth"), EuclideanDistanceTransform.DistanceTo(truth), 1e-9, 1e-12, "edt");
        var surface = MaskSurface.Of(truth);
        Assert.Equal(G.Data($"{name}_surface_truth").Select(v => v != 0), surface.Voxels.ToArray());
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void MetricsMatchScipy(string name)
    {
        var (p, t) = Case(name);
        var m = SegmentationCaseMetrics.Compute(p, t);
        Assert.Equal(G.Value($"{name}_dice"), m.Dice, 12);
        Assert.Equal(G.Value($"{name}_jaccard"), m.Jaccard, 12);
        Assert.Equal(G.Value($"{name}_hd95_mm"), m.Hd95Mm, 9);
        Assert.Equal(G.Value($"{name}_asd_mm"), m.AsdMm, 9);
        Assert.Equal(G.Value($"{name}_assd_mm"), m.AssdMm, 9);
        Assert.Equal(G.Value($"{name}_hd95_vox"), m.Hd95Voxels, 9);
        Assert.Equal(G.Value($"{name}_asd_vox"), m.AsdVoxels, 9);
        Assert.Equal(G.Value($"{name}_assd_vox"), m.AssdVoxels, 9);
        // The single-metric entry points agree with the one-pass record.
        Assert.Equal(m.Hd95Mm, HausdorffDistance95.Compute(p, t), 12);
        Assert.Equal(m.AsdMm, AverageSurfaceDistance.Compute(p, t), 12);
        Assert.Equal(m.AssdMm, SymmetricAverageSurfaceDistance.Compute(p, t), 12);
        Assert.Equal(m.Jaccard, Jaccard.Compute(p, t), 15);
    }
}

/// <summary>The per-case CSV states the empty-mask rule it applied and leaves undefined distances out of the mean.</summary>
public class SegmentationCsvTests
{
    [Fact]
    public void EmptyGroundTruthRuleIsStatedInTheCsv()
    {
        var path = Path.Combine(Path.GetTempPath(), "seg-csv-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            var normal = new SegmentationCaseMetrics(0.8, 0.6, 2, 1, 1.5, 2, 1, 1.5, MaskEmptiness.None);
            var truthEmpty = new SegmentationCaseMetrics(0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, MaskEmptiness.Truth);
            var bothEmpty = new SegmentationCaseMetrics(1, 1, 0, 0, 0, 0, 0, 0, MaskEmptiness.Both);
            SegmentationEvaluation.WriteCsv(path, [new("a", normal), new("b", truthEmpty), new("c", bothEmpty)]);
            var lines = File.ReadAllLines(path);
            Assert.Equal(SegmentationEvaluation.CsvHeader, lines[0]);
            Assert.Equal("b,0,0,nan,nan,nan,nan,nan,nan,ground truth empty: dice 0, distances undefined", lines[2]);
            Assert.Equal("c,1,1,0,0,0,0,0,0,both empty: dice 1, distances 0", lines[3]);
            var mean = lines[4].Split(',');
            Assert.Equal("mean", mean[0]);
            Assert.Equal("0.6", mean[1]);  // dice over all three cases
            Assert.Equal("1", mean[3]);    // hd95 mm over the two defined cases: (2 + 0) / 2
        }
        finally { File.Delete(path); }
    }
}
