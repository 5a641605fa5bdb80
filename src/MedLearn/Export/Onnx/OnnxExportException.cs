namespace MedLearn.Export.Onnx;

/// <summary>
/// A model cannot be written as ONNX: a module type with no mapping or a configuration no ONNX op expresses. The
/// message names the module type (or op) and its path in the model (e.g. <c>layer1.0.conv1</c>).
/// </summary>
public sealed class OnnxExportException(string message) : Exception(message);
