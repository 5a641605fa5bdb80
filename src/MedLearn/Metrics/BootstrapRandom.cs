namespace MedLearn.Metrics;

/// <summary>
/// SplitMix64 generator with unbiased bounded integers (Lemire's multiply-and-reject): a fixed, documented stream so
/// bootstrap resamples are identical for a seed on every platform and .NET version (System.Random's seeded sequence
/// is an implementation detail).
/// </summary>
internal sealed class BootstrapRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, n), n ≥ 1.</summary>
    public int Next(int n)
    {
        var bound = (uint)n;
        var m = (ulong)(uint)(NextUInt64() >> 32) * bound;
        var low = (uint)m;
        if (low < bound)
        {
            var threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                m = (ulong)(uint)(NextUInt64() >> 32) * bound;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }
}
