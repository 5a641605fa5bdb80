using EfficientNetModel = MedLearn.Models.EfficientNet.EfficientNet;
using Inception3Model = MedLearn.Models.Inception.Inception3;
using MobileNetV3Model = MedLearn.Models.MobileNet.MobileNetV3;
using RegNetModel = MedLearn.Models.RegNet.RegNet;

namespace MedLearn.Models;

/// <summary>
/// The registry entries of the torchvision CNN zoo (EfficientNet-B0..B4 and V2-S, MobileNetV3-Large, RegNetY-400MF,
/// Inception-v3), with the evaluation transform, file name and accuracy of torchvision 0.14's default weights.
/// </summary>
internal static class ZooCnnEntries
{
    /// <summary>The entries in registration order.</summary>
    public static IEnumerable<(ModelInfo Info, Func<long, long, ModelOptions, ImageClassifier> Create)> Entries(double[] mean, double[] std)
    {
        (ModelInfo, Func<long, long, ModelOptions, ImageClassifier>) Entry(string name, int input, int resize, string interpolation, long parameters,
            string head, string firstConv, long featureDim, string file, string note, Func<long, long, ImageClassifier> create) =>
            (new ModelInfo(name, input, mean, std, parameters, head, firstConv, featureDim, file, note, resize, interpolation), (c, i, _) => create(c, i));

        yield return Entry("efficientnet_b0", 224, 256, "bicubic", 5_288_548, "classifier.1", "features.0.0", 1280, "efficientnet_b0_rwightman-3dd342df.pth",
            "torchvision EfficientNet_B0_Weights.IMAGENET1K_V1 (ImageNet top-1 77.69%)", (c, i) => EfficientNetModel.B(0, c, i));
        yield return Entry("efficientnet_b1", 240, 255, "bilinear", 7_794_184, "classifier.1", "features.0.0", 1280, "efficientnet_b1-c27df63c.pth",
            "torchvision EfficientNet_B1_Weights.IMAGENET1K_V2 (ImageNet top-1 79.84%; IMAGENET1K_V1 is efficientnet_b1_rwightman-533bc792.pth, 256 bicubic, 78.64%)",
            (c, i) => EfficientNetModel.B(1, c, i));
        yield return Entry("efficientnet_b2", 288, 288, "bicubic", 9_109_994, "classifier.1", "features.0.0", 1408, "efficientnet_b2_rwightman-bcdf34b7.pth",
            "torchvision EfficientNet_B2_Weights.IMAGENET1K_V1 (ImageNet top-1 80.61%)", (c, i) => EfficientNetModel.B(2, c, i));
        yield return Entry("efficientnet_b3", 300, 320, "bicubic", 12_233_232, "classifier.1", "features.0.0", 1536, "efficientnet_b3_rwightman-cf984f9c.pth",
            "torchvision EfficientNet_B3_Weights.IMAGENET1K_V1 (ImageNet top-1 82.01%)", (c, i) => EfficientNetModel.B(3, c, i));
        yield return Entry("efficientnet_b4", 380, 384, "bicubic", 19_341_616, "classifier.1", "features.0.0", 1792, "efficientnet_b4_rwightman-7eb33cd5.pth",
            "torchvision EfficientNet_B4_Weights.IMAGENET1K_V1 (ImageNet top-1 83.38%)", (c, i) => EfficientNetModel.B(4, c, i));
        yield return Entry("efficientnet_v2_s", 384, 384, "bilinear", 21_458_488, "classifier.1", "features.0.0", 1280, "efficientnet_v2_s-dd5fe13b.pth",
            "torchvision EfficientNet_V2_S_Weights.IMAGENET1K_V1 (ImageNet top-1 84.23%)", (c, i) => EfficientNetModel.V2S(c, i));
        yield return Entry("mobilenet_v3_large", 224, 232, "bilinear", 5_483_032, "classifier.3", "features.0.0", 1280, "mobilenet_v3_large-5c1a4163.pth",
            "torchvision MobileNet_V3_Large_Weights.IMAGENET1K_V2 (ImageNet top-1 75.27%; IMAGENET1K_V1 is mobilenet_v3_large-8738ca79.pth, resize 256, 74.04%)",
            (c, i) => new MobileNetV3Model(c, i));
        yield return Entry("regnet_y_400mf", 224, 232, "bilinear", 4_344_144, "fc", "stem.0", 440, "regnet_y_400mf-e6988f5f.pth",
            "torchvision RegNet_Y_400MF_Weights.IMAGENET1K_V2 (ImageNet top-1 75.80%; IMAGENET1K_V1 is regnet_y_400mf-c65dace8.pth, resize 256, 74.05%)",
            (c, i) => RegNetModel.RegNetY400MF(c, i));
        yield return Entry("inception_v3", 299, 342, "bilinear", 27_161_264, "fc", "Conv2d_1a_3x3.conv", 2048, "inception_v3_google-0cc3c7bd.pth",
            "torchvision Inception_V3_Weights.IMAGENET1K_V1 (ImageNet top-1 77.29%; the model re-normalises ImageNet-normalised RGB input itself, "
            + "transform_input as torchvision sets it for these weights; auxiliary head AuxLogits trained with weight 0.4; inputs >= 75 px)",
            (c, i) => new Inception3Model(c, i));
    }
}
