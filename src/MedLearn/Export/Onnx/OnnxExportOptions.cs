namespace MedLearn.Export.Onnx;

/// <summary>
/// What <see cref="OnnxExporter"/> writes besides the network: the opset, the graph's input and output names and
/// shapes (a string = a symbolic, dynamic dimension such as "batch"; a long = fixed), and metadata_props (e.g. the
/// preprocessing a deployment must apply).
/// </summary>
public sealed record OnnxExportOptions
{
    /// <summary>Default-domain opset (<see cref="OnnxExporter.MinOpset"/>..<see cref="OnnxExporter.MaxOpset"/>).</summary>
    public int Opset { get; init; } = OnnxExporter.DefaultOpset;

    /// <summary>Name of the graph input.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>Input dimensions, e.g. <c>["batch", 3, 224, 224]</c>.</summary>
    public required IReadOnlyList<object> InputDims { get; init; }

    /// <summary>Name of the main graph output.</summary>
    public string OutputName { get; init; } = "logits";

    /// <summary>Output dimensions, e.g. <c>["batch", 4]</c>.</summary>
    public required IReadOnlyList<object> OutputDims { get; init; }

    /// <summary>metadata_props of the model (key → value), in this order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>The model's doc_string (a sentence on what it is and how to feed it).</summary>
    public string? Description { get; init; }

    /// <summary>Graph name (default: the model's type name).</summary>
    public string? GraphName { get; init; }
}
