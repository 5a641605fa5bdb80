namespace MedLearn.Export;

/// <summary>What <see cref="RunExport.Export"/> wrote.</summary>
/// <param name="Path">The written file.</param>
/// <param name="Kind">"classifier" or "segmentation".</param>
/// <param name="Architecture">The registry name of the network.</param>
/// <param name="Opset">The ONNX opset (0 for TorchScript).</param>
/// <param name="Bytes">File size.</param>
/// <param name="Inputs">Input name and dimensions (symbolic names for dynamic axes).</param>
/// <param name="Outputs">Output names and dimensions.</param>
/// <param name="Metadata">The metadata_props written.</param>
public sealed record RunExportResult(string Path, string Kind, string Architecture, int Opset, long Bytes,
    IReadOnlyList<(string Name, IReadOnlyList<object> Dims)> Inputs, IReadOnlyList<(string Name, IReadOnlyList<object> Dims)> Outputs,
    IReadOnlyList<KeyValuePair<string, string>> Metadata);
