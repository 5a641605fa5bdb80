using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Export;
using MedLearn.Export.Onnx;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn export --run RUN --format onnx|torchscript --out FILE [--opset N]</c>: the run's trained network as an
/// ONNX model or a TorchScript module (classifiers: classify and semi runs; 3-D segmentation runs), written atomically,
/// with the preprocessing as metadata (ONNX metadata_props; TorchScript extra file medlearn.json). Prints the inputs,
/// outputs and metadata written.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (a classify, semi or segment run).", Required = true };
        var format = new Option<string>("--format") { Description = "onnx or torchscript (torch.jit.load in Python).", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx", "torchscript");
        var output = new Option<string>("--out") { Description = "The file to write, e.g. model.onnx.", Required = true };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX opset, {OnnxExporter.MinOpset}..{OnnxExporter.MaxOpset}.",
            DefaultValueFactory = _ => OnnxExporter.DefaultOpset,
        };
        var command = new Command("export", "Export a trained run's network (ONNX or TorchScript) for deployment outside MedLearn.") { run, format, output, opset };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                var result = RunExport.Export(new RunExportOptions(parse.GetValue(run)!, parse.GetValue(output)!,
                    parse.GetValue(format) == "torchscript" ? ExportFormat.TorchScript : ExportFormat.Onnx, parse.GetValue(opset)));
                static string Dims(IReadOnlyList<object> dims) => "[" + string.Join(", ", dims.Select(d => Convert.ToString(d, CultureInfo.InvariantCulture))) + "]";
                console.MarkupLineInterpolated($"export: wrote {result.Path} ({result.Bytes / 1e6:F1} MB): {result.Kind} {result.Architecture}, {(result.Opset == 0 ? "TorchScript" : $"ONNX opset {result.Opset}")}");
                foreach (var (name, dims) in result.Inputs) console.MarkupLineInterpolated($"  input  {name} {Dims(dims)}");
                foreach (var (name, dims) in result.Outputs) console.MarkupLineInterpolated($"  output {name} {Dims(dims)}");
                foreach (var (key, value) in result.Metadata.Where(m => m.Key is not OnnxMetadataKeys.Manifest and not OnnxMetadataKeys.Network))
                    console.MarkupLineInterpolated($"  {key} = {value}");
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "export", e);
            }
        });
        return command;
    }
}
