namespace MedLearn.Models.MobileNet;

/// <summary>One MobileNetV3 bottleneck (a row of torchvision's <c>_mobilenet_v3_conf</c> table, width 1.0).</summary>
/// <param name="InputChannels">Input channels.</param>
/// <param name="Kernel">Depthwise kernel size.</param>
/// <param name="ExpandedChannels">Hidden channels of the depthwise convolution.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="UseSqueezeExcitation">With a squeeze-excitation block.</param>
/// <param name="UseHardswish">Hard swish ("HS") instead of ReLU ("RE").</param>
/// <param name="Stride">Depthwise stride.</param>
public sealed record InvertedResidualConfig(long InputChannels, long Kernel, long ExpandedChannels, long OutChannels, bool UseSqueezeExcitation, bool UseHardswish, long Stride);
