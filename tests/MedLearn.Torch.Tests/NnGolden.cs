using MedLearn.Torch.Nn;

namespace MedLearn.Torch.Tests;

/// <summary>
/// Replays a functional case of Golden/nn.json (tools/golden/gen_nn.py): loads &lt;case&gt;.in* (inputs with a
/// golden gradient require grad), seeds the default generator if the case has a seed, runs the op, compares
/// the outputs, in-place updated inputs and the gradients of sum(out · r).
/// </summary>
internal static class NnGolden
{
    public static Golden G => Golden.Load("nn");

    public static void Run(string name, Func<Tensor[], Tensor[]> op, double atol = 2e-5, double rtol = 1e-4)
    {
        var g = G;
        var inputs = new List<Tensor>();
        for (var i = 0; g.Has($"{name}.in{i}"); i++)
        {
            var t = g.Tensor($"{name}.in{i}");
            if (g.Has($"{name}.grad{i}")) t.RequiresGrad_();
            inputs.Add(t);
        }
        Assert.NotEmpty(inputs);
        if (TryValue(g, $"{name}.seed") is double seed) torch.ManualSeed((ulong)seed);

        var outputs = op([.. inputs]);
        TensorAssert.Close(g.Tensor($"{name}.out"), outputs[0], atol, rtol, $"{name}.out");
        if (g.Has($"{name}.out1"))
        {
            var expected = g.Tensor($"{name}.out1");
            Assert.Equal(expected.DType, outputs[1].DType);
            TensorAssert.Close(expected, outputs[1], 0, 0, $"{name}.out1");
        }
        for (var i = 0; i < inputs.Count; i++)
            if (g.Has($"{name}.post{i}"))
                TensorAssert.Close(g.Tensor($"{name}.post{i}"), inputs[i].Detach(), atol, rtol, $"{name}.post{i}");

        if (!g.Has($"{name}.r")) return;
        var loss = (outputs[0] * g.Tensor($"{name}.r")).Sum();
        loss.Backward();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (!g.Has($"{name}.grad{i}")) continue;
            var grad = inputs[i].Grad;
            Assert.True(grad is not null, $"{name}: input {i} got no gradient");
            TensorAssert.Close(g.Tensor($"{name}.grad{i}"), grad!, atol * 5, rtol * 5, $"{name}.grad{i}");
        }
    }

    public static double? TryValue(Golden g, string name)
    {
        try { return g.Value(name); }
        catch (KeyNotFoundException) { return null; }
    }
}

/// <summary>
/// Gradient check against central finite differences in float64: for L = Σ f(x)·r with a fixed random r,
/// compares autograd's ∂L/∂xᵢ with (L(x + h·eⱼ) − L(x − h·eⱼ))/2h for every element of every input that
/// requires grad.
/// </summary>
internal static class NnGradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double h = 1e-6, double atol = 1e-6, double rtol = 1e-4)
    {
        using var scope = DisposeScope.Open();
        using var gen = new Generator(77);
        Assert.All(inputs, t => Assert.Equal(DType.Float64, t.DType));
        var output = f(inputs);
        var r = torch.Randn(output.Shape, gen, DType.Float64);
        (output * r).Sum().Backward();

        for (var i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].RequiresGrad) continue;
            var analytic = inputs[i].Grad!.ToArray<double>();
            var data = inputs[i].Detach().ToArray<double>();
            var shape = inputs[i].Shape;
            var numeric = new double[data.Length];
            for (var j = 0; j < data.Length; j++)
            {
                var orig = data[j];
                data[j] = orig + h;
                var plus = Eval(f, inputs, i, data, shape, r);
                data[j] = orig - h;
                var minus = Eval(f, inputs, i, data, shape, r);
                data[j] = orig;
                numeric[j] = (plus - minus) / (2 * h);
            }
            TensorAssert.Close(numeric, analytic, atol, rtol, $"gradient of input {i}");
        }
    }

    private static double Eval(Func<Tensor[], Tensor> f, Tensor[] inputs, int index, double[] data, long[] shape, Tensor r)
    {
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var args = (Tensor[])inputs.Clone();
        args[index] = torch.FromSpan<double>(data, shape);
        return (f(args) * r).Sum().ToDouble();
    }

    /// <summary>A float64 leaf of the given shape with N(0, scale²) values from a seeded generator.</summary>
    public static Tensor Input(ulong seed, double scale, params long[] shape)
    {
        using var gen = new Generator(seed);
        var t = torch.Randn(shape, gen, DType.Float64).Mul_(scale);
        return t.RequiresGrad_();
    }
}
