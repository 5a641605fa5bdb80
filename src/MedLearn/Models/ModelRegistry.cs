namespace MedLearn.Models;

/// <summary>
/// The classifier architectures by name (torchvision's builder names): <c>ModelRegistry.Create("resnet50", 4)</c>.
/// </summary>
public static class ModelRegistry
{
    private static readonly double[] s_imageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] s_imageNetStd = [0.229, 0.224, 0.225];

    private static readonly (ModelInfo Info, Func<long, long, ImageClassifier> Create)[] s_entries =
    [
        (new ModelInfo("resnet18", 224, s_imageNetMean, s_imageNetStd, 11_689_512, "fc", "conv1", 512), (c, i) => ResNet.ResNet18(c, i)),
        (new ModelInfo("resnet34", 224, s_imageNetMean, s_imageNetStd, 21_797_672, "fc", "conv1", 512), (c, i) => ResNet.ResNet34(c, i)),
        (new ModelInfo("resnet50", 224, s_imageNetMean, s_imageNetStd, 25_557_032, "fc", "conv1", 2048), (c, i) => ResNet.ResNet50(c, i)),
        (new ModelInfo("densenet121", 224, s_imageNetMean, s_imageNetStd, 7_978_856, "classifier", "features.conv0", 1024), (c, i) => DenseNet.DenseNet121(c, i)),
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
