using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;
using F = MedLearn.Torch.Nn.Functional;

namespace MedLearn.Torch.Tests;

/// <summary>A tiny conv net (conv-bn-relu-pool, conv-relu, global pool, linear) and a fixed data batch for AMP and memory tests.</summary>
internal static class SmallCnn
{
    public const int Classes = 4;

    /// <summary>The model, initialised from the default generator seeded with <paramref name="seed"/>.</summary>
    public static Sequential Create(ulong seed)
    {
        torch.ManualSeed(seed);
        return new Sequential(
            new Conv2d(3, 8, 3, padding: 1),
            new BatchNorm2d(8),
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(8, 16, 3, padding: 1),
            new ReLU(),
            new AdaptiveAvgPool2d([1, 1]), // [1] alone is rejected by the nn branch as of 7adf444
            new Flatten(),
            new Linear(16, Classes));
    }

    /// <summary>A batch (N, 3, 16, 16) and int64 labels from a generator seeded with <paramref name="seed"/>;
    /// the caller's dispose scope owns them.</summary>
    public static (Tensor X, Tensor Y) Batch(ulong seed, long n = 8)
    {
        using var g = new Generator(seed);
        var x = torch.Randn([n, 3, 16, 16], g);
        var y = torch.Randint(0, Classes, [n], g);
        return (x, y);
    }

    /// <summary>
    /// One training step (forward and loss under <paramref name="plan"/>'s autocast, backward, SGD step) inside
    /// its own dispose scope; returns the loss value.
    /// </summary>
    public static double Step(Module<Tensor, Tensor> model, Optimizer optimizer, Tensor x, Tensor y, PrecisionPlan? plan = null)
    {
        using var scope = DisposeScope.Open();
        optimizer.ZeroGrad();
        Tensor loss;
        using (plan?.Autocast())
            loss = F.CrossEntropy(model.Forward(x), y);
        loss.Backward();
        optimizer.Step();
        return loss.ToDouble();
    }
}
