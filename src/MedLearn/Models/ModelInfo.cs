namespace MedLearn.Models;

/// <summary>
/// Metadata of a registered architecture, after torchvision's weights records (ImageNet defaults).
/// </summary>
/// <param name="Name">Registry name, torchvision's builder name (e.g. "resnet18").</param>
/// <param name="InputSize">Expected input height and width (torchvision's crop size).</param>
/// <param name="Mean">Per-channel normalisation mean of the pretrained weights (RGB).</param>
/// <param name="Std">Per-channel normalisation standard deviation of the pretrained weights (RGB).</param>
/// <param name="ParameterCount">Number of parameters of the 1000-class, 3-channel model.</param>
/// <param name="HeadName">Name of the linear head ("fc" or "classifier").</param>
/// <param name="FirstConvName">Name of the first convolution (adapted for 1-channel inputs).</param>
/// <param name="FeatureDim">Length of the pooled feature vector the head reads.</param>
/// <param name="DefaultWeightsFile">File name of torchvision's default pretrained weights (as in torch hub's cache,
/// e.g. "resnet18-f37072fd.pth"), or null when there are none. MedLearn never downloads it: pass the file to
/// <see cref="PretrainedWeights.Load(ImageClassifier, string, bool, bool)"/>.</param>
/// <param name="DefaultWeightsNote">Which pretrained weights the default file is (torchvision's enum name and
/// ImageNet accuracy) or why there are none.</param>
/// <param name="ResizeSize">Shorter-side resize before the centre crop of the default weights' evaluation transform
/// (torchvision's <c>resize_size</c>), or null for the 256/224 ratio.</param>
/// <param name="Interpolation">Resize interpolation of the default weights' transform ("bilinear" or "bicubic"; MedLearn's
/// own resize is bilinear).</param>
public sealed record ModelInfo(
    string Name,
    int InputSize,
    IReadOnlyList<double> Mean,
    IReadOnlyList<double> Std,
    long ParameterCount,
    string HeadName,
    string FirstConvName,
    long FeatureDim,
    string? DefaultWeightsFile,
    string DefaultWeightsNote,
    int? ResizeSize = null,
    string Interpolation = "bilinear");
