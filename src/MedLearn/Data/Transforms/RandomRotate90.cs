namespace MedLearn.Data.Transforms;

/// <summary>
/// With probability <see cref="Probability"/>, rotates image and mask by <c>k·90°</c> with k uniform in
/// {1, …, <see cref="MaxK"/>} (MONAI <c>RandRotate90</c>: prob 0.1, max_k 3) in the given plane (default: last two
/// spatial axes). Draws <c>Random.NextDouble()</c> for the decision, then <c>Random.Next(MaxK)</c> only when it rotates.
/// </summary>
/// <remarks>Edge cases as <see cref="Rotate90"/>; p = 0 never rotates.</remarks>
/// <param name="probability">Rotation probability (default 0.1).</param>
/// <param name="maxK">Largest number of quarter turns (default 3).</param>
/// <param name="planeAxes">Two spatial axes (default (−2, −1)).</param>
public sealed class RandomRotate90(double probability = 0.1, int maxK = 3, (int A, int B)? planeAxes = null) : ITransform
{
    /// <summary>Rotation probability.</summary>
    public double Probability { get; } = probability is >= 0 and <= 1 ? probability : throw new ArgumentOutOfRangeException(nameof(probability));

    /// <summary>Largest number of quarter turns.</summary>
    public int MaxK { get; } = maxK >= 1 ? maxK : throw new ArgumentOutOfRangeException(nameof(maxK));

    /// <summary>Spatial axes of the rotation plane.</summary>
    public (int A, int B) PlaneAxes { get; } = planeAxes ?? (-2, -1);

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckSpatial(sample, nameof(RandomRotate90));
        if (context.Random.NextDouble() >= Probability) return sample;
        var k = context.Random.Next(MaxK) + 1;
        Rotate90.Run(sample, k, PlaneAxes, nameof(RandomRotate90));
        return sample;
    }
}
