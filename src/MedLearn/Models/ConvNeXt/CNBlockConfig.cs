namespace MedLearn.Models;

/// <summary>
/// One ConvNeXt stage (torchvision's CNBlockConfig): <paramref name="NumLayers"/> blocks of
/// <paramref name="InputChannels"/> channels, then a down-sampling layer to <paramref name="OutChannels"/> (none when null).
/// </summary>
public sealed record CNBlockConfig(long InputChannels, long? OutChannels, int NumLayers);
