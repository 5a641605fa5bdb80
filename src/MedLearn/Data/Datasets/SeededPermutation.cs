namespace MedLearn.Data.Datasets;

/// <summary>
/// Reproducible permutations: Fisher-Yates driven by a SplitMix64 stream, with unbiased bounded draws
/// (rejection sampling). Independent of <see cref="System.Random"/>'s implementation, so split files and
/// sampler orders do not change with the .NET version.
/// </summary>
internal static class SeededPermutation
{
    /// <summary>A permutation of 0..n-1 determined by <paramref name="seed"/>.</summary>
    public static int[] Create(int n, ulong seed)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        var state = seed;
        for (var i = n - 1; i > 0; i--)
        {
            var j = (int)Below(ref state, (ulong)i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>A seed derived from a base seed and a purpose tag plus up to two numbers (epoch, class...).</summary>
    public static ulong Derive(ulong seed, ulong tag, ulong a = 0, ulong b = 0) =>
        Transforms.TransformContext.Derive(seed ^ (tag * 0xD1B54A32D192ED03UL), tag, a, b);

    private static ulong Below(ref ulong state, ulong bound)
    {
        // Rejection sampling: discard the top partial range so every value is equally likely.
        var limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = Next(ref state); while (x >= limit);
        return x % bound;
    }

    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
