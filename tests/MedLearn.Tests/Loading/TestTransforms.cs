using MedLearn.Data;
using MedLearn.Data.Transforms;
using MedLearn.Torch;

namespace MedLearn.Tests.Loading;

/// <summary>Adds N(0,1)·0.1 noise from the context's generator and a random flip draw; optional random worker delay.</summary>
internal sealed class NoiseTransform(int maxDelayMs = 0) : ITransform
{
    private static int s_seed;
    private readonly ThreadLocal<Random> _delay = new(() => new Random(Interlocked.Increment(ref s_seed)));

    /// <summary>Managed thread id → OpenMP team size a parallel_for got there (checks the per-thread setting).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<int, int> ThreadsSeen { get; } = new();

    public Sample Apply(Sample sample, TransformContext context)
    {
        ThreadsSeen[Environment.CurrentManagedThreadId] = torch.ProbeIntraOpTeam();
        if (maxDelayMs > 0) Thread.Sleep(_delay.Value!.Next(maxDelayMs + 1)); // timing noise NOT from the context
        var noise = torch.Randn(sample.Image.Shape, context.Generator);
        var shift = context.Random.NextDouble();
        sample.Image = sample.Image.Add(noise.Mul(0.1)).Add(shift);
        return sample;
    }
}
