namespace MedLearn.Torch.Tests;

public class RandomAndModeTests
{
    [Fact]
    public void ManualSeedMakesTheGlobalStreamRepeatable()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(123);
        var a = torch.Randn(5).ToArray<float>();
        torch.ManualSeed(123);
        var b = torch.Randn(5).ToArray<float>();
        var c = torch.Randn(5).ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(b, c);
    }

    [Fact]
    public void GeneratorStreamIsIndependentOfTheGlobalOne()
    {
        using var scope = DisposeScope.Open();
        using var g1 = new Generator(7);
        var first = torch.Rand([4], g1).ToArray<float>();
        torch.ManualSeed(999);
        _ = torch.Rand(100);
        using var g2 = new Generator(7);
        Assert.Equal(first, torch.Rand([4], g2).ToArray<float>());
        Assert.Equal(7UL, g2.InitialSeed);
    }

    [Fact]
    public void GeneratorStateRestoresTheExactStream()
    {
        using var scope = DisposeScope.Open();
        using var g = new Generator(42);
        _ = torch.Rand([3], g);
        var state = g.GetState();
        var expected = torch.Randint(0, 1000, [6], g).ToArray<long>();
        g.SetState(state);
        Assert.Equal(expected, torch.Randint(0, 1000, [6], g).ToArray<long>());
        Assert.All(expected, v => Assert.InRange(v, 0, 999));
    }

    [Fact]
    public void NoGradStopsRecordingAndRestoresTheMode()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Ones([2], requiresGrad: true);
        using (GradMode.NoGrad())
        {
            Assert.False(GradMode.IsEnabled);
            Assert.False((x * 2).RequiresGrad);
            using (GradMode.EnableGrad()) Assert.True((x * 2).RequiresGrad);
        }
        Assert.True(GradMode.IsEnabled);
        Assert.True((x * 2).RequiresGrad);
    }

    [Fact]
    public void InferenceModeMakesInferenceTensors()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Ones(2);
        Tensor y;
        using (GradMode.InferenceMode())
        {
            Assert.True(GradMode.IsInferenceMode);
            y = x * 3;
        }
        Assert.False(GradMode.IsInferenceMode);
        Assert.True(y.IsInference);
        Assert.False(x.IsInference);
    }

    [Fact]
    public void BackwardWithAGradientArgumentWeightsTheOutputs()
    {
        using var scope = DisposeScope.Open();
        var x = torch.FromArray(new float[] { 1, 2, 3 }).RequiresGrad_();
        var y = x * x;
        y.Backward(torch.FromArray(new float[] { 1, 0.5f, -1 }));
        // d/dx sum(v * x^2) = 2 v x
        Assert.Equal(new float[] { 2, 2, -6 }, x.Grad!.ToArray<float>());
    }
}
