using MedLearn.Torch;

namespace MedLearn.Cli.Demo;

/// <summary>
/// An on-the-fly synthetic screening task: grayscale noise images, half of which carry one small bright
/// Gaussian "lesion" at a random position. Label 1 = lesion present. Generated with libtorch ops from a
/// seeded generator, so a seed fixes the data.
/// </summary>
internal sealed class SyntheticLesions(int size, ulong seed) : IDisposable
{
    private readonly Generator _generator = new(seed);

    /// <summary>Image side in pixels.</summary>
    public int Size { get; } = size;

    /// <summary>A batch of images [n, 1, size, size] and labels [n] (int64), in the caller's dispose scope.</summary>
    public (Tensor Images, Tensor Labels) Batch(int n)
    {
        var labels = torch.Randint(0, 2, [n], _generator);
        var noise = torch.Randn([n, 1, Size, Size], _generator) * 0.35;
        // Lesion centres away from the border; sigma 1.5 px, amplitude 0.9.
        var cy = (torch.Rand([n, 1, 1, 1], _generator) * (Size - 6) + 3);
        var cx = (torch.Rand([n, 1, 1, 1], _generator) * (Size - 6) + 3);
        var coords = torch.Arange(0, Size, dtype: DType.Float32);
        var ys = coords.View(1, 1, Size, 1);
        var xs = coords.View(1, 1, 1, Size);
        var d2 = (ys - cy).Pow(2) + (xs - cx).Pow(2);
        var blob = (d2 * (-1.0 / (2 * 1.5 * 1.5))).Exp() * 0.9;
        var present = labels.To(DType.Float32).View(n, 1, 1, 1);
        return (noise + blob * present, labels);
    }

    public void Dispose() => _generator.Dispose();
}
