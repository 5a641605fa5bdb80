using System.Globalization;
using System.Text.Json;
using MedLearn.Export.Onnx;
using MedLearn.Export.TorchScript;
using MedLearn.Methods.Segmentation;
using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Runs;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Serialization;

namespace MedLearn.Export;

/// <summary>
/// Exports the trained network of a run folder: a classifier (model.json + model.pt of a classify or semi run) or a
/// 3-D segmentation network (network.json + model.pt) as ONNX with a dynamic batch axis (and dynamic spatial axes for
/// the fully convolutional segmentation networks) and the preprocessing as metadata (<see cref="OnnxMetadataKeys"/>),
/// or as TorchScript (the same metadata as the archive's extra file <see cref="TorchScriptExporter.MetadataFile"/>).
/// </summary>
public static class RunExport
{
    /// <summary>Exports the run's network as <paramref name="options"/> say; the file is written atomically, nothing on error.</summary>
    /// <exception cref="InvalidDataException">The folder holds no exportable model (names the folder and why).</exception>
    /// <exception cref="RunFileException">A run file is missing or unreadable.</exception>
    /// <exception cref="OnnxExportException">A module of the network has no ONNX mapping (names the type and path).</exception>
    /// <exception cref="TorchScriptExportException">A module of the network has no TorchScript mapping (names the type and path).</exception>
    public static RunExportResult Export(RunExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Without the trailing separator a shell's completion adds, the run's name (source_run) would be empty.
        var run = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.RunPath));
        if (!Directory.Exists(run)) throw new InvalidDataException($"{run}: no such run folder");
        if (options.Opset is < OnnxExporter.MinOpset or > OnnxExporter.MaxOpset)
            throw new ArgumentException($"--opset: ONNX opset {options.Opset} is not supported; use {OnnxExporter.MinOpset}..{OnnxExporter.MaxOpset} (default {OnnxExporter.DefaultOpset})");
        if (File.Exists(Path.Combine(run, ClassifierManifest.FileName))) return ExportClassifier(run, options);
        if (File.Exists(Path.Combine(run, SegmentationTraining.NetworkFileName))) return ExportSegmentation(run, options);
        if (File.Exists(Path.Combine(run, Methods.Gmic.GmicManifest.FileName)))
            throw new InvalidDataException($"{run}: GMIC runs cannot be exported to ONNX yet (top-t% pooling and the crop-dependent local network have no mapping); export a classify, semi or segment run");
        throw new InvalidDataException($"{run}: no exported model ({ClassifierManifest.FileName} or {SegmentationTraining.NetworkFileName}): is this a finished classify, semi or segment run?");
    }

    private static RunExportResult ExportClassifier(string run, RunExportOptions options)
    {
        var manifestPath = Path.Combine(run, ClassifierManifest.FileName);
        var (manifest, weights) = ClassifierRunFiles.Locate(run);
        using var model = ClassifierRunFiles.CreateNetwork(manifest, weights);
        var s = manifest.ImageSize;
        IReadOnlyList<object> inputDims = ["batch", (long)manifest.InChannels, (long)s, (long)s];
        IReadOnlyList<object> outputDims = ["batch", (long)manifest.Classes.Count];
        var metadata = new List<KeyValuePair<string, string>>
        {
            new(OnnxMetadataKeys.Kind, "classifier"),
            new(OnnxMetadataKeys.Architecture, manifest.Architecture),
            new(OnnxMetadataKeys.Classes, JsonSerializer.Serialize(manifest.Classes)),
            new(OnnxMetadataKeys.InChannels, manifest.InChannels.ToString(CultureInfo.InvariantCulture)),
            new(OnnxMetadataKeys.InputSize, s.ToString(CultureInfo.InvariantCulture)),
            new(OnnxMetadataKeys.ResizeSize, manifest.ResizeSize.ToString(CultureInfo.InvariantCulture)),
            new(OnnxMetadataKeys.Mean, JsonSerializer.Serialize(manifest.Mean)),
            new(OnnxMetadataKeys.Std, JsonSerializer.Serialize(manifest.Std)),
            new(OnnxMetadataKeys.Preprocessing,
                $"scale intensities to [0, 1] (8-bit: /255; n-bit: /(2^bits - 1)); convert to {manifest.InChannels} channel(s) (gray repeated to RGB, RGB to luminance 0.2989 R + 0.587 G + 0.114 B); "
                + $"resize the shorter side to {manifest.ResizeSize} (bilinear, align_corners=False, no antialiasing); centre crop {s}x{s}; "
                + $"normalise per channel (x - mean) / std; layout NCHW float32"),
            new(OnnxMetadataKeys.Outputs, "logits [batch, classes] in the class order of medlearn.classes; softmax gives the probabilities"),
            new(OnnxMetadataKeys.Manifest, File.ReadAllText(manifestPath)),
            new(OnnxMetadataKeys.SourceRun, Path.GetFileName(run)),
            new(OnnxMetadataKeys.Version, MedLearnInfo.Version),
        };
        return Write(model, options, "classifier", manifest.Architecture, inputDims, outputDims, metadata,
            $"MedLearn {manifest.Architecture} classifier of {manifest.Classes.Count} classes ({string.Join(", ", manifest.Classes)}); input {manifest.InChannels}x{s}x{s}, preprocessing in metadata_props");
    }

    private static RunExportResult ExportSegmentation(string run, RunExportOptions options)
    {
        using var net = SegmentationTraining.LoadNetwork(run);
        IReadOnlyList<object> inputDims = ["batch", net.InChannels, "depth", "height", "width"];
        IReadOnlyList<object> outputDims = ["batch", net.Classes, "depth", "height", "width"];
        var metadata = new List<KeyValuePair<string, string>>
        {
            new(OnnxMetadataKeys.Kind, "segmentation"),
            new(OnnxMetadataKeys.Architecture, net.ArchitectureName),
            new(OnnxMetadataKeys.InChannels, net.InChannels.ToString(CultureInfo.InvariantCulture)),
            new(OnnxMetadataKeys.Preprocessing,
                $"volume as [batch, {net.InChannels}, D, H, W] float32 (NIfTI X, Y, Z reversed to D, H, W as MedLearn reads them), intensities as in training (segment_options.json); "
                + $"every spatial size a multiple of {net.SizeMultiple}: run on sliding windows of the training patch size as `medlearn segment predict` does"),
            new(OnnxMetadataKeys.Outputs, net.HasDistanceHead
                ? $"logits [batch, {net.Classes}, D, H, W] (argmax over classes = label map); distance [batch, {net.Classes - 1}, D, H, W] = tanh signed-distance map"
                : $"logits [batch, {net.Classes}, D, H, W] (argmax over classes = label map)"),
            new(OnnxMetadataKeys.Network, File.ReadAllText(Path.Combine(run, SegmentationTraining.NetworkFileName))),
            new(OnnxMetadataKeys.SourceRun, Path.GetFileName(run)),
            new(OnnxMetadataKeys.Version, MedLearnInfo.Version),
        };
        return Write(net, options, "segmentation", net.ArchitectureName, inputDims, outputDims, metadata,
            $"MedLearn {net.ArchitectureName} 3-D segmentation network, {net.Classes} classes");
    }

    private static RunExportResult Write(Module model, RunExportOptions options, string kind, string architecture,
        IReadOnlyList<object> inputDims, IReadOnlyList<object> outputDims, List<KeyValuePair<string, string>> metadata, string description)
    {
        var output = Path.GetFullPath(options.OutputPath);
        var folder = Path.GetDirectoryName(output)!;
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // .NET names only the first path part it could not create ("Could not find file '/x'"): name the output too.
            throw new IOException($"{options.OutputPath}: cannot create the folder {folder} ({e.Message})", e);
        }
        List<(string, IReadOnlyList<object>)> outputs = [("logits", outputDims)];
        if (model is SegmentationNetwork { HasDistanceHead: true } net)
            outputs.Add((Onnx.Mappings.VNetMapping.DistanceOutput, ["batch", net.Classes - 1, "depth", "height", "width"]));
        if (options.Format == ExportFormat.TorchScript)
        {
            TorchScriptExporter.Export(model, output, metadata);
            return new RunExportResult(output, kind, architecture, 0, new FileInfo(output).Length, [("input", inputDims)], outputs, metadata);
        }
        var exportOptions = new OnnxExportOptions
        {
            Opset = options.Opset,
            InputDims = inputDims,
            OutputDims = outputDims,
            Metadata = metadata,
            Description = description,
            GraphName = architecture,
        };
        OnnxExporter.Export(model, output, exportOptions);
        return new RunExportResult(output, kind, architecture, options.Opset, new FileInfo(output).Length, [("input", inputDims)], outputs, metadata);
    }
}
