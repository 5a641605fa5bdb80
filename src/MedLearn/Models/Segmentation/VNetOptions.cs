namespace MedLearn.Models.Segmentation;

/// <summary>
/// Shape of a (dual-task) V-Net (methods.md §3). Defaults are the UG-MCL left-atrium network: 1 input channel,
/// 2 classes, 16 base filters, depth 4 (channels 16, 32, 64, 128, 256), batch norm, Dropout3d(0.5), distance head on
/// (9,448,883 parameters).
/// </summary>
public sealed record VNetOptions
{
    /// <summary>Input channels (image modalities).</summary>
    public long InChannels { get; init; } = 1;

    /// <summary>Segmentation classes including background (softmax over this many logits).</summary>
    public long Classes { get; init; } = 2;

    /// <summary>Filters of the first stage; level i has BaseFilters · 2^i.</summary>
    public long BaseFilters { get; init; } = 16;

    /// <summary>Number of stride-2 down-sampling steps (1..6); the patch size must be divisible by 2^Depth.</summary>
    public int Depth { get; init; } = 4;

    /// <summary>Dropout3d probability after the bottleneck and before the heads (0 = no dropout layer; MC-dropout needs &gt; 0).</summary>
    public double Dropout { get; init; } = 0.5;

    /// <summary>BatchNorm3d after every convolution (true, UG-MCL's setting) or none.</summary>
    public bool BatchNorm { get; init; } = true;

    /// <summary>Adds the tanh signed-distance head (<c>out_conv</c>, Classes − 1 channels): the dual-task network.</summary>
    public bool DistanceHead { get; init; } = true;

    /// <summary>Up-samples with the oneDNN-friendly 1x1x1 conv + depth-to-space rewrite (true) or libtorch's transposed convolution.</summary>
    public bool DepthToSpaceUpsampling { get; init; } = true;

    /// <summary>Throws on out-of-range values.</summary>
    public void Validate()
    {
        if (InChannels < 1) throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, "V-Net input channels must be >= 1");
        if (Classes < 2) throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "V-Net needs >= 2 classes (background included)");
        if (BaseFilters < 1) throw new ArgumentOutOfRangeException(nameof(BaseFilters), BaseFilters, "V-Net base filters must be >= 1");
        if (Depth is < 1 or > 6) throw new ArgumentOutOfRangeException(nameof(Depth), Depth, "V-Net depth must be in 1..6");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "V-Net dropout must be in [0, 1)");
    }
}
