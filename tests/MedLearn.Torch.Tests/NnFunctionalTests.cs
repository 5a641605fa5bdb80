using MedLearn.Torch.Nn;
using F = MedLearn.Torch.Nn.Functional;

namespace MedLearn.Torch.Tests;

public class NnFunctionalTests
{
    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Cases = new()
    {
        // convolutions
        ["conv1d"] = a => [F.Conv1d(a[0], a[1], a[2], stride: [2], padding: [1])],
        ["conv1d_same"] = a => [F.Conv1d(a[0], a[1], a[2], null, ConvPadding.Same, dilation: [2])],
        ["conv2d"] = a => [F.Conv2d(a[0], a[1], a[2], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2)],
        ["conv2d_nobias"] = a => [F.Conv2d(a[0], a[1], padding: [1])],
        ["conv2d_same"] = a => [F.Conv2d(a[0], a[1], a[2], null, ConvPadding.Same)],
        ["conv3d"] = a => [F.Conv3d(a[0], a[1], a[2], stride: [2], padding: [1])],
        ["conv3d_groups"] = a => [F.Conv3d(a[0], a[1], padding: [2], dilation: [2], groups: 4)],
        ["conv_transpose1d"] = a => [F.ConvTranspose1d(a[0], a[1], a[2], stride: [2], padding: [1], outputPadding: [1])],
        ["conv_transpose2d"] = a => [F.ConvTranspose2d(a[0], a[1], a[2], stride: [2], padding: [1], outputPadding: [1], groups: 2)],
        ["conv_transpose2d_dil"] = a => [F.ConvTranspose2d(a[0], a[1], dilation: [2])],
        ["conv_transpose3d"] = a => [F.ConvTranspose3d(a[0], a[1], a[2], stride: [2])],
        ["conv_transpose3d_pad"] = a => [F.ConvTranspose3d(a[0], a[1], a[2], stride: [2], padding: [1], outputPadding: [1])],
        ["linear"] = a => [F.Linear(a[0], a[1], a[2])],
        ["linear_3d"] = a => [F.Linear(a[0], a[1])],
        // normalisation
        ["batch_norm_train"] = a => [F.BatchNorm(a[0], a[1], a[2], a[3], a[4], training: true, momentum: 0.1, eps: 1e-5)],
        ["batch_norm_eval"] = a => [F.BatchNorm(a[0], a[1], a[2], a[3], a[4], training: false, eps: 1e-3)],
        ["batch_norm_1d"] = a => [F.BatchNorm(a[0], a[1], a[2], a[3], a[4], training: true, momentum: 0.3)],
        ["batch_norm_3d"] = a => [F.BatchNorm(a[0], a[1], a[2], a[3], a[4], training: true)],
        ["instance_norm"] = a => [F.InstanceNorm(a[0], weight: a[1], bias: a[2])],
        ["instance_norm_3d"] = a => [F.InstanceNorm(a[0], a[1], a[2], useInputStats: true, momentum: 0.2)],
        ["group_norm"] = a => [F.GroupNorm(a[0], 3, a[1], a[2])],
        ["group_norm_3d"] = a => [F.GroupNorm(a[0], 2, a[1], a[2], eps: 1e-3)],
        ["layer_norm"] = a => [F.LayerNorm(a[0], [3, 4], a[1], a[2])],
        ["layer_norm_noaffine"] = a => [F.LayerNorm(a[0], [4])],
        // activations, softmax, dropout
        ["relu"] = a => [F.Relu(a[0])],
        ["relu6"] = a => [F.Relu6(a[0])],
        ["hardtanh"] = a => [F.Hardtanh(a[0], -0.5, 1.5)],
        ["leaky_relu"] = a => [F.LeakyRelu(a[0], 0.2)],
        ["gelu"] = a => [F.Gelu(a[0])],
        ["gelu_tanh"] = a => [F.Gelu(a[0], GeluApproximation.Tanh)],
        ["elu"] = a => [F.Elu(a[0], 0.7)],
        ["silu"] = a => [F.Silu(a[0])],
        ["sigmoid"] = a => [F.Sigmoid(a[0])],
        ["tanh"] = a => [F.Tanh(a[0])],
        ["softmax"] = a => [F.Softmax(a[0], 1)],
        ["log_softmax"] = a => [F.LogSoftmax(a[0], -1)],
        ["dropout"] = a => [F.Dropout(a[0], 0.3, training: true)],
        ["dropout_eval"] = a => [F.Dropout(a[0], 0.3, training: false)],
        ["dropout2d"] = a => [F.Dropout2d(a[0], 0.5, training: true)],
        ["dropout3d"] = a => [F.Dropout3d(a[0], 0.5, training: true)],
        ["flatten"] = a => [F.Flatten(a[0], 1, 2)],
        // pooling
        ["max_pool1d"] = a => [F.MaxPool1d(a[0], [3], [2], [1], ceilMode: true)],
        ["max_pool2d"] = a => [F.MaxPool2d(a[0], [3], [2], [1])],
        ["max_pool2d_dil"] = a => [F.MaxPool2d(a[0], [2], dilation: [2], ceilMode: true)],
        ["max_pool2d_indices"] = a => { var (o, i) = F.MaxPool2dWithIndices(a[0], [2, 3], [2, 2]); return [o, i]; },
        ["max_pool3d"] = a => [F.MaxPool3d(a[0], [2], [2], ceilMode: true)],
        ["max_pool3d_pad"] = a => [F.MaxPool3d(a[0], [3], [2], [1])],
        ["avg_pool2d"] = a => [F.AvgPool2d(a[0], [3], [2], [1], ceilMode: true, countIncludePad: false)],
        ["avg_pool2d_incl"] = a => [F.AvgPool2d(a[0], [3], [2], [1])],
        ["avg_pool2d_div"] = a => [F.AvgPool2d(a[0], [2], divisorOverride: 3)],
        ["avg_pool3d"] = a => [F.AvgPool3d(a[0], [3], [2], [1], ceilMode: true, countIncludePad: false)],
        ["adaptive_avg_pool2d"] = a => [F.AdaptiveAvgPool2d(a[0], [3, 2])],
        ["adaptive_avg_pool3d"] = a => [F.AdaptiveAvgPool3d(a[0], [2, 3, 2])],
        ["adaptive_max_pool2d"] = a => { var (o, i) = F.AdaptiveMaxPool2dWithIndices(a[0], [3, 2]); return [o, i]; },
        // resampling
        ["interp_nearest_size"] = a => [F.Interpolate(a[0], size: [5, 7])],
        ["interp_nearest_scale3d"] = a => [F.Interpolate(a[0], scaleFactor: [2])],
        ["interp_bilinear_ac"] = a => [F.Interpolate(a[0], size: [5, 7], mode: InterpolateMode.Bilinear, alignCorners: true)],
        ["interp_bilinear_scale"] = a => [F.Interpolate(a[0], scaleFactor: [1.5], mode: InterpolateMode.Bilinear, alignCorners: false)],
        ["interp_bilinear_down"] = a => [F.Interpolate(a[0], size: [3, 2], mode: InterpolateMode.Bilinear)],
        ["interp_trilinear"] = a => [F.Interpolate(a[0], scaleFactor: [2, 1.5, 2], mode: InterpolateMode.Trilinear, alignCorners: false)],
        ["interp_trilinear_ac"] = a => [F.Interpolate(a[0], size: [3, 4, 5], mode: InterpolateMode.Trilinear, alignCorners: true)],
        ["interp_linear"] = a => [F.Interpolate(a[0], size: [7], mode: InterpolateMode.Linear)],
        ["interp_bicubic"] = a => [F.Interpolate(a[0], scaleFactor: [2], mode: InterpolateMode.Bicubic, alignCorners: false)],
        ["interp_area"] = a => [F.Interpolate(a[0], scaleFactor: [0.5], mode: InterpolateMode.Area)],
        ["interp_nearest_exact"] = a => [F.Interpolate(a[0], size: [5, 3], mode: InterpolateMode.NearestExact)],
        ["affine_grid"] = a => [F.AffineGrid(a[0], [2, 3, 4, 5], alignCorners: false)],
        ["affine_grid_ac"] = a => [F.AffineGrid(a[0], [1, 1, 3, 2], alignCorners: true)],
        ["affine_grid_3d"] = a => [F.AffineGrid(a[0], [1, 2, 3, 4, 5])],
        ["grid_sample"] = a => [F.GridSample(a[0], a[1])],
        ["grid_sample_nearest_border"] = a => [F.GridSample(a[0], a[1], GridSampleMode.Nearest, GridSamplePadding.Border)],
        ["grid_sample_reflection"] = a => [F.GridSample(a[0], a[1], GridSampleMode.Bilinear, GridSamplePadding.Reflection, alignCorners: true)],
        ["grid_sample_bicubic"] = a => [F.GridSample(a[0], a[1], GridSampleMode.Bicubic, GridSamplePadding.Border)],
        ["grid_sample_3d"] = a => [F.GridSample(a[0], a[1])],
        ["pad_constant"] = a => [F.Pad(a[0], [1, 2, 0, 1], value: 0.5)],
        ["pad_reflect"] = a => [F.Pad(a[0], [2, 1, 1, 2], PadMode.Reflect)],
        ["pad_replicate3d"] = a => [F.Pad(a[0], [1, 1, 2, 0, 1, 1], PadMode.Replicate)],
        ["pad_circular"] = a => [F.Pad(a[0], [1, 2, 2, 1], PadMode.Circular)],
        ["pixel_shuffle"] = a => [F.PixelShuffle(a[0], 2)],
        ["pixel_unshuffle"] = a => [F.PixelUnshuffle(a[0], 2)],
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorchOutputAndGradients(string name)
    {
        using var scope = DisposeScope.Open();
        NnGolden.Run(name, Cases[name]);
    }

    // --- finite-difference gradient checks in float64 ---------------------------------------------------

    private static Tensor In(ulong seed, params long[] shape) => NnGradCheck.Input(seed, 1.0, shape);

    [Fact]
    public void Conv2dGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        NnGradCheck.Check(a => F.Conv2d(a[0], a[1], a[2], stride: [2, 1], padding: [1], dilation: [1, 2], groups: 2),
            [In(1, 1, 4, 5, 5), In(2, 2, 2, 3, 2), In(3, 2)]);
    }

