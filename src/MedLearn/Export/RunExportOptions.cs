using MedLearn.Export.Onnx;

namespace MedLearn.Export;

/// <summary>What <see cref="RunExport.Export"/> writes.</summary>
/// <param name="RunPath">The trained run folder (a classification, semi-supervised or 3-D segmentation run).</param>
/// <param name="OutputPath">The file to write (atomically).</param>
/// <param name="Format">The format.</param>
/// <param name="Opset">ONNX opset (<see cref="OnnxExporter.MinOpset"/>..<see cref="OnnxExporter.MaxOpset"/>).</param>
public sealed record RunExportOptions(string RunPath, string OutputPath, ExportFormat Format = ExportFormat.Onnx, int Opset = OnnxExporter.DefaultOpset);
