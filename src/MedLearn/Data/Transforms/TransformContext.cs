using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// The random streams of one sample in one epoch (and one augmented view of it): a managed
/// <see cref="System.Random"/> for transform parameters and a libtorch <see cref="MedLearn.Torch.Generator"/> for
/// tensor noise, both seeded from (run seed, epoch, sample index, view) by SplitMix64. Two contexts with the
/// same four numbers produce the same draws; the worker that runs the transform does not matter.
/// </summary>
public sealed class TransformContext : IDisposable
{
    private Generator? _generator;

    private TransformContext(ulong seed, int epoch, long index, int view)
    {
        (Seed, Epoch, Index, View) = (seed, epoch, index, view);
        StreamSeed = Derive(seed, (ulong)epoch, (ulong)index, (ulong)view);
        Random = new Random(unchecked((int)(StreamSeed ^ (StreamSeed >> 32))));
    }

    /// <summary>The context of sample <paramref name="index"/> in <paramref name="epoch"/> (view 0 by default).</summary>
    public static TransformContext For(ulong seed, int epoch, long index, int view = 0) => new(seed, epoch, index, view);

    /// <summary>Run seed.</summary>
    public ulong Seed { get; }

    /// <summary>Epoch (0-based).</summary>
    public int Epoch { get; }

    /// <summary>Sample index in its dataset.</summary>
    public long Index { get; }

    /// <summary>Augmented view number (mean teacher draws views 0 and 1 of the same sample independently).</summary>
    public int View { get; }

    /// <summary>The derived 64-bit seed of this stream.</summary>
    public ulong StreamSeed { get; }

    /// <summary>Managed random numbers for transform parameters (angles, crop boxes, flips).</summary>
    public Random Random { get; }

    /// <summary>libtorch generator for tensor-valued noise (created on first use; seeded from the same stream).</summary>
    public Generator Generator => _generator ??= new Generator(StreamSeed ^ 0x9E3779B97F4A7C15UL);

    /// <summary>SplitMix64 mixing of the four numbers: any change to one gives an unrelated stream.</summary>
    public static ulong Derive(ulong seed, ulong epoch, ulong index, ulong view)
    {
        var x = Mix(seed);
        x = Mix(x ^ epoch);
        x = Mix(x ^ index);
        return Mix(x ^ view);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public void Dispose() => _generator?.Dispose();
}
