using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Crops a 2-D screening image (and its mask) to the bounding box of its largest connected foreground component
/// (4-connectivity). Foreground: <c>x &gt; min + fraction * (max - min)</c> over the image's first channel
/// (default fraction 0.05), which separates the breast from the detector background and drops small labels and
/// markers that are not connected to it.
/// </summary>
/// <remarks>
/// Edge cases: a constant image (e.g. all zero) has no foreground and is an <see cref="InvalidDataException"/>
/// ("no breast found"), which the loader reports with the file's path. Ties between components of the same size
/// go to the one met first in row-major order. Float images only (ScaleIntensity first); 2-D only.
/// </remarks>
/// <param name="fraction">Foreground threshold as a fraction of the intensity range, in [0, 1).</param>
public sealed class BreastCrop(double fraction = 0.05) : ITransform
{
    /// <summary>The threshold fraction of the intensity range.</summary>
    public double Fraction { get; } = fraction is >= 0 and < 1 ? fraction : throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in [0, 1)");

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        if (TransformHelpers.CheckSpatial(sample, nameof(BreastCrop), allow3D: false) != 2) throw new ArgumentException($"{nameof(BreastCrop)} needs a 2-D image");
        TransformHelpers.CheckFloat(sample, nameof(BreastCrop));
        var (top, left, bottom, right) = Box(sample.Image);
        TransformHelpers.Both(sample, t => t.Narrow(1, top, bottom - top).Narrow(2, left, right - left).Contiguous());
        return sample;
    }

    /// <summary>The bounding box [top, bottom) x [left, right) of the largest foreground component of image [C, H, W].</summary>
    public (int Top, int Left, int Bottom, int Right) Box(Tensor image)
    {
        int h = (int)image.Size(1), w = (int)image.Size(2);
        float[] px;
        using (DisposeScope.Open()) px = image.Select(0, 0).To(DType.Float32).Contiguous().ToArray<float>();
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in px) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (!(max > min)) throw new InvalidDataException($"no breast found: the image is constant ({min}); the screening profile needs a foreground");
        var threshold = min + Fraction * (max - min);
        var label = new int[px.Length];
        var queue = new int[px.Length];
        int bestSize = 0, next = 0;
        (int, int, int, int) best = default;
        for (var start = 0; start < px.Length; start++)
        {
            if (label[start] != 0 || !(px[start] > threshold)) continue;
            next++;
            int head = 0, tail = 0, size = 0;
            int top = h, left = w, bottom = 0, right = 0;
            queue[tail++] = start;
            label[start] = next;
            while (head < tail)
            {
                var p = queue[head++];
                int y = p / w, x = p % w;
                size++;
                top = Math.Min(top, y); bottom = Math.Max(bottom, y + 1);
                left = Math.Min(left, x); right = Math.Max(right, x + 1);
                void Visit(int q)
                {
                    if (label[q] == 0 && px[q] > threshold) { label[q] = next; queue[tail++] = q; }
                }
                if (y > 0) Visit(p - w);
                if (y < h - 1) Visit(p + w);
                if (x > 0) Visit(p - 1);
                if (x < w - 1) Visit(p + 1);
            }
            if (size > bestSize) { bestSize = size; best = (top, left, bottom, right); }
        }
        return best;
    }
}
