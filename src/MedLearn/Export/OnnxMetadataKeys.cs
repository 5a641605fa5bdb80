namespace MedLearn.Export;

/// <summary>
/// The metadata_props keys MedLearn writes into exported ONNX files: everything a deployment needs to feed the model
/// and read its output without the run folder.
/// </summary>
public static class OnnxMetadataKeys
{
    /// <summary>"classifier" or "segmentation".</summary>
    public const string Kind = "medlearn.kind";
    /// <summary>Registry name of the architecture (e.g. "resnet18", "dual-vnet").</summary>
    public const string Architecture = "medlearn.architecture";
    /// <summary>Class names in output order, JSON array.</summary>
    public const string Classes = "medlearn.classes";
    /// <summary>Input channels the network expects.</summary>
    public const string InChannels = "medlearn.in_channels";
    /// <summary>Square input size (classifiers).</summary>
    public const string InputSize = "medlearn.input_size";
    /// <summary>Shorter-side resize before the centre crop (classifiers).</summary>
    public const string ResizeSize = "medlearn.resize_size";
    /// <summary>Normalisation mean per channel, JSON array.</summary>
    public const string Mean = "medlearn.mean";
    /// <summary>Normalisation standard deviation per channel, JSON array.</summary>
    public const string Std = "medlearn.std";
    /// <summary>The preprocessing in words, in order.</summary>
    public const string Preprocessing = "medlearn.preprocessing";
    /// <summary>What the outputs are.</summary>
    public const string Outputs = "medlearn.outputs";
    /// <summary>The run's complete model.json (classifiers): <c>medlearn predict --onnx</c> rebuilds the preprocessing from it.</summary>
    public const string Manifest = "medlearn.manifest";
    /// <summary>The run's network.json (segmentation).</summary>
    public const string Network = "medlearn.network";
    /// <summary>Folder name of the run the weights come from.</summary>
    public const string SourceRun = "medlearn.source_run";
    /// <summary>The MedLearn version that wrote the file.</summary>
    public const string Version = "medlearn.version";
}
