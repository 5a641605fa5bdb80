using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;

namespace MedLearn.Models;

/// <summary>
/// Importing pretrained weights (torchvision / PyTorch state-dict files) into an <see cref="ImageClassifier"/>
/// for fine-tuning, with a report of what was loaded and adapted. No download: pass the file (e.g. torch hub's
/// <c>~/.cache/torch/hub/checkpoints/resnet18-f37072fd.pth</c>, see <see cref="ModelInfo.DefaultWeightsFile"/>).
/// </summary>
public static partial class PretrainedWeights
{
    /// <summary>
    /// Loads the state dict in <paramref name="path"/> (written by <c>torch.save(model.state_dict())</c>, or a
    /// checkpoint dict holding one under "state_dict", "model_state_dict" or "model") into <paramref name="model"/>:
    /// <list type="bullet">
    /// <item>legacy keys are renamed: a DataParallel <c>module.</c> prefix on every key, and torchvision's old
    /// DenseNet names (<c>denselayer1.norm.1.weight</c> -&gt; <c>denselayer1.norm1.weight</c>, as torchvision's own loader does);</item>
    /// <item>for a 1-channel model, the file's RGB first-convolution filters are summed over their input channels
    /// (<see cref="ModelWeights.AdaptInputChannels"/>: a gray image x then gives the response of (x, x, x)); for another
    /// count C ≠ 3 the summed filter is spread evenly, Σ W / C per channel (C equal channels x respond like (x, x, x));</item>
    /// <item>the head (<see cref="ImageClassifier.HeadName"/>) is loaded when the file's head has the model's shape;
    /// when it differs (e.g. 1000 ImageNet classes into a 4-class model), is absent, or
    /// <paramref name="reinitialiseHead"/> is set, the file's head is dropped and the model gets a freshly initialised
    /// head (<see cref="ImageClassifier.ReplaceHead"/>: a new <c>Linear</c> module);</item>
    /// <item><c>num_batches_tracked</c> counters absent from older torchvision files are set to 0 (PyTorch does the same).</item>
    /// </list>
    /// With <paramref name="strict"/> (the default), any other missing key, unexpected key or shape mismatch is an
    /// error and the model is left unchanged; otherwise the matching entries are loaded and the rest is reported.
    /// </summary>
    /// <exception cref="PretrainedWeightsException">Strict and the file does not fit (the message lists counts and the
    /// first <see cref="WeightsImportReport.DefaultMaxListed"/> keys of each kind).</exception>
    /// <exception cref="TorchFileException">The file is not a readable PyTorch file or holds no state dict.</exception>
    public static WeightsImportReport Load(ImageClassifier model, string path, bool strict = true, bool reinitialiseHead = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        using var scope = DisposeScope.Open();
        var (stateDict, wrapper) = ReadStateDict(path);
        return Load(model, stateDict, path, strict, reinitialiseHead) with { WrapperKey = wrapper };
    }

    /// <summary>
    /// Loads an in-memory state dict like <see cref="Load(ImageClassifier, string, bool, bool)"/>;
    /// <paramref name="source"/> names it in the report and messages.
    /// </summary>
    public static WeightsImportReport Load(ImageClassifier model, IReadOnlyDictionary<string, Tensor> stateDict, string source,
        bool strict = true, bool reinitialiseHead = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stateDict);
        using var scope = DisposeScope.Open();

        var (file, renamed, prefixStripped) = RenameLegacyKeys(stateDict);
        var adaptations = new List<string>();
        file = model.AdaptImportedStateDict(file, adaptations);
        var firstConvKey = model.FirstConvName + ".weight";
        var beforeAdapt = file.TryGetValue(firstConvKey, out var fc) ? fc.Shape : null;
        file = ModelWeights.AdaptInputChannels(file, firstConvKey, model.InChannels);
        var firstConvAdapted = beforeAdapt is not null && !beforeAdapt.SequenceEqual(file[firstConvKey].Shape);

