namespace MedLearn.Models.Segmentation;

/// <summary>
/// Shape of a <see cref="UNet3d"/>. Defaults follow Çiçek et al. (2016): 1 input channel, 2 classes, 32 base filters,
/// 3 down-sampling steps (4 resolution levels, channels 32, 64, 128, 256), batch norm.
/// </summary>
public sealed record UNet3dOptions
{
    /// <summary>Input channels (image modalities).</summary>
    public long InChannels { get; init; } = 1;

    /// <summary>Segmentation classes including background.</summary>
    public long Classes { get; init; } = 2;

    /// <summary>Filters of the first level; level i has BaseFilters · 2^i.</summary>
    public long BaseFilters { get; init; } = 32;

    /// <summary>Number of 2x2x2 max-pool down-sampling steps (1..6); input sizes must be divisible by 2^Depth.</summary>
    public int Depth { get; init; } = 3;

    /// <summary>Normalisation after every 3x3x3 convolution.</summary>
    public UNet3dNorm Norm { get; init; } = UNet3dNorm.Batch;

    /// <summary>Up-samples with the oneDNN-friendly 1x1x1 conv + depth-to-space rewrite (true) or libtorch's transposed convolution.</summary>
    public bool DepthToSpaceUpsampling { get; init; } = true;

    /// <summary>Throws on out-of-range values.</summary>
    public void Validate()
    {
        if (InChannels < 1) throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, "3-D U-Net input channels must be >= 1");
        if (Classes < 2) throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "3-D U-Net needs >= 2 classes (background included)");
        if (BaseFilters < 1) throw new ArgumentOutOfRangeException(nameof(BaseFilters), BaseFilters, "3-D U-Net base filters must be >= 1");
        if (Depth is < 1 or > 6) throw new ArgumentOutOfRangeException(nameof(Depth), Depth, "3-D U-Net depth must be in 1..6");
        if (!Enum.IsDefined(Norm)) throw new ArgumentOutOfRangeException(nameof(Norm), Norm, "3-D U-Net norm must be batch, instance or none");
    }

    /// <summary>
    /// The parameter count in closed form, with c_i = BaseFilters · 2^i, DC(a, b) = 27·b·(a + b) + n·b (n = 4 for batch
    /// norm: conv-free BN weight + bias twice; 0 for instance norm; 2 for none: two conv biases):
    /// DC(in, c_0) + Σ_{i=1..D} DC(c_{i−1}, c_i) + Σ_{i=1..D} [8·c_i·c_{i−1} + c_{i−1} + DC(c_i, c_{i−1})] + c_0·K + K.
    /// </summary>
    public long ParameterCount()
    {
        var n = Norm switch { UNet3dNorm.Batch => 4, UNet3dNorm.Instance => 0, _ => 2 };
        long C(int i) => BaseFilters << i;
        long Dc(long a, long b) => 27 * b * (a + b) + n * b;
        var total = Dc(InChannels, C(0));
        for (var i = 1; i <= Depth; i++)
            total += Dc(C(i - 1), C(i)) + 8 * C(i) * C(i - 1) + C(i - 1) + Dc(C(i), C(i - 1));
        return total + C(0) * Classes + Classes;
    }
}
