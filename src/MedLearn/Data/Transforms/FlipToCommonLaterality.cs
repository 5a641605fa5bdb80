using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Puts every 2-D screening image in one laterality: the chest wall on the left. The side is found from the image
/// itself: when the right half holds more intensity above the image minimum than the left half, image and mask are
/// flipped horizontally (<see cref="Flip"/>(-1)). Odd widths leave the middle column out of both halves.
/// </summary>
/// <remarks>Edge cases: equal halves (e.g. a constant image) are left as they are. Float images only.</remarks>
public sealed class FlipToCommonLaterality : ITransform
{
    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        if (TransformHelpers.CheckSpatial(sample, nameof(FlipToCommonLaterality), allow3D: false) != 2)
            throw new ArgumentException($"{nameof(FlipToCommonLaterality)} needs a 2-D image");
        TransformHelpers.CheckFloat(sample, nameof(FlipToCommonLaterality));
        if (IsRightSided(sample.Image)) Flip.Run(sample, [1]);
        return sample;
    }

    /// <summary>Whether the right half of image [C, H, W] holds more intensity above the minimum than the left half.</summary>
    public static bool IsRightSided(Tensor image)
    {
        using var scope = DisposeScope.Open();
        var w = image.Size(2);
        var above = image - image.Min();
        var left = above.Narrow(2, 0, w / 2).Sum().ToDouble();
        var right = above.Narrow(2, w - w / 2, w / 2).Sum().ToDouble();
        return right > left;
    }
}