    [Fact]
    public void Conv3dGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        NnGradCheck.Check(a => F.Conv3d(a[0], a[1], a[2], stride: [2], padding: [1]), [In(4, 1, 2, 3, 4, 3), In(5, 2, 2, 2, 2, 2), In(6, 2)]);
    }

    [Fact]
    public void ConvTranspose2dGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        NnGradCheck.Check(a => F.ConvTranspose2d(a[0], a[1], a[2], stride: [2], padding: [1], outputPadding: [1]),
            [In(7, 1, 2, 3, 3), In(8, 2, 3, 3, 3), In(9, 3)]);
    }

    [Fact]
    public void BatchNormTrainingGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        NnGradCheck.Check(a => F.BatchNorm(a[0], null, null, a[1], a[2], training: true), [In(10, 3, 2, 2, 2), In(11, 2), In(12, 2)]);
    }

    [Fact]
    public void GroupNormGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        NnGradCheck.Check(a => F.GroupNorm(a[0], 2, a[1], a[2]), [In(13, 2, 4, 2, 3), In(14, 4), In(15, 4)]);
    }

    [Fact]
    public void LayerNormGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        NnGradCheck.Check(a => F.LayerNorm(a[0], [3, 4], a[1], a[2]), [In(16, 2, 3, 4), In(17, 3, 4), In(18, 3, 4)]);
    }

    [Fact]
    public void GridSampleGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        // Grid points away from pixel centres/borders, where bilinear sampling is smooth.
        var grid = NnGradCheck.Input(19, 0.4, 1, 3, 2, 2);
        NnGradCheck.Check(a => F.GridSample(a[0], a[1], GridSampleMode.Bilinear, GridSamplePadding.Border), [In(20, 1, 2, 4, 5), grid]);
        NnGradCheck.Check(a => F.GridSample(a[0], a[1], alignCorners: true), [In(21, 1, 1, 3, 4, 3), NnGradCheck.Input(22, 0.4, 1, 2, 2, 2, 3)]);
    }

    [Fact]
    public void BilinearInterpolationGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        NnGradCheck.Check(a => F.Interpolate(a[0], size: [5, 7], mode: InterpolateMode.Bilinear), [In(23, 1, 2, 3, 4)]);
        NnGradCheck.Check(a => F.Interpolate(a[0], scaleFactor: [1.5], mode: InterpolateMode.Bilinear, alignCorners: true), [In(24, 1, 1, 4, 3)]);
    }

    // --- edge cases and argument checks ----------------------------------------------------------------

    [Fact]
    public void ConvOfEmptyBatchIsEmpty()
    {
        using var scope = DisposeScope.Open();
        var y = F.Conv2d(torch.Zeros(0, 3, 5, 5), torch.Zeros(4, 3, 3, 3), padding: [1]);
        Assert.Equal(new long[] { 0, 4, 5, 5 }, y.Shape);
    }

    [Fact]
    public void ConvChannelMismatchIsATorchArgumentError()
    {
        using var scope = DisposeScope.Open();
        Assert.Throws<TorchArgumentException>(() => F.Conv2d(torch.Zeros(1, 2, 5, 5), torch.Zeros(4, 3, 3, 3)));
    }

    [Fact]
    public void BatchNormTrainingWithOneValuePerChannelThrows()
    {
        using var scope = DisposeScope.Open();
        var e = Assert.Throws<TorchArgumentException>(() => F.BatchNorm(torch.Zeros(1, 3), null, null, training: true));
        Assert.Contains("more than 1 value per channel", e.Message);
    }

    [Fact]
    public void DropoutIsIdentityInEvalAndZeroesEverythingAtPOne()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Ones(4, 5);
        Assert.Equal(x.ToArray<float>(), F.Dropout(x, 0.5, training: false).ToArray<float>());
        Assert.All(F.Dropout(x, 1.0, training: true).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(x, 1.5));
    }

    [Fact]
    public void Dropout2dZeroesWholeChannels()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(3);
        var y = F.Dropout2d(torch.Ones(2, 8, 3, 3), 0.5, training: true).ToArray<float>();
        for (var c = 0; c < 16; c++)
        {
            var channel = y.Skip(c * 9).Take(9).Distinct().ToArray();
            Assert.Single(channel);
            Assert.Contains(channel[0], new[] { 0f, 2f });
        }
    }

    [Fact]
    public void InterpolateArgumentErrors()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Zeros(1, 1, 3, 3);
        Assert.Throws<ArgumentException>(() => F.Interpolate(x));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x, size: [4], scaleFactor: [2]));
        var e = Assert.Throws<TorchArgumentException>(() => F.Interpolate(x, size: [4], alignCorners: true));
        Assert.Contains("align_corners", e.Message);
        Assert.Throws<TorchArgumentException>(() => F.Interpolate(x, size: [4], mode: InterpolateMode.Trilinear));
    }

    [Fact]
    public void AffineGridRejectsWrongThetaShape()
    {
        using var scope = DisposeScope.Open();
        Assert.Throws<TorchArgumentException>(() => F.AffineGrid(torch.Zeros(1, 2, 3), [1, 1, 2, 2, 2]));
        Assert.Throws<TorchArgumentException>(() => F.AffineGrid(torch.Zeros(1, 2, 3), [1, 1, 0, 2]));
    }

    [Fact]
    public void InPlaceReluModifiesAndReturnsTheInput()
    {
        using var scope = DisposeScope.Open();
        var x = torch.FromArray(new float[] { -1, 2, -3 });
        Assert.Same(x, F.Relu_(x));
        Assert.Equal(new float[] { 0, 2, 0 }, x.ToArray<float>());
    }

    [Fact]
    public void ChannelsLastConvolutionMatchesContiguous()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Randn(2, 3, 6, 6);
        var w = torch.Randn(4, 3, 3, 3);
        var expected = F.Conv2d(x, w, padding: [1]);
        var actual = F.Conv2d(x.Contiguous(MemoryFormat.ChannelsLast), w.Contiguous(MemoryFormat.ChannelsLast), padding: [1]);
        Assert.True(actual.IsContiguous(MemoryFormat.ChannelsLast));
        TensorAssert.Close(expected, actual, 1e-4, 1e-4);
    }
}
