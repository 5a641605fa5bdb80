using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.Segmentation;
using MedLearn.Models.Segmentation;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn train segment</c> (semi-supervised 3-D segmentation: ugmcl, mean-teacher, supervised) and
/// <c>medlearn segment predict|evaluate</c> (whole volumes with a trained run's network).
/// </summary>
internal static class SegmentCommand
{
    public static Command CreateTrain()
    {
        var data = new Option<string>("--data") { Description = "Folder with imagesTr/ and labelsTr/ (as 'data synth volume' writes) or CSV image,mask (not with --resume)." };
        var labeled = new Option<int>("--labeled") { Description = "Labeled training volumes (the other training volumes are used without labels).", DefaultValueFactory = _ => 4 };
        var method = new Option<string>("--method") { Description = "ugmcl (default), mean-teacher or supervised.", DefaultValueFactory = _ => "ugmcl" };
        var test = new Option<int>("--test") { Description = "Held-out test volumes evaluated after training (default 4).", DefaultValueFactory = _ => 4 };
        var iterations = new Option<int>("--iterations") { Description = "Optimiser steps (default 6000).", DefaultValueFactory = _ => 6000 };
        var patch = new Option<string>("--patch") { Description = "Training patch D,H,W (default 80,112,112).", DefaultValueFactory = _ => "80,112,112" };
        var stride = new Option<string?>("--window-stride") { Description = "Sliding-window stride D,H,W for the evaluation (default 4,18,18)." };
        var blending = new Option<string>("--blending") { Description = "Sliding-window blending: constant (default) or gaussian.", DefaultValueFactory = _ => "constant" };
        var model = new Option<string>("--model") { Description = "Network: vnet (default; dual-task for ugmcl) or unet3d (3-D U-Net baseline, no distance head).", DefaultValueFactory = _ => "vnet" };
        var filters = new Option<int?>("--filters") { Description = "Base filters (default 16 for the V-Net, 32 for unet3d)." };
        var depth = new Option<int?>("--depth") { Description = "Down-sampling steps (default 4 for the V-Net, 3 for unet3d)." };
        var norm = new Option<string>("--norm") { Description = "unet3d normalisation: batch (default), instance or none.", DefaultValueFactory = _ => "batch" };
        var batchLabeled = new Option<int>("--labeled-batch") { Description = "Labeled patches per batch (default 2).", DefaultValueFactory = _ => 2 };
        var batchUnlabeled = new Option<int>("--unlabeled-batch") { Description = "Unlabeled patches per batch (default 2).", DefaultValueFactory = _ => 2 };
        var lr = new Option<double>("--lr") { Description = "SGD learning rate (default 0.01).", DefaultValueFactory = _ => 0.01 };
        var lrStep = new Option<int>("--lr-step") { Description = "Iterations between x0.1 learning-rate decays (default 2500).", DefaultValueFactory = _ => 2500 };
        var passes = new Option<int>("--uncertainty-passes") { Description = "T: teacher passes for the uncertainty (default 8).", DefaultValueFactory = _ => 8 };
        var rampUp = new Option<double>("--rampup") { Description = "R: consistency ramp-up length in units of 150 iterations (default 40).", DefaultValueFactory = _ => 40 };
        var noUncertainty = new Option<bool>("--no-uncertainty") { Description = "Ablation: unmasked intra-task consistency." };
        var noCross = new Option<bool>("--no-cross-task") { Description = "Ablation: no cross-task consistency." };
        var noSdf = new Option<bool>("--no-sdf-head") { Description = "Ablation: no signed-distance head (no SDF loss, no cross-task term)." };
        var lcc = new Option<bool>("--largest-component") { Description = "Keep the largest connected component of the prediction." };
        var labelMap = LabelMapOption();
        var seed = new Option<ulong>("--seed") { Description = "Seed of weights, split, sampling and augmentation (default 0).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Folder the run folder is created in (default runs/).", DefaultValueFactory = _ => "runs" };
        var name = new Option<string?>("--name") { Description = "Label in the run folder's name (default: the method)." };
        var checkpointEvery = new Option<int>("--checkpoint-every")
        {
            Description = $"Write the resume checkpoint about every N iterations (default {SegmentationTrainingOptions.DefaultCheckpointEveryIterations}; a cancelled run saves where it stopped).",
            DefaultValueFactory = _ => SegmentationTrainingOptions.DefaultCheckpointEveryIterations,
        };
        var workers = new Option<int>("--workers") { Description = "Background loader threads (default 0).", DefaultValueFactory = _ => 0 };
        var val = new Option<int>("--val") { Description = "Validation volumes (sliding-window Dice every --val-every iterations; best checkpoints by it). Default 0 = none.", DefaultValueFactory = _ => 0 };
        var valEvery = new Option<int>("--val-every") { Description = "Iterations between validations (default 200; rounded up to whole passes over the labeled volumes).", DefaultValueFactory = _ => 200 };
        var keepBest = new Option<int>("--keep-best") { Description = "Best checkpoints kept (by validation Dice; default 3).", DefaultValueFactory = _ => 3 };
        var sdfPerPatch = new Option<bool>("--sdf-per-patch") { Description = "Compute the ground-truth SDF per patch, normalised per patch (the reference code's form); default: per volume, cached." };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted run folder from its last.pt (all other options come from the run)." };
        var command = new Command("segment", "Semi-supervised 3-D segmentation (UG-MCL, mean teacher, supervised V-Net).")
        {
            data, labeled, method, test, iterations, patch, stride, blending, model, filters, depth, norm, batchLabeled, batchUnlabeled, lr, lrStep,
            passes, rampUp, noUncertainty, noCross, noSdf, lcc, labelMap, seed, output, name, workers, val, valEvery, keepBest, sdfPerPatch, checkpointEvery, resume,
        };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            using var signals = new StopSignals(console, "stopping after the current iteration (saving checkpoints/last.pt)...");
            try
            {
                if (parse.GetValue(resume) is { } resumeRun)
                    return ResumeFlags.Refuse(parse, "train segment", command.Options.Where(o => o != resume)) ?? Finish(console, SegmentationTraining.Resume(resumeRun, [new SegmentationProgress(Console.Error, 0)], signals.Token));
                if (parse.GetValue(data) is null) throw new ArgumentException("--data is required (or --resume RUN)");
                var m = ParseMethod(parse.GetValue(method)!);
                var patchSize = Ints(parse.GetValue(patch)!, "--patch");
                var options = new SegmentationTrainingOptions
                {
                    Data = parse.GetValue(data)!, Labeled = parse.GetValue(labeled), Method = m, TestCount = parse.GetValue(test),
                    Iterations = parse.GetValue(iterations), PatchSize = patchSize, LabeledBatchSize = parse.GetValue(batchLabeled),
                    UnlabeledBatchSize = m == SegmentationMethod.Supervised ? 0 : parse.GetValue(batchUnlabeled),
                    LearningRate = parse.GetValue(lr), LearningRateStep = parse.GetValue(lrStep), Seed = parse.GetValue(seed),
                    Output = parse.GetValue(output)!, Name = parse.GetValue(name), Workers = parse.GetValue(workers),
                    LargestComponent = parse.GetValue(lcc), CheckpointEveryIterations = parse.GetValue(checkpointEvery),
                    LabelMap = parse.GetValue(labelMap) is { } map ? Data.Transforms.LabelMap.Parse(map) : null,
                    Architecture = ParseModel(parse.GetValue(model)!),
                    Network = new VNetOptions { BaseFilters = parse.GetValue(filters) ?? 16, Depth = parse.GetValue(depth) ?? 4, DistanceHead = !parse.GetValue(noSdf) },
                    UNet3d = new UNet3dOptions { BaseFilters = parse.GetValue(filters) ?? 32, Depth = parse.GetValue(depth) ?? 3, Norm = ParseNorm(parse.GetValue(norm)!) },
                    ValidationCount = parse.GetValue(val), ValidateEvery = parse.GetValue(valEvery), KeepBest = parse.GetValue(keepBest),
                    DistancePerPatch = parse.GetValue(sdfPerPatch),
                    Losses = new UgMclSettings
                    {
                        UncertaintyPasses = parse.GetValue(passes), ConsistencyRampUp = parse.GetValue(rampUp),
                        UseUncertainty = !parse.GetValue(noUncertainty), UseCrossTask = !parse.GetValue(noCross),
                    },
                    Window = new SlidingWindowOptions
                    {
                        PatchSize = patchSize, Stride = parse.GetValue(stride) is { } s ? Ints(s, "--window-stride") : [4, 18, 18],
                        Blending = ParseBlending(parse.GetValue(blending)!),
                    },
                };
                return Finish(console, SegmentationTraining.Run(options, [new SegmentationProgress(Console.Error, options.Iterations)], signals.Token));
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "train segment", e);
            }
        });
        return command;
    }

    private static int Finish(IAnsiConsole console, SegmentationRun result)
    {
        if (result.Training.Status == Training.TrainingStatus.Cancelled)
        {
            console.MarkupLineInterpolated($"[yellow]stopped after {result.Iterations} iterations; continue with: medlearn train segment --resume {result.Run.Path}[/]");
            return 130;
        }
        if (result.Training.Status == Training.TrainingStatus.Diverged)
        {
            console.MarkupLineInterpolated($"[red]{result.Training.Message}[/]");
            return 1;
        }
        var dice = SegmentationEvaluation.MeanSd(result.TestCases.Select(c => c.Metrics.Dice));
        var hd = SegmentationEvaluation.MeanSd(result.TestCases.Select(c => c.Metrics.Hd95Mm));
        // Undefined values (the sd of fewer than two cases; distances when every case has an empty mask) read "n/a",
        // as in the report, rather than NaN.
        static string Value(double value, string format) => double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"run: [bold]{result.Run.Path}[/]  iterations {result.Iterations}  test Dice {Value(dice.Mean, "0.0000")} ± {Value(dice.Sd, "0.0000")}  HD95 {Value(hd.Mean, "0.00")} ± {Value(hd.Sd, "0.00")} mm ({result.TestCases.Count} cases, {SegmentationTraining.CasesFileName}, report.html)");
        return 0;
    }

    /// <summary><c>medlearn segment predict|evaluate</c>.</summary>
    public static Command CreateTools()
    {
        var run = new Option<string>("--run") { Description = "Run folder of 'train segment' (network.json + model.pt).", Required = true };
        var input = new Option<string[]>("--input") { Description = "Volumes (NIfTI files or DICOM series folders).", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Output folder for <case>.nii.gz (created).", Required = true };
        var patch = new Option<string>("--patch") { Description = "Window D,H,W (default 80,112,112).", DefaultValueFactory = _ => "80,112,112" };
        var stride = new Option<string>("--window-stride") { Description = "Window stride D,H,W (default 4,18,18).", DefaultValueFactory = _ => "4,18,18" };
        var blending = new Option<string>("--blending") { Description = "constant (default) or gaussian.", DefaultValueFactory = _ => "constant" };
        var lcc = new Option<bool>("--largest-component") { Description = "Keep the largest connected component." };
        var probabilities = new Option<bool>("--probabilities") { Description = "Also write <case>_probabilities.nii.gz." };
        var uncertainty = new Option<bool>("--uncertainty") { Description = "Also write <case>_uncertainty.nii.gz (predictive entropy)." };
        var predict = new Command("predict", "Segment volumes; labels written as NIfTI with the input's geometry.")
        {
            run, input, output, patch, stride, blending, lcc, probabilities, uncertainty,
        };
        predict.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                using var net = SegmentationTraining.LoadNetwork(parse.GetValue(run)!);
                var window = Window(parse.GetValue(patch)!, parse.GetValue(stride)!, parse.GetValue(blending)!);
                var outDir = parse.GetValue(output)!;
                Directory.CreateDirectory(outDir);
                foreach (var path in parse.GetValue(input)!)
                {
                    using var scope = Torch.DisposeScope.Open();
                    using var image = Data.Readers.ImageReader.Read(path);
                    var prediction = VolumeSegmenter.Predict(x => net.Forward(x), image.Data, window, parse.GetValue(lcc));
                    var caseName = SegmentationEvaluation.CaseName(path);
                    VolumeSegmenter.Write(prediction, image.Meta, Path.Combine(outDir, caseName + ".nii.gz"),
                        parse.GetValue(probabilities) ? Path.Combine(outDir, caseName + "_probabilities.nii.gz") : null,
                        parse.GetValue(uncertainty) ? Path.Combine(outDir, caseName + "_uncertainty.nii.gz") : null);
                    console.MarkupLineInterpolated($"{path} -> [bold]{Path.Combine(outDir, caseName + ".nii.gz")}[/]");
                }
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "segment predict", e);
            }
        });

        var data = new Option<string>("--data") { Description = "Folder with imagesTr/ + labelsTr/ or CSV image,mask.", Required = true };
        var csv = new Option<string>("--csv") { Description = "Per-case metrics CSV to write.", Required = true };
        var evalLabelMap = LabelMapOption();
        var evaluate = new Command("evaluate", "Per-case Dice, Jaccard, HD95, ASD, ASSD (mm and voxels) with mean and sd.")
        {
            run, data, csv, patch, stride, blending, lcc, evalLabelMap,
        };
        evaluate.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                using var net = SegmentationTraining.LoadNetwork(parse.GetValue(run)!);
                var window = Window(parse.GetValue(patch)!, parse.GetValue(stride)!, parse.GetValue(blending)!);
                var source = parse.GetValue(data)!;
                var map = parse.GetValue(evalLabelMap) is { } m ? Data.Transforms.LabelMap.Parse(m) : null;
                var dataset = File.Exists(source) ? Data.Datasets.VolumeDataset.FromCsv(source) : Data.Datasets.VolumeDataset.FromDecathlon(source);
                var cases = dataset.Items.Where(i => i.MaskPath is not null)
                    .Select(i => SegmentationEvaluation.EvaluateCase(x => net.Forward(x), (int)net.Classes, i.Path, i.MaskPath!, window, parse.GetValue(lcc), labelMap: map))
                    .ToList();
                SegmentationEvaluation.WriteCsv(parse.GetValue(csv)!, cases);
                var dice = SegmentationEvaluation.MeanSd(cases.Select(c => c.Metrics.Dice));
                var hd = SegmentationEvaluation.MeanSd(cases.Select(c => c.Metrics.Hd95Mm));
                console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                    $"{cases.Count} cases: Dice {dice.Mean:0.0000} ± {dice.Sd:0.0000}  HD95 {hd.Mean:0.00} ± {hd.Sd:0.00} mm -> [bold]{parse.GetValue(csv)}[/]");
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "segment evaluate", e);
            }
        });
        return new Command("segment", "Segment, evaluate or explain volumes with a trained 'train segment' run.") { predict, evaluate, CreateExplain(run) };
    }

    /// <summary><c>medlearn segment explain</c>: 3-D Grad-CAM of a trained run's network on one volume.</summary>
    private static Command CreateExplain(Option<string> run)
    {
        var input = new Option<string>("--input") { Description = "Volume to explain (NIfTI file or DICOM series folder).", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder for <case>_gradcam.nii.gz and <case>_gradcam.png (created).", Required = true };
        var layer = new Option<string?>("--layer") { Description = "Activation to explain (default: the network's last block; an unknown name lists them)." };
        var target = new Option<int>("--class") { Description = "Target class (default 1, the first foreground class).", DefaultValueFactory = _ => 1 };
        var method = new Option<string>("--method") { Description = "gradcam (default) or gradcam++.", DefaultValueFactory = _ => "gradcam" };
        var slices = new Option<int>("--slices") { Description = "Axial slices in the PNG montage (default 6).", DefaultValueFactory = _ => 6 };
        var explain = new Command("explain", "3-D Grad-CAM for a class: score = sum of the class logits inside the predicted mask; NIfTI volume + PNG montage.")
        {
            run, input, output, layer, target, method, slices,
        };
        explain.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                if (parse.GetValue(slices) < 1) throw new ArgumentException("--slices: must be >= 1");
                var camMethod = parse.GetValue(method)!.ToLowerInvariant() switch
                {
                    "gradcam" => Explain.CamMethod.GradCam,
                    "gradcam++" => Explain.CamMethod.GradCamPlusPlus,
                    var m => throw new ArgumentException($"--method: unknown '{m}' (gradcam, gradcam++)"),
                };
                using var net = SegmentationTraining.LoadNetwork(parse.GetValue(run)!);
                var path = parse.GetValue(input)!;
                using var scope = Torch.DisposeScope.Open();
                using var image = Data.Readers.ImageReader.Read(path);
                if (image.Data.Dim != 4) throw new InvalidDataException($"{path}: expected a 3-D volume, got shape [{string.Join(", ", image.Data.Shape)}]");
                var cam = Explain.SegmentationGradCam.Compute(net, VolumeSegmenter.ZScore(image.Data),
                    new Explain.SegmentationGradCamOptions { Layer = parse.GetValue(layer), TargetClass = parse.GetValue(target), Method = camMethod });
                var outDir = parse.GetValue(output)!;
                Directory.CreateDirectory(outDir);
                var caseName = SegmentationEvaluation.CaseName(path);
                var niftiPath = Path.Combine(outDir, caseName + "_gradcam.nii.gz");
                var pngPath = Path.Combine(outDir, caseName + "_gradcam.png");
                var meta = image.Meta with { BitsStored = 32, RescaleSlope = 1, RescaleIntercept = 0, WindowCenter = null, WindowWidth = null, VoiLut = null, VoiLutFunction = null };
                Data.Writers.NiftiWriter.Write(cam.Map.Unsqueeze(0), meta, niftiPath);
                var display = image.Data.Narrow(0, 0, 1).To(Torch.DType.Float32);
                var (lo, hi) = (display.Min().ToDouble(), display.Max().ToDouble());
                display = hi > lo ? (display - lo) / (hi - lo) : display * 0;
                var montageSlices = Explain.SaliencyOverlay.MontageSlices(cam.Map, parse.GetValue(slices));
                Data.Writers.PngWriter.Write(Explain.SaliencyOverlay.RenderMontage(display, cam.Map, montageSlices), pngPath);
                console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                    $"layer {cam.Layer}, class {cam.TargetClass}: {cam.MaskVoxels} voxels predicted, score {cam.Score:0.###}{(cam.AllZero ? " (map all zero: no evidence)" : "")}");
                console.MarkupLineInterpolated($"-> [bold]{niftiPath}[/], [bold]{pngPath}[/] (axial slices {string.Join(", ", montageSlices)})");
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "segment explain", e);
            }
        });
        return explain;
    }

    private static Option<string?> LabelMapOption() => new("--label-map")
    {
        Description = "Map label-file values to classes, e.g. 0:0,1:1,2:1 (every value present must be listed; default: values must be 0..K-1).",
    };

    private static SlidingWindowOptions Window(string patch, string stride, string blending) =>
        new() { PatchSize = Ints(patch, "--patch"), Stride = Ints(stride, "--window-stride"), Blending = ParseBlending(blending) };

    private static SegmentationMethod ParseMethod(string s) => s.ToLowerInvariant() switch
    {
        "ugmcl" or "ug-mcl" => SegmentationMethod.UgMcl,
        "mean-teacher" or "meanteacher" => SegmentationMethod.MeanTeacher,
        "supervised" => SegmentationMethod.Supervised,
        _ => throw new ArgumentException($"--method: unknown '{s}' (ugmcl, mean-teacher, supervised)"),
    };

    private static string ParseModel(string s) => s.ToLowerInvariant() switch
    {
        "vnet" or "dual-vnet" => "vnet",
        SegmentationModelRegistry.UNet3dName or "unet" => SegmentationModelRegistry.UNet3dName,
        _ => throw new ArgumentException($"--model: unknown '{s}' (vnet, unet3d)"),
    };

    private static UNet3dNorm ParseNorm(string s) => s.ToLowerInvariant() switch
    {
        "batch" => UNet3dNorm.Batch,
        "instance" => UNet3dNorm.Instance,
        "none" => UNet3dNorm.None,
        _ => throw new ArgumentException($"--norm: unknown '{s}' (batch, instance, none)"),
    };

    private static WindowBlending ParseBlending(string s) => s.ToLowerInvariant() switch
    {
        "constant" => WindowBlending.Constant,
        "gaussian" => WindowBlending.Gaussian,
        _ => throw new ArgumentException($"--blending: unknown '{s}' (constant, gaussian)"),
    };

    private static int[] Ints(string s, string option)
    {
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0))
            throw new ArgumentException($"{option}: expected three positive integers D,H,W, got '{s}'");
        return [.. parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
    }
}
