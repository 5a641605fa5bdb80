using System.Globalization;
using System.Text;

namespace MedLearn.Models;

/// <summary>A state-dict entry whose shape differs between a weights file and the model.</summary>
/// <param name="Key">The state-dict key (after renaming legacy keys).</param>
/// <param name="FileShape">Its shape in the file (after the 1-channel first-conv adaptation, if any).</param>
/// <param name="ModelShape">Its shape in the model.</param>
public sealed record ShapeMismatch(string Key, IReadOnlyList<long> FileShape, IReadOnlyList<long> ModelShape)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Key}: file [{string.Join(", ", FileShape)}], model [{string.Join(", ", ModelShape)}]";
}

/// <summary>
/// What <see cref="PretrainedWeights.Load(ImageClassifier, string, bool, bool)"/> did: how many entries it copied,
/// which model entries the file lacked, which file entries the model lacks, which shapes disagreed, and what it
/// adapted (head re-initialised, first convolution summed to one channel, legacy keys renamed).
/// </summary>
/// <param name="Source">The file path (or a description of the state dict).</param>
/// <param name="LoadedKeys">Number of model state-dict entries copied from the file.</param>
/// <param name="MissingKeys">Model entries the file does not have (they keep their current values); the head's
/// entries when the head was re-initialised and <c>num_batches_tracked</c> counters (absent from older torchvision
/// files, set to 0 like PyTorch does) are not listed.</param>
/// <param name="UnexpectedKeys">File entries the model does not have (ignored); the file's dropped head is not listed.</param>
/// <param name="ShapeMismatches">Entries present in both with different shapes (not copied).</param>
/// <param name="HeadReinitialised">True when the model's head was freshly initialised instead of loaded (the
/// file's head has another shape, e.g. 1000 ImageNet classes, or the file has none, or it was requested).</param>
/// <param name="FileHeadShape">Shape of the file's head weight, or null if the file has none.</param>
/// <param name="FirstConvAdapted">True when the file's RGB first-convolution filters were summed for a 1-channel model.</param>
/// <param name="RenamedKeys">Number of legacy keys renamed (torchvision's old DenseNet names such as
/// <c>denselayer1.norm.1.weight</c> -&gt; <c>denselayer1.norm1.weight</c>, and a DataParallel <c>module.</c> prefix).</param>
public sealed record WeightsImportReport(
    string Source,
    int LoadedKeys,
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys,
    IReadOnlyList<ShapeMismatch> ShapeMismatches,
    bool HeadReinitialised,
    IReadOnlyList<long>? FileHeadShape,
    bool FirstConvAdapted,
    int RenamedKeys)
{
    /// <summary>
    /// The checkpoint key the state dict was unwrapped from ("state_dict", "model_state_dict" or "model"), or null when
    /// the file holds a state dict at its top level.
    /// </summary>
    public string? WrapperKey { get; init; }

    /// <summary>True when every key carried DataParallel's <c>module.</c> prefix and it was stripped (counted in <see cref="RenamedKeys"/>).</summary>
    public bool ModulePrefixStripped { get; init; }

    /// <summary>Architecture-specific adaptations made to the file's tensors before loading, one line each (e.g. a ViT
    /// position embedding resized to the model's input size).</summary>
    public IReadOnlyList<string> Adaptations { get; init; } = [];

    /// <summary>Default number of keys listed per category in <see cref="Describe"/>.</summary>
    public const int DefaultMaxListed = 10;

    /// <summary>True when every model entry was loaded from the file (or deliberately re-initialised) and nothing was left over.</summary>
    public bool IsComplete => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && ShapeMismatches.Count == 0;

    /// <summary>
    /// A short multi-line summary: counts of every category and the first <paramref name="maxListed"/> keys of each
    /// (never thousands of lines).
    /// </summary>
    public string Describe(int maxListed = DefaultMaxListed)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Source}: loaded {LoadedKeys} entries");
        if (WrapperKey is not null) sb.Append(CultureInfo.InvariantCulture, $" (unwrapped from the checkpoint's '{WrapperKey}' entry)");
        sb.Append(CultureInfo.InvariantCulture, $", {MissingKeys.Count} missing, {UnexpectedKeys.Count} unexpected, {ShapeMismatches.Count} shape mismatch(es)");
        if (ModulePrefixStripped) sb.Append(", DataParallel 'module.' prefix stripped");
        if (!ModulePrefixStripped && RenamedKeys > 0) sb.Append(CultureInfo.InvariantCulture, $", renamed {RenamedKeys} legacy keys");
        if (FirstConvAdapted) sb.Append(", first convolution summed over RGB for 1 input channel");
        if (HeadReinitialised)
            sb.Append(FileHeadShape is null ? ", head re-initialised (the file has none)" : $", head re-initialised (file head [{string.Join(", ", FileHeadShape)}])");
        sb.Append('.');
        foreach (var a in Adaptations) sb.Append('\n').Append(a);
        AppendList(sb, "missing key(s) (in the model, not in the file)", MissingKeys, maxListed);
        AppendList(sb, "unexpected key(s) (in the file, not in the model)", UnexpectedKeys, maxListed);
        AppendList(sb, "shape mismatch(es)", ShapeMismatches.Select(m => m.ToString()).ToList(), maxListed);
        return sb.ToString();
    }

    private static void AppendList(StringBuilder sb, string what, IReadOnlyList<string> items, int maxListed)
    {
        if (items.Count == 0) return;
        sb.Append(CultureInfo.InvariantCulture, $"\n{items.Count} {what}");
        sb.Append(items.Count > maxListed ? $", first {maxListed}:" : ":");
        foreach (var item in items.Take(maxListed)) sb.Append("\n  ").Append(item);
        if (items.Count > maxListed) sb.Append(CultureInfo.InvariantCulture, $"\n  ... and {items.Count - maxListed} more");
    }

    /// <inheritdoc/>
    public override string ToString() => Describe();
}
