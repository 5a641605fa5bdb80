namespace MedLearn.Data.Transforms;

/// <summary>
/// Refuses an image smaller than <paramref name="height"/> x <paramref name="width"/> in either spatial side (e.g. a
/// source image smaller than GMIC's crop size: resizing it to the network input would make one retrieved patch cover
/// more than the whole original image).
/// </summary>
/// <param name="height">Smallest height.</param>
/// <param name="width">Smallest width.</param>
/// <param name="what">What the size is, for the message (e.g. "the crop size").</param>
public sealed class MinimumSizeCheck(int height, int width, string what) : ITransform
{
    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        long h = sample.Image.Size(-2), w = sample.Image.Size(-1);
        if (h < height || w < width)
            throw new InvalidDataException($"the image is {h}x{w}, smaller than {what} {height}x{width}");
        return sample;
    }
}
