using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Export;
using MedLearn.Export.Onnx;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn export --run RUN --format onnx --out model.onnx [--opset N]</c>: the run's trained network as an ONNX
/// model (classifiers: classify and semi runs; 3-D segmentation runs), written atomically, with the preprocessing as
/// metadata. Prints the inputs, outputs and metadata written.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (a classify, semi or segment run).", Required = true };
        var format = new Option<string>("--format") { Description = "onnx (torchscript is explained, not written: docs/models.md, \"Exporting and deploying\").", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx", "torchscript");
        var output = new Option<string>("--out") { Description = "The file to write, e.g. model.onnx.", Required = true };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX opset, {OnnxExporter.MinOpset}..{OnnxExporter.MaxOpset}.",
            DefaultValueFactory = _ => OnnxExporter.DefaultOpset,
        };
        var command = new Command("export", "Export a trained run's network (ONNX) for deployment outside MedLearn.") { run, format, output, opset };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                if (parse.GetValue(format) == "torchscript")
                    throw new NotSupportedException("--format torchscript: libtorch's C++ API cannot write TorchScript for MedLearn's modules (no C++ tracer; "
                        + "it only compiles TorchScript source), so MedLearn exports ONNX; model.pt loads into the torchvision architecture in Python for torch.jit.script "
                        + "(docs/models.md, \"Exporting and deploying\")");
                var result = RunExport.Export(new RunExportOptions(parse.GetValue(run)!, parse.GetValue(output)!, ExportFormat.Onnx, parse.GetValue(opset)));
                static string Dims(IReadOnlyList<object> dims) => "[" + string.Join(", ", dims.Select(d => Convert.ToString(d, CultureInfo.InvariantCulture))) + "]";
                console.MarkupLineInterpolated($"export: wrote {result.Path} ({result.Bytes / 1e6:F1} MB): {result.Kind} {result.Architecture}, ONNX opset {result.Opset}");
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
