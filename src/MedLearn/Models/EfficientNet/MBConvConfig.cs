using MedLearn.Models.Blocks;

namespace MedLearn.Models.EfficientNet;

/// <summary>
/// One stage of an EfficientNet (torchvision's <c>MBConvConfig</c> / <c>FusedMBConvConfig</c>): <see cref="NumLayers"/>
/// blocks, the first with <see cref="Stride"/> and <see cref="InputChannels"/>, the others stride 1 from
/// <see cref="OutChannels"/>.
/// </summary>
/// <param name="ExpandRatio">Expanded channels per input channel.</param>
/// <param name="Kernel">Depthwise (MBConv) or full (FusedMBConv) kernel size.</param>
/// <param name="Stride">Stride of the stage's first block (1 or 2).</param>
/// <param name="InputChannels">Input channels of the stage (after the width multiplier).</param>
/// <param name="OutChannels">Output channels (after the width multiplier).</param>
/// <param name="NumLayers">Blocks in the stage (after the depth multiplier).</param>
/// <param name="Fused">FusedMBConv (EfficientNet-V2's early stages) instead of MBConv.</param>
public sealed record MBConvConfig(double ExpandRatio, long Kernel, long Stride, long InputChannels, long OutChannels, int NumLayers, bool Fused = false)
{
    /// <summary>An MBConv stage scaled like torchvision: channels by <c>_make_divisible(c · width, 8)</c>, layers by ⌈n · depth⌉.</summary>
    public static MBConvConfig Scaled(double expandRatio, long kernel, long stride, long inputChannels, long outChannels, int numLayers,
        double widthMult, double depthMult) =>
        new(expandRatio, kernel, stride, AdjustChannels(inputChannels, widthMult), AdjustChannels(outChannels, widthMult),
            (int)Math.Ceiling(numLayers * depthMult));

    /// <summary><c>_make_divisible(channels · multiplier, 8)</c>.</summary>
    public static long AdjustChannels(long channels, double multiplier) => ChannelRounding.MakeDivisible(channels * multiplier, 8);

    /// <summary>The expanded (hidden) channels of a block reading <paramref name="inputChannels"/>.</summary>
    public long ExpandedChannels(long inputChannels) => AdjustChannels(inputChannels, ExpandRatio);
}
