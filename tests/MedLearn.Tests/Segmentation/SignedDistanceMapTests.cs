using MedLearn.Methods.Segmentation;
using MedLearn.Morphology;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Segmentation;

/// <summary>Ground-truth SDF (methods.md §3): simple masks with analytic maps, the reference code's compute_sdf
/// (tools/golden/gen_segmentation.py) and the edge rules.</summary>
public class SignedDistanceMapTests
{
    [Fact]
    public void OneVoxelMaskIsNormalisedDistanceOutsideAndZeroOnItsBoundary()
    {
        var m = SegmentationMetricsTests.Box([5, 5, 5], [1, 1, 1], [2, 2, 2]);
        var sdf = SignedDistanceMap.Compute(m);
        var max = Math.Sqrt(3 * 9); // farthest voxel (4,4,4) from (1,1,1)
        for (var z = 0; z < 5; z++)
        for (var y = 0; y < 5; y++)
        for (var x = 0; x < 5; x++)
        {
            var d = Math.Sqrt((z - 1) * (z - 1) + (y - 1) * (y - 1) + (x - 1) * (x - 1));
            Assert.Equal(d / max, sdf[(z * 5 + y) * 5 + x], 6);
        }
    }

    [Fact]
    public void SlabIsLinearInsideAndOutside()
    {
        // A slab x in [2, 7) across a 1x3x12 grid: inside depth 0,1,2,1,0 (boundary 0), outside distances 2,1 and 1..5.
        var m = SegmentationMetricsTests.Box([1, 3, 12], [0, 0, 2], [1, 3, 7]);
        var sdf = SignedDistanceMap.Compute(m);
        float[] expected = [2 / 5f, 1 / 5f, 0, -2 / 3f, -1, -2 / 3f, 0, 1 / 5f, 2 / 5f, 3 / 5f, 4 / 5f, 1];
        // d_in of the slab's centre is 3 (distance to x=1 or x=7), of its neighbours 2: -2/3; boundary voxels 0.
        for (var y = 0; y < 3; y++)
            TensorAssert.Close(expected.Select(v => (double)v).ToArray(), sdf.Skip(y * 12).Take(12).Select(v => (double)v).ToArray(), 1e-6, 0, "slab row");
    }

    [Fact]
    public void EmptyMaskIsZeroAndFullMaskIsMinusOne()
    {
        Assert.All(SignedDistanceMap.Compute(SegmentationMetricsTests.Box([3, 4, 5], [0, 0, 0], [0, 0, 0])), v => Assert.Equal(0f, v));
        Assert.All(SignedDistanceMap.Compute(SegmentationMetricsTests.Box([3, 4, 5], [0, 0, 0], [3, 4, 5])), v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void BlobMatchesTheReferenceComputeSdf()
    {
        var g = Golden.Load("segmentation");
        using var scope = DisposeScope.Open();
        var sdf = SignedDistanceMap.Compute(g.Tensor("sdf_mask"));
        Assert.Equal(g.Shape("sdf_expected"), sdf.Shape);
        TensorAssert.Close(g.Tensor("sdf_expected"), sdf, 1e-6, 0, "sdf");
        var values = sdf.ToArray<float>();
        Assert.Equal(-1f, values.Min(), 6);
        Assert.Equal(1f, values.Max(), 6);
    }

    [Fact]
    public void CacheComputesOncePerVolume()
    {
        var cache = new SignedDistanceCache();
        var calls = 0;
        BinaryMask Make() { calls++; return SegmentationMetricsTests.Box([3, 3, 3], [1, 1, 1], [2, 2, 2]); }
        var a = cache.GetOrCompute("case1", Make);
        var b = cache.GetOrCompute("case1", Make);
        Assert.Same(a, b);
        Assert.Equal(1, calls);
        cache.GetOrCompute("case2", Make);
        Assert.Equal((2, 2), (calls, cache.Count));
    }
}
