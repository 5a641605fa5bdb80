namespace MedLearn.Torch.Tests;

public class AutogradTests
{
    [Fact]
    public void GradReturnsAnalyticGradientsWithoutTouchingGradFields()
    {
        using var scope = DisposeScope.Open();
        var x = torch.FromArray(new double[] { 1, -2, 3 }).RequiresGrad_();
        var w = torch.FromArray(new double[] { 0.5, 2, -1 }).RequiresGrad_();
        var unused = torch.Ones([2], DType.Float64).RequiresGrad_();
        var y = (x * x * w).Sum();
        var grads = torch.Autograd.Grad([y], [x, w, unused]);
        Assert.Equal(new double[] { 1, -8, -6 }, grads[0]!.ToArray<double>()); // 2 x w
        Assert.Equal(new double[] { 1, 4, 9 }, grads[1]!.ToArray<double>());   // x^2
        Assert.Null(grads[2]);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void GradWithGradOutputsAndCreateGraphGivesSecondDerivatives()
    {
        using var scope = DisposeScope.Open();
        var x = torch.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        var y = x.Pow(3); // dy/dx = 3x^2, d2y/dx2 = 6x
        var v = torch.FromArray(new double[] { 1, 10 });
        var dy = torch.Autograd.Grad(y, x, v, createGraph: true)!;
        Assert.Equal(new double[] { 3, 120 }, dy.ToArray<double>());
        Assert.True(dy.RequiresGrad);
        var d2 = torch.Autograd.Grad(dy.Sum(), x)!;
        Assert.Equal(new double[] { 6, 120 }, d2.ToArray<double>()); // 6 x v

        var z = (x * x).Sum(); // mul saves its inputs: the graph holds buffers a second pass needs
        Assert.NotNull(torch.Autograd.Grad(z, x, retainGraph: true));
        Assert.NotNull(torch.Autograd.Grad(z, x)); // graph retained by the first call
        var e = Assert.Throws<TorchArgumentException>(() => torch.Autograd.Grad(z, x));
        Assert.Contains("backward through the graph a second time", e.Message);
    }

    [Fact]
    public void BackwardWithGradientArgumentComputesVectorJacobianProduct()
    {
        using var scope = DisposeScope.Open();
        var x = torch.FromArray(new double[] { 1, 2, 3 }).RequiresGrad_();
        var y = x * x; // non-scalar output
        y.Backward(torch.FromArray(new double[] { 1, 0.5, -1 }));
        Assert.Equal(new double[] { 2, 2, -6 }, x.Grad!.ToArray<double>());

        var e = Assert.Throws<TorchArgumentException>(() => (x * 2).Backward());
        Assert.Contains("grad can be implicitly created only for scalar outputs", e.Message);
    }

    [Fact]
    public void GradCheckDetectsAWrongGradient()
    {
        using var scope = DisposeScope.Open();
        var x = torch.FromArray(new double[] { 0.3, -0.7 });
        // Detach hides the dependence on x from autograd, so the analytic gradient is wrong (zero).
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GradCheck.Check(t => t * t.Detach() * 3, x));
    }

    private static Golden G => Golden.Load("ops");

    [Fact]
    public void SoftmaxAndLogSoftmaxGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        var x = G.Tensor("y");
        GradCheck.Check(t => t.Softmax(1), x);
        GradCheck.Check(t => t.LogSoftmax(0), x);
    }

    [Fact]
    public void LogSumExpAndNormGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        var x = G.Tensor("y");
        GradCheck.Check(t => t.LogSumExp(1), x);
        GradCheck.Check(t => t.LogSumExp(), x);
        GradCheck.Check(t => t.Norm(2, 1), x);
        GradCheck.Check(t => t.Norm(3, [0, 1]), x);
        GradCheck.Check(t => t.Std(0), x);
    }

    [Fact]
    public void PowGatherAndEinsumGradientsMatchFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        var pos = G.Tensor("pos");
        var y = G.Tensor("y").Double();
        GradCheck.Check(t => t.Pow(y), pos);                                  // d/dbase
        GradCheck.Check(e => pos.Double().Pow(e), y);                          // d/dexponent
        GradCheck.Check(t => t.Pow(3), y);
        var idx = torch.FromArray(new long[] { 0, 3, 3, 1, 2, 2 }, 3, 2);
        GradCheck.Check(t => t.Gather(1, idx), y);                             // repeated indices accumulate
        var b = G.Tensor("b").Double();
        GradCheck.Check(a => torch.Einsum("bij,bjk->bik", a, b), G.Tensor("a"));
        GradCheck.Check(xs => torch.Einsum("bij,bjk->bi", xs[0], xs[1]), [G.Tensor("a"), G.Tensor("b")]);
    }
}
