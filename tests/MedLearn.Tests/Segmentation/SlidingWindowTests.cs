using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Methods.Segmentation;
using MedLearn.Morphology;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Segmentation;

/// <summary>Sliding-window inference (window grid, placement, blending, padding), largest component, NIfTI output.</summary>
public class SlidingWindowTests
{
    [Fact]
    public void WindowOriginsFollowTheReferenceGrid()
    {
        // 120 voxels, patch 112, stride 18: ceil(8 / 18) + 1 = 2 windows at 0 and 8; 88 / 80 / 4: 3 windows.
        Assert.Equal([0, 8], SlidingWindowInference.Origins(120, 112, 18));
        Assert.Equal([0, 4, 8], SlidingWindowInference.Origins(88, 80, 4));
        Assert.Equal([0], SlidingWindowInference.Origins(50, 80, 4));
        Assert.Equal([0, 5, 7], SlidingWindowInference.Origins(13, 6, 5));
    }

    [Theory]
    [InlineData(WindowBlending.Constant, 1)]
    [InlineData(WindowBlending.Gaussian, 3)]
    public void AnEquivariantNetworkIsStitchedExactly(WindowBlending blending, int batch)
    {
        // A "network" returning its input as logits: every window predicts exactly softmax(input) at its voxels, so
        // any correct placement and normalised blending must give softmax(input) everywhere.
        using var scope = DisposeScope.Open();
        torch.ManualSeed(2);
        var volume = torch.Randn(3, 10, 13, 11);
        var calls = 0;
        var probs = SlidingWindowInference.Probabilities(x => { calls++; return x * 1.0; }, volume,
            new SlidingWindowOptions { PatchSize = [4, 8, 6], Stride = [3, 5, 4], Blending = blending, BatchSize = batch });
        TensorAssert.Close(volume.Softmax(0), probs, 1e-6, 1e-5, "stitched probabilities");
        const int windows = 3 * 2 * 3; // origins: D [0, 3, 6], H [0, 5], W [0, 4, 5]
        Assert.Equal((windows + batch - 1) / batch, calls);
    }

    [Fact]
    public void VolumesSmallerThanThePatchArePaddedAndCroppedBack()
    {
        using var scope = DisposeScope.Open();
        var volume = torch.Randn(2, 3, 5, 4);
        var shapes = new List<long[]>();
        var probs = SlidingWindowInference.Probabilities(x => { shapes.Add(x.Shape); return x * 1.0; }, volume,
            new SlidingWindowOptions { PatchSize = [4, 8, 6], Stride = [2, 2, 2] });
        Assert.Equal([new long[] { 1, 2, 4, 8, 6 }], shapes);
        TensorAssert.Close(volume.Softmax(0), probs, 1e-6, 1e-5, "padded volume");
    }

    [Fact]
    public void GaussianBlendingWeightsWindowCentresMore()
    {
        // Two 8-voxel windows on a 12-voxel strip (origins 0 and 4) overlap on voxels 4..7: window A says class 1,
        // window B class 0. Constant blending gives 0.5 there; Gaussian blending favours the nearer window centre.
        using var scope = DisposeScope.Open();
        var volume = torch.Zeros(1, 1, 1, 12);
        Tensor Net(Tensor x)
        {
            // Window A is recognised by the marker on the volume's first voxel.
            var marker = x.Narrow(4, 0, 1).Sum().ToDouble();
            var fg = marker > 0.5 ? 10.0 : -10.0;
            return torch.Cat([torch.Zeros(x.Size(0), 1, 1, 1, 8), torch.Ones(x.Size(0), 1, 1, 1, 8) * fg], 1);
        }
        var marked = volume.Clone();
        marked.Narrow(3, 0, 1).Add_(1.0); // window at origin 0 sees the marker
        var constant = SlidingWindowInference.Probabilities(Net, marked, new SlidingWindowOptions { PatchSize = [1, 1, 8], Stride = [1, 1, 4] });
        var gaussian = SlidingWindowInference.Probabilities(Net, marked, new SlidingWindowOptions { PatchSize = [1, 1, 8], Stride = [1, 1, 4], Blending = WindowBlending.Gaussian });
        var c = constant.Select(0, 1).Flatten().ToArray<float>();
        var g = gaussian.Select(0, 1).Flatten().ToArray<float>();
        Assert.Equal(1.0, c[0], 4);   // only window A
        Assert.Equal(0.0, c[11], 4);  // only window B
        Assert.Equal(0.5, c[5], 4);   // overlap, equal weights
        // Voxel 5 is nearer A's centre (3.5) than B's (7.5): Gaussian weights favour A there, and B at voxel 6... 7.
        Assert.True(g[5] > 0.5 && g[6] < 0.5, $"gaussian blending {g[5]}, {g[6]}");
    }

    [Fact]
    public void LargestComponentUses26Connectivity()
    {
        var v = new bool[4 * 4 * 4];
        int I(int z, int y, int x) => (z * 4 + y) * 4 + x;
        v[I(0, 0, 0)] = v[I(1, 1, 1)] = v[I(2, 2, 2)] = true; // a diagonal chain: one component of 3
        v[I(0, 3, 3)] = v[I(0, 3, 2)] = true;                   // a face-connected pair
        var cc = LargestConnectedComponent.Of(new BinaryMask(v, [4, 4, 4]));
        Assert.Equal(3, cc.Count);
        Assert.True(cc[I(1, 1, 1)]);
        Assert.False(cc[I(0, 3, 3)]);
    }

    [Fact]
    public void PredictionKeepsTheInputGeometryInNifti()
    {
        using var scope = DisposeScope.Open();
        var dir = Directory.CreateTempSubdirectory("ugmcl-predict").FullName;
        try
        {
            var image = torch.Randn(1, 6, 8, 10);
            var meta = new ImageMeta
            {
                SpatialDims = 3, Spacing = [2.5, 0.8, 0.7], Space = CoordinateSpace.RAS, BitsStored = 32,
                Affine = [0, 0, 2.5, -10, 0, 0.8, 0, 5, 0.7, 0, 0, 30, 0, 0, 0, 1], // axes permuted: i (W) along z, k (D) along x
            };
            // Logits ±5x: foreground exactly where the z-scored intensity is positive (image above its mean).
            var prediction = VolumeSegmenter.Predict(x => torch.Cat([x * -5.0, x * 5.0], 1), image,
                new SlidingWindowOptions { PatchSize = [4, 4, 4], Stride = [2, 2, 2] }, largestComponent: false);
            Assert.Equal(new long[] { 1, 6, 8, 10 }, prediction.Labels.Shape);
            Assert.Equal(DType.UInt8, prediction.Labels.DType);
            Assert.Equal(image.Gt(image.Mean()).To(DType.UInt8).ToArray<byte>(), prediction.Labels.ToArray<byte>());
            var labels = Path.Combine(dir, "case.nii.gz");
            var unc = Path.Combine(dir, "case_uncertainty.nii.gz");
            VolumeSegmenter.Write(prediction, meta, labels, uncertaintyPath: unc);
            using var back = ImageReader.Read(labels);
            Assert.Equal(prediction.Labels.ToArray<byte>(), back.Data.To(DType.UInt8).ToArray<byte>());
            TensorAssert.Close(meta.Spacing, back.Meta.Spacing, 1e-5, 0, "spacing");
            TensorAssert.Close(meta.Affine, back.Meta.Affine, 1e-5, 0, "affine");
            using var u = ImageReader.Read(unc);
            TensorAssert.Close(prediction.Uncertainty, u.Data, 1e-6, 0, "uncertainty");
        }
        finally { Directory.Delete(dir, true); }
    }
}
