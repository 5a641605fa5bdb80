namespace MedLearn.Export.TorchScript;

/// <summary>
/// A model cannot be written as TorchScript: a module type with no mapping or a configuration the mapping does not
/// express. The message names the module type and its path in the model (e.g. <c>layer1.0.conv1</c>).
/// </summary>
public sealed class TorchScriptExportException(string message) : Exception(message);
