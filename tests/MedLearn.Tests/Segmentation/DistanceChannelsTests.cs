using MedLearn.Data;
using MedLearn.Data.Transforms;
using MedLearn.Methods.Segmentation;
using MedLearn.Models.Segmentation;
using MedLearn.Morphology;
using MedLearn.Torch;

namespace MedLearn.Tests.Segmentation;

/// <summary>
/// The cached per-volume SDF targets (<see cref="DistanceChannels"/>): equal to the per-patch computation when the patch is
/// the whole volume (under rotation and flip), a known rescaling of it outside an object a crop contains, computed once per
/// volume, zero for unlabeled volumes, and the task's loss is the same with cached targets as with per-patch ones when
/// they agree.
/// </summary>
public class DistanceChannelsTests
{
    private const int D = 12, H = 14, W = 16;

    /// <summary>An asymmetric object (box + offset blob) in [1, D, H, W] as uint8.</summary>
    private static byte[] ObjectMask()
    {
        var m = new byte[D * H * W];
        for (var z = 3; z < 8; z++)
        for (var y = 4; y < 9; y++)
        for (var x = 5; x < 12; x++)
            m[(z * H + y) * W + x] = 1;
        for (var z = 5; z < 7; z++)
        for (var y = 9; y < 11; y++)
        for (var x = 6; x < 8; x++)
            m[(z * H + y) * W + x] = 1;
        return m;
    }

    private static Sample MakeSample(byte[] mask, long index = 0) => new()
    {
        Image = torch.Randn(1, D, H, W),
        Mask = torch.FromSpan<byte>(mask, [1, D, H, W]),
        Index = index,
    };

    private static float[] PerPatch(Tensor mask) => SignedDistanceMap.Compute(BinaryMask.FromTensor(mask.Select(0, 0).Eq(1)));

    [Fact]
    public void WholeVolumePatchUnderRotationAndFlipEqualsThePerPatchSdf()
    {
        using var scope = DisposeScope.Open();
        var cache = new SignedDistanceCache();
        var pipeline = new Compose(new DistanceChannels(cache, 2, new HashSet<long> { 0 }), new RandomRotate90(1.0, 3, (-3, -2)), new RandomFlip(1.0, -3, -1));
        for (var epoch = 0; epoch < 3; epoch++)
        {
            using var context = TransformContext.For(5, epoch, 0);
            var s = pipeline.Apply(MakeSample(ObjectMask()), context);
            Assert.Equal(2, s.Image.Size(0));
            var cached = s.Image.Narrow(0, 1, 1).Contiguous().ToArray<float>();
            var perPatch = PerPatch(s.Mask!.Unsqueeze(0));
            Assert.Equal(perPatch.Length, cached.Length);
            for (var i = 0; i < cached.Length; i++) Assert.Equal(perPatch[i], cached[i], 1e-6f);
            Assert.Contains(cached, v => v < -0.5f); // a real map, not zeros
        }
        Assert.Equal(1, cache.Count); // computed once for the volume, reused by every epoch
    }

    [Fact]
    public void CropContainingTheObjectKeepsInsideValuesAndRescalesOutsideByTheMaxRatio()
    {
        using var scope = DisposeScope.Open();
        var mask = ObjectMask();
        var volumeSdf = SignedDistanceMap.Compute(new BinaryMask([.. mask.Select(v => v == 1)], [D, H, W]));
        var s = new Compose(new DistanceChannels(new SignedDistanceCache(), 2, new HashSet<long> { 0 }), new CenterCrop(10, 12, 14))
            .Apply(MakeSample(mask), TransformContext.For(1, 0, 0));
        var cached = s.Image.Narrow(0, 1, 1).Contiguous().ToArray<float>();
        var patchMask = s.Mask!.Contiguous().ToArray<byte>();
        var perPatch = PerPatch(s.Mask!.Unsqueeze(0));
        // The crop removes one border voxel per side (D 12 -> 10: offsets 1, 1, 1).
        const int cd = 10, ch = 12, cw = 14;
        double maxPatchOut = 0, maxVolumeOut = volumeSdf.Max();
        for (var i = 0; i < perPatch.Length; i++) if (patchMask[i] == 0) maxPatchOut = Math.Max(maxPatchOut, perPatch[i]);
        Assert.Equal(1.0, maxPatchOut, 6); // per-patch normalisation: max d_out of the patch -> 1
        var outsideChecked = 0;
        for (var z = 0; z < cd; z++)
        for (var y = 0; y < ch; y++)
        for (var x = 0; x < cw; x++)
        {
            var i = (z * ch + y) * cw + x;
            Assert.Equal(volumeSdf[((z + 1) * H + y + 1) * W + x + 1], cached[i]); // the cached map cropped with the patch
            if (patchMask[i] == 1) Assert.Equal(perPatch[i], cached[i], 1e-6f); // inside: same d_in / max d_in
            else if (perPatch[i] > 0)
            {
                // outside: d_out is the same distance, normalised by the volume's max instead of the patch's
                var expected = perPatch[i] * UnnormalisedMaxRatio(volumeSdf, mask, s);
                Assert.Equal(expected, cached[i], 1e-5);
                outsideChecked++;
            }
        }
        Assert.True(outsideChecked > 1000);

        static double UnnormalisedMaxRatio(float[] volume, byte[] m, Sample patch)
        {
            // max d_out(patch) / max d_out(volume), from exact EDTs of the background.
            var volumeOut = EuclideanDistance(m.Select(v => v == 1).ToArray(), [D, H, W]);
            var patchBytes = patch.Mask!.Contiguous().ToArray<byte>();
            var patchOut = EuclideanDistance(patchBytes.Select(v => v == 1).ToArray(), [10, 12, 14]);
            return patchOut.Max() / volumeOut.Max();
        }
    }

