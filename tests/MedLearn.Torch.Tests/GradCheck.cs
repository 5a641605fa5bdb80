namespace MedLearn.Torch.Tests;

/// <summary>
/// Compares autograd gradients with central finite differences in float64 (like torch.autograd.gradcheck, but
/// through a random projection of the output): L(x) = sum(f(x) * v) with a fixed random v of f's output shape;
/// analytic dL/dx by backward, numeric (L(x + eps e_i) - L(x - eps e_i)) / (2 eps) per input element.
/// Keep inputs tiny: each input element costs two forward passes. Inputs are converted to float64; f must work in
/// float64 (convert any parameters it closes over with <c>.Double()</c>).
/// </summary>
public static class GradCheck
{
    /// <summary>Checks d f(x)/dx for one input; fails the test with the worst element on mismatch.</summary>
    public static void Check(Func<Tensor, Tensor> f, Tensor input, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3) =>
        Check(xs => f(xs[0]), [input], eps, atol, rtol);

    /// <summary>Checks the gradient of f with respect to each of several inputs.</summary>
    public static void Check(Func<IReadOnlyList<Tensor>, Tensor> f, IReadOnlyList<Tensor> inputs, double eps = 1e-6, double atol = 1e-5,
        double rtol = 1e-3, ulong seed = 20240601)
    {
        using var scope = DisposeScope.Open();
        var xs = inputs.Select(t => t.Detach().To(DType.Float64, copy: true).RequiresGrad_()).ToArray();

        var y = f(xs);
        Assert.Equal(DType.Float64, y.DType);
        using var gen = new Generator(seed);
        var v = torch.Randn(y.Shape, gen, DType.Float64);
        var loss = (y * v).Sum();
        var analytic = torch.Autograd.Grad([loss], xs);

        for (var k = 0; k < xs.Length; k++)
        {
            var baseData = xs[k].Detach().ToArray<double>();
            var shape = xs[k].Shape;
            var numeric = new double[baseData.Length];
            using (GradMode.NoGrad())
            {
                for (var i = 0; i < baseData.Length; i++)
                {
                    using var inner = DisposeScope.Open();
                    numeric[i] = (Eval(f, xs, k, baseData, shape, i, +eps, v) - Eval(f, xs, k, baseData, shape, i, -eps, v)) / (2 * eps);
                }
            }
            var got = analytic[k]?.ToArray<double>() ?? new double[baseData.Length];
            TensorAssert.Close(numeric, got, atol, rtol, $"gradient of input {k} (numeric vs autograd)");
        }
    }

    private static double Eval(Func<IReadOnlyList<Tensor>, Tensor> f, Tensor[] xs, int k, double[] data, long[] shape, int i, double delta, Tensor v)
    {
        var copy = (double[])data.Clone();
        copy[i] += delta;
        var args = (Tensor[])xs.Clone();
        args[k] = torch.FromSpan<double>(copy, shape);
        return (f(args) * v).Sum().ToDouble();
    }
}
