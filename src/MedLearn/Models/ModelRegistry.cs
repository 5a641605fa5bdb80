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

    private static readonly (ModelInfo Info, Func<long, long, ModelOptions, ImageClassifier> Create)[] s_entries =
    [
        (new ModelInfo("resnet18", 224, s_imageNetMean, s_imageNetStd, 11_689_512, "fc", "conv1", 512, "resnet18-f37072fd.pth",
            "torchvision ResNet18_Weights.IMAGENET1K_V1 (ImageNet top-1 69.76%)"), (c, i, _) => ResNet.ResNet18(c, i)),
        (new ModelInfo("resnet34", 224, s_imageNetMean, s_imageNetStd, 21_797_672, "fc", "conv1", 512, "resnet34-b627a593.pth",
            "torchvision ResNet34_Weights.IMAGENET1K_V1 (ImageNet top-1 73.31%)"), (c, i, _) => ResNet.ResNet34(c, i)),
        (new ModelInfo("resnet50", 224, s_imageNetMean, s_imageNetStd, 25_557_032, "fc", "conv1", 2048, "resnet50-11ad3fa6.pth",
            "torchvision ResNet50_Weights.IMAGENET1K_V2 (ImageNet top-1 80.86%; IMAGENET1K_V1 is resnet50-0676ba61.pth, 76.13%)"), (c, i, _) => ResNet.ResNet50(c, i)),
        (new ModelInfo("densenet121", 224, s_imageNetMean, s_imageNetStd, 7_978_856, "classifier", "features.conv0", 1024, "densenet121-a639ec97.pth",
            "torchvision DenseNet121_Weights.IMAGENET1K_V1 (ImageNet top-1 74.43%; its legacy key names are renamed on load)"), (c, i, _) => DenseNet.DenseNet121(c, i)),
        (new ModelInfo("small-cnn", 64, s_half, s_half, 88_696, "fc", "features.conv1", 64, null,
            "no pretrained weights: a tiny network for tests and demos, trained from scratch"), (c, i, o) => new SmallCnn(c, i, o.Width ?? SmallCnn.DefaultWidth, o.Depth ?? SmallCnn.DefaultDepth, o.Dropout ?? 0)),
        .. ZooCnnEntries.Entries(s_imageNetMean, s_imageNetStd),
        .. ZooVitEntries.Entries(s_imageNetMean, s_imageNetStd),
    ];

    /// <summary>The registered names, in registration order.</summary>
    public static IReadOnlyList<string> Names { get; } = s_entries.Select(e => e.Info.Name).ToArray();

    /// <summary>The metadata of <paramref name="name"/> (case-insensitive).</summary>
    public static ModelInfo Info(string name) => Entry(name).Info;

    /// <summary>
    /// A freshly initialised (torchvision's init) <paramref name="name"/> with <paramref name="classes"/> outputs,
    /// <paramref name="inChannels"/> input channels and architecture <paramref name="options"/> (null = defaults).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name, or an option the architecture does not have (the message names it).</exception>
    public static ImageClassifier Create(string name, long classes, long inChannels = 3, ModelOptions? options = null)
    {
        var entry = Entry(name);
        CheckOptions(entry.Info.Name, options);
        return entry.Create(classes, inChannels, options ?? new ModelOptions());
    }

    /// <summary>Checks that <paramref name="options"/> fit architecture <paramref name="name"/> (names the key as in run.yaml).</summary>
    /// <exception cref="ArgumentException">An option the architecture does not have, or a value out of range.</exception>
    public static void CheckOptions(string name, ModelOptions? options)
    {
        if (options is null || options.IsDefault) return;
        var info = Entry(name).Info;
        if (info.Name != "small-cnn")
            throw new ArgumentException($"model-options: width, depth and dropout apply to small-cnn only, not to {info.Name}");
        if (options.Width is < 1 or > 4096) throw new ArgumentException($"model-options.width: must be in 1..4096 (got {options.Width})");
        if (options.Depth is < 1 or > 8) throw new ArgumentException($"model-options.depth: must be in 1..8 (got {options.Depth})");
        if (options.Dropout is double d && !(d is >= 0 and < 1)) throw new ArgumentException($"model-options.dropout: must be in [0, 1) (got {d})");
    }

    /// <summary>The options the architecture is built with: <paramref name="options"/> with every default filled in (small-cnn), else unchanged.</summary>
    public static ModelOptions? Resolve(string name, ModelOptions? options) =>
        string.Equals(Entry(name).Info.Name, "small-cnn", StringComparison.Ordinal)
            ? new ModelOptions { Width = options?.Width ?? SmallCnn.DefaultWidth, Depth = options?.Depth ?? SmallCnn.DefaultDepth, Dropout = options?.Dropout ?? 0 }
            : options;

    private static (ModelInfo Info, Func<long, long, ModelOptions, ImageClassifier> Create) Entry(string name)
    {
        foreach (var e in s_entries)
            if (string.Equals(e.Info.Name, name, StringComparison.OrdinalIgnoreCase)) return e;
        var suggestion = NameSuggestion.Closest(name, Names);
        throw new ArgumentException($"unknown model '{name}'{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}; known: {string.Join(", ", Names)}", nameof(name));
    }
}