    /// <summary>Brute-force distance of every voxel to the nearest foreground voxel (0 inside).</summary>
    private static double[] EuclideanDistance(bool[] foreground, int[] shape)
    {
        var fg = new List<(int, int, int)>();
        for (var z = 0; z < shape[0]; z++)
        for (var y = 0; y < shape[1]; y++)
        for (var x = 0; x < shape[2]; x++)
            if (foreground[(z * shape[1] + y) * shape[2] + x]) fg.Add((z, y, x));
        var d = new double[foreground.Length];
        for (var z = 0; z < shape[0]; z++)
        for (var y = 0; y < shape[1]; y++)
        for (var x = 0; x < shape[2]; x++)
            d[(z * shape[1] + y) * shape[2] + x] = fg.Min(p => Math.Sqrt((p.Item1 - z) * (p.Item1 - z) + (p.Item2 - y) * (p.Item2 - y) + (p.Item3 - x) * (p.Item3 - x)));
        return d;
    }

    [Fact]
    public void UnlabeledVolumesGetZeroChannelsAndNoCacheEntry()
    {
        using var scope = DisposeScope.Open();
        var cache = new SignedDistanceCache();
        var s = new DistanceChannels(cache, 3, new HashSet<long> { 0 }).Apply(MakeSample(ObjectMask(), index: 7), TransformContext.For(1, 0, 7));
        Assert.Equal(3, s.Image.Size(0)); // image + K-1 = 2 zero channels
        Assert.Equal(0.0, s.Image.Narrow(0, 1, 2).Abs().Sum().ToDouble());
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TaskLossWithCachedTargetChannelsEqualsThePerPatchLossWhenTheyAgree()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(4);
        using var student = new VNet(new VNetOptions { BaseFilters = 2, Depth = 2, Dropout = 0 });
        student.Train();
        var task = new UgMclTask(student, null, UgMclSettings.ForMethod(SegmentationMethod.Supervised));
        var images = torch.Randn(2, 1, 8, 8, 8);
        var values = new long[2 * 8 * 8 * 8];
        for (var n = 0; n < 2; n++)
        for (var z = 2; z < 6; z++)
        for (var y = 2 + n; y < 6; y++)
        for (var x = 1; x < 6; x++)
            values[((n * 8 + z) * 8 + y) * 8 + x] = 1;
        var labels = torch.FromSpan<long>(values, [2, 1, 8, 8, 8]);
        var targets = UgMclTask.DistanceTargets(labels.Squeeze(1), 2);
        var plain = task.ComputeLosses(images, labels, 2, 0);
        var cached = task.ComputeLosses(torch.Cat([images, targets], 1), labels, 2, 0);
        Assert.True(plain.DistanceMse!.ToDouble() > 0);
        Assert.Equal(plain.DistanceMse!.ToDouble(), cached.DistanceMse!.ToDouble(), 12);
        Assert.Equal(plain.Total.ToDouble(), cached.Total.ToDouble(), 12);
        // a different target changes the SDF term: the channels are really read
        var shifted = task.ComputeLosses(torch.Cat([images, targets * 0.5], 1), labels, 2, 0);
        Assert.NotEqual(plain.DistanceMse!.ToDouble(), shifted.DistanceMse!.ToDouble(), 6);
        Assert.Throws<ArgumentException>(() => task.ComputeLosses(torch.Cat([images, targets, targets], 1), labels, 2, 0));
    }
}
