namespace MedLearn.Models.Blocks;

/// <summary>torchvision's <c>_make_divisible</c> (from the TensorFlow MobileNet code) for width multipliers.</summary>
public static class ChannelRounding
{
    /// <summary>
    /// <paramref name="value"/> rounded to the nearest multiple of <paramref name="divisor"/> (half up), at least
    /// <paramref name="minValue"/> (default: the divisor), plus one divisor when rounding lost more than 10 %.
    /// </summary>
    public static long MakeDivisible(double value, long divisor, long? minValue = null)
    {
        var min = minValue ?? divisor;
        var rounded = Math.Max(min, (long)(value + divisor / 2.0) / divisor * divisor);
        if (rounded < 0.9 * value) rounded += divisor;
        return rounded;
    }
}
