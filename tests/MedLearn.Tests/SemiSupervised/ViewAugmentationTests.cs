using MedLearn.Data;
using MedLearn.Data.Transforms;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Methods.Supervised;
using MedLearn.Torch;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>The optional view augmentations of <see cref="SemiSupervisedSetup.TrainTransform"/> (colour jitter, input noise).</summary>
public sealed class ViewAugmentationTests
{
    private static readonly SemiSupervisedTrainingOptions Still = new()
    {
        Data = "x", Model = "small-cnn", ImageSize = 64, RotationDegrees = 0, Translate = 0, HorizontalFlip = 0,
    };

    private static Tensor View(SemiSupervisedTrainingOptions o, Tensor image, bool eval = false)
    {
        var manifest = ClassificationSetup.Manifest(SemiSupervisedSetup.AsClassification(o), ["a", "b"]);
        var transform = eval ? ClassificationTransforms.Eval(manifest) : SemiSupervisedSetup.TrainTransform(manifest, o);
        using var context = TransformContext.For(7, 0, 3);
        return transform.Apply(new Sample { Image = image.Alias(), Index = 3 }, context).Image;
    }

    private static Tensor Image()
    {
        using var g = new Generator(5);
        return torch.Rand([3, 64, 64], g);
    }

    [Fact]
    public void WithoutAugmentationAViewIsTheEvaluationInput()
    {
        using var scope = DisposeScope.Open();
        var image = Image();
        var difference = View(Still, image).Sub(View(Still, image, eval: true)).Abs().Max().ToDouble();
        Assert.True(difference < 1e-5, $"max difference {difference}");
    }

    [Fact]
    public void NoiseStdAddsGaussianNoiseOfThatDeviationAfterNormalisation()
    {
        using var scope = DisposeScope.Open();
        var image = Image();
        var noise = View(Still with { NoiseStd = 0.3 }, image).Sub(View(Still, image, eval: true));
        // 3 x 64 x 64 = 12288 draws: the sample sd is within 3% of 0.3 and the mean within 0.01 of 0 (> 5 standard errors).
        Assert.InRange(noise.Std().ToDouble(), 0.291, 0.309);
        Assert.InRange(noise.Mean().ToDouble(), -0.01, 0.01);
    }

    [Fact]
    public void ColorJitterChangesIntensitiesButNotGeometry()
    {
        using var scope = DisposeScope.Open();
        var image = Image();
        var jittered = View(Still with { ColorJitter = 0.5 }, image);
        var plain = View(Still, image, eval: true);
        Assert.True(jittered.Sub(plain).Abs().Mean().ToDouble() > 0.01, "the jitter must change the intensities");
        // Brightness/contrast/saturation are per-image affine maps of the pixels: the view stays strongly correlated with the input.
        var a = jittered.Flatten().Sub(jittered.Mean());
        var b = plain.Flatten().Sub(plain.Mean());
        var correlation = a.Mul(b).Sum().ToDouble() / Math.Sqrt(a.Square().Sum().ToDouble() * b.Square().Sum().ToDouble());
        Assert.True(correlation > 0.5, $"correlation {correlation}");
    }

    [Theory]
    [InlineData(1.5, 0, "color-jitter: must be in [0, 1] (got 1.5)")]
    [InlineData(0, -0.1, "noise-std: must be >= 0 (got -0.1)")]
    public void InvalidViewSettingsNameTheirKey(double jitter, double noise, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => SemiSupervisedSetup.Validate(Still with { ColorJitter = jitter, NoiseStd = noise }));
        Assert.Equal(message, e.Message);
    }
}
