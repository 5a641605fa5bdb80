namespace MedLearn.Models;

/// <summary>
/// The registry entries of the torchvision transformer-era zoo (ConvNeXt-Tiny/Small, ViT-B/16, Swin-T), with the
/// evaluation transform, file name and accuracy of torchvision 0.14's default weights.
/// </summary>
internal static class ZooVitEntries
{
    /// <summary>The entries in registration order.</summary>
    public static IEnumerable<(ModelInfo Info, Func<long, long, ModelOptions, ImageClassifier> Create)> Entries(double[] mean, double[] std)
    {
        (ModelInfo, Func<long, long, ModelOptions, ImageClassifier>) Entry(string name, int resize, string interpolation, long parameters,
            string head, string firstConv, string file, string note, Func<long, long, ImageClassifier> create) =>
            (new ModelInfo(name, 224, mean, std, parameters, head, firstConv, 768, file, note, resize, interpolation), (c, i, _) => create(c, i));

        yield return Entry("convnext_tiny", 236, "bilinear", 28_589_128, "classifier.2", "features.0.0", "convnext_tiny-983f1562.pth",
            "torchvision ConvNeXt_Tiny_Weights.IMAGENET1K_V1 (ImageNet top-1 82.52%)", ConvNeXt.ConvNeXtTiny);
        yield return Entry("convnext_small", 230, "bilinear", 50_223_688, "classifier.2", "features.0.0", "convnext_small-0c510722.pth",
            "torchvision ConvNeXt_Small_Weights.IMAGENET1K_V1 (ImageNet top-1 83.62%)", ConvNeXt.ConvNeXtSmall);
        yield return Entry("vit_b_16", 256, "bilinear", 86_567_656, "heads.head", "conv_proj", "vit_b_16-c867db91.pth",
            "torchvision ViT_B_16_Weights.IMAGENET1K_V1 (ImageNet top-1 81.07%); other input sizes (multiples of 16) resize the position embedding bicubically",
            (c, i) => VisionTransformer.ViTB16(c, i));
        yield return Entry("swin_t", 232, "bicubic", 28_288_354, "head", "features.0.0", "swin_t-704ceda3.pth",
            "torchvision Swin_T_Weights.IMAGENET1K_V1 (ImageNet top-1 81.47%)", SwinTransformer.SwinT);
    }
}
