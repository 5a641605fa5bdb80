namespace MedLearn.Models;

/// <summary>
/// The classifier architectures by name (torchvision's builder names, plus "small-cnn" for tests and demos):
/// <c>ModelRegistry.Create("resnet50", 4)</c>.
/// </summary>
public static class ModelRegistry
{
    private static readonly double[] s_imageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] s_imageNetStd = [0.229, 0.224, 0.225];

    private static readonly double[] s_half = [0.5, 0.5, 0.5];

    private static readonly (ModelInfo Info, Func<long, long, ImageClassifier> Create)[] s_entries =
    [
        (new ModelInfo("resnet18", 224, s_imageNetMean, s_imageNetStd, 11_689_512, "fc", "conv1", 512, "resnet18-f37072fd.pth",
            "torchvision ResNet18_Weights.IMAGENET1K_V1 (ImageNet top-1 69.76%)"), (c, i) => ResNet.ResNet18(c, i)),
        (new ModelInfo("resnet34", 224, s_imageNetMean, s_imageNetStd, 21_797_672, "fc", "conv1", 512, "resnet34-b627a593.pth",
            "torchvision ResNet34_Weights.IMAGENET1K_V1 (ImageNet top-1 73.31%)"), (c, i) => ResNet.ResNet34(c, i)),
        (new ModelInfo("resnet50", 224, s_imageNetMean, s_imageNetStd, 25_557_032, "fc", "conv1", 2048, "resnet50-11ad3fa6.pth",
            "torchvision ResNet50_Weights.IMAGENET1K_V2 (ImageNet top-1 80.86%; IMAGENET1K_V1 is resnet50-0676ba61.pth, 76.13%)"), (c, i) => ResNet.ResNet50(c, i)),
        (new ModelInfo("densenet121", 224, s_imageNetMean, s_imageNetStd, 7_978_856, "classifier", "features.conv0", 1024, "densenet121-a639ec97.pth",
            "torchvision DenseNet121_Weights.IMAGENET1K_V1 (ImageNet top-1 74.43%; its legacy key names are renamed on load)"), (c, i) => DenseNet.DenseNet121(c, i)),
        (new ModelInfo("small-cnn", 64, s_half, s_half, 88_696, "fc", "features.conv1", 64, null,
            "no pretrained weights: a tiny network for tests and demos, trained from scratch"), (c, i) => new SmallCnn(c, i)),
    ];

    /// <summary>The registered names, in registration order.</summary>
    public static IReadOnlyList<string> Names { get; } = s_entries.Select(e => e.Info.Name).ToArray();

    /// <summary>The metadata of <paramref name="name"/> (case-insensitive).</summary>
    public static ModelInfo Info(string name) => Entry(name).Info;

    /// <summary>
    /// A freshly initialised (torchvision's init) <paramref name="name"/> with <paramref name="classes"/> outputs
    /// and <paramref name="inChannels"/> input channels.
    /// </summary>
    public static ImageClassifier Create(string name, long classes, long inChannels = 3) => Entry(name).Create(classes, inChannels);

    private static (ModelInfo Info, Func<long, long, ImageClassifier> Create) Entry(string name)
    {
        foreach (var e in s_entries)
            if (string.Equals(e.Info.Name, name, StringComparison.OrdinalIgnoreCase)) return e;
        throw new ArgumentException($"unknown model '{name}'; known: {string.Join(", ", Names)}", nameof(name));
    }
}