        var own = model.StateDict();
        // Every class-output layer (the head, and Inception-v3's auxiliary head) is loaded or re-initialised together.
        var headPrefixes = model.HeadNames.Select(h => h + ".").ToArray();
        var headWeightKey = model.HeadName + ".weight";
        var fileHeadShape = file.TryGetValue(headWeightKey, out var fh) ? fh.Shape : null;
        bool IsHead(string key) => headPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));
        var headFits = fileHeadShape is not null && fileHeadShape.SequenceEqual(own[headWeightKey].Shape)
            && own.Keys.Where(IsHead).All(k => file.TryGetValue(k, out var t) && t.Shape.SequenceEqual(own[k].Shape));
        var reinitHead = reinitialiseHead || !headFits;

        var toLoad = new OrderedDictionary<string, Tensor>();
        var missing = new List<string>();
        var mismatches = new List<ShapeMismatch>();
        var loaded = 0;
        foreach (var (key, target) in own)
        {
            if (reinitHead && IsHead(key)) continue;
            if (file.TryGetValue(key, out var source1))
            {
                if (source1.Shape.SequenceEqual(target.Shape))
                {
                    toLoad[key] = source1;
                    loaded++;
                }
                else mismatches.Add(new ShapeMismatch(key, source1.Shape, target.Shape));
            }
            else if (key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) toLoad[key] = torch.ZerosLike(target);
            else missing.Add(key);
        }
        var unexpected = file.Keys.Where(k => !own.ContainsKey(k) && !(reinitHead && IsHead(k))).ToList();
        var report = new WeightsImportReport(source, loaded, missing, unexpected, mismatches, reinitHead, fileHeadShape, firstConvAdapted, renamed)
        {
            ModulePrefixStripped = prefixStripped,
            Adaptations = adaptations,
        };

        if (strict && !report.IsComplete)
        {
            var found = own.Keys.Count(file.ContainsKey);
            var guess = GuessArchitecture(file.Keys);
            var hint = found * 2 < own.Count
                ? $"only {found} of the model's {own.Count} state-dict keys are in the file, so it probably holds weights of another architecture{(guess is null ? "" : $" (its keys look like {guess})")}."
                : "pass --weights-strict false (config key weights-strict: false; PretrainedWeights.Load(..., strict: false) in code) to load the matching entries anyway.";
            throw new PretrainedWeightsException($"The weights do not fit {ModelName(model)}: {hint}\n{report.Describe()}", report);
        }

        model.LoadStateDict(toLoad, strict: false);
        if (reinitHead) model.ReplaceHead(model.NumClasses);
        return report;
    }

    private static string ModelName(ImageClassifier model) =>
        string.Create(CultureInfo.InvariantCulture, $"{model.TypeName} ({model.InChannels} input channel(s), {model.NumClasses} classes)");

    /// <summary>A guess of the architecture a state dict belongs to, from characteristic torchvision/GMIC key names.</summary>
    private static string? GuessArchitecture(IEnumerable<string> keys)
    {
        var set = keys.ToHashSet(StringComparer.Ordinal);
        if (set.Any(k => k.Contains("denseblock", StringComparison.Ordinal))) return "a torchvision DenseNet";
        if (set.Contains("class_token") && set.Contains("encoder.pos_embedding")) return "a torchvision VisionTransformer (vit_*)";
        if (set.Any(k => k.EndsWith(".layer_scale", StringComparison.Ordinal))) return "a torchvision ConvNeXt";
        if (set.Any(k => k.EndsWith(".attn.relative_position_bias_table", StringComparison.Ordinal))) return "a torchvision Swin Transformer";
        if (set.Contains("layer1.0.conv3.weight")) return "a torchvision ResNet with Bottleneck blocks (ResNet-50 or larger)";
        if (set.Contains("layer1.0.conv1.weight")) return "a torchvision ResNet with BasicBlocks (ResNet-18/34)";
        if (set.Contains("first_conv.weight")) return "a pre-activation ResNet trunk (GMIC)";
        if (set.Contains("Mixed_5b.branch1x1.conv.weight")) return "a torchvision Inception-v3";
        if (set.Contains("trunk_output.block1.block1-0.f.a.0.weight")) return "a torchvision RegNet";
        if (set.Any(k => k.StartsWith("features.1.0.block.", StringComparison.Ordinal))) return "a torchvision EfficientNet";
        if (set.Any(k => k.StartsWith("features.1.block.", StringComparison.Ordinal))) return "a torchvision MobileNetV3";
        return null;
    }

    /// <summary>The state dict in a file: the top-level dict, or one nested under a usual checkpoint key.</summary>
    /// <returns>The state dict and the checkpoint key it was found under (null for a top-level state dict).</returns>
    private static (OrderedDictionary<string, Tensor> StateDict, string? WrapperKey) ReadStateDict(string path)
    {
        var value = TorchFile.Load(path);
        if (AsStateDict(value) is { } sd) return (sd, null);
        if (value is IDictionary dict)
            foreach (var key in new[] { "state_dict", "model_state_dict", "model" })
                if (dict.Contains(key) && AsStateDict(dict[key]) is { } nested) return (nested, key);
        throw new TorchFileException(path, "holds no state dict (a dict of name to tensor, at the top level or under "
            + "'state_dict', 'model_state_dict' or 'model')");
    }

    private static OrderedDictionary<string, Tensor>? AsStateDict(object? value)
    {
        if (value is not IDictionary dict || dict.Count == 0) return null;
        var result = new OrderedDictionary<string, Tensor>();
        foreach (DictionaryEntry e in dict)
        {
            if (e.Key is not string k || e.Value is not Tensor t) return null;
            result[k] = t;
        }
        return result;
    }

    [GeneratedRegex(@"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$", RegexOptions.CultureInvariant)]
    private static partial Regex LegacyDenseNetKey();

    /// <summary>Strips a "module." prefix present on every key, and renames torchvision's legacy DenseNet keys.</summary>
    private static (OrderedDictionary<string, Tensor> StateDict, int Renamed, bool PrefixStripped) RenameLegacyKeys(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        const string dataParallel = "module.";
        var stripPrefix = stateDict.Count > 0 && stateDict.Keys.All(k => k.StartsWith(dataParallel, StringComparison.Ordinal));
        var result = new OrderedDictionary<string, Tensor>();
        var renamed = 0;
        foreach (var (key, t) in stateDict)
        {
            var k = stripPrefix ? key[dataParallel.Length..] : key;
            var m = LegacyDenseNetKey().Match(k);
            if (m.Success) k = m.Groups[1].Value + m.Groups[2].Value;
            if (k != key) renamed++;
            result[k] = t;
        }
        return (result, renamed, stripPrefix);
    }
}
