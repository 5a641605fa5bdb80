using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Runs;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn train semi</c>: semi-supervised classification (supervised | mean-teacher | src-mt) into a new run
/// folder, with the conventions of <c>train classify</c>: defaults (method 1), then <c>--config run.yaml</c>, then
/// the flags, then <c>--set key=value</c>; live progress, Ctrl-C saves a checkpoint, <c>--resume RUN</c> continues.
/// </summary>
internal static class SemiCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Folder root/<class>/<image> or CSV manifest (path,label)." };
        var fraction = new Option<double?>("--labeled-fraction") { Description = "Fraction of each class of the training split whose labels are used, in (0, 1] (default 0.2)." };
        var method = new Option<string?>("--method") { Description = "supervised (labeled images only), mean-teacher (+ prediction consistency) or src-mt (+ relation consistency; default)." };
        var model = new Option<string?>("--model") { Description = "Backbone: densenet121 (default), resnet18, resnet50, resnet34, small-cnn." };
        var weights = new Option<string?>("--weights") { Description = "torchvision/PyTorch state_dict (.pth) to start from, e.g. ImageNet weights." };
        var weightsStrict = new Option<bool?>("--weights-strict") { Description = "true (default): --weights must fit the model (head aside); false: load the matching keys, record the rest." };
        var config = new Option<string?>("--config") { Description = "YAML file of settings (keys as in config.resolved.yaml); flags override it." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs; one epoch = one pass over the labeled images (default 100)." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of weights, split, labeled subset, batches and augmentation (default 0)." };
        var output = new Option<string?>("--out") { Description = "Folder the run folder is created in (default runs/)." };
        var name = new Option<string?>("--name") { Description = "Label in the run folder's name (default: method, fraction, model)." };
        var labeledBatch = new Option<int?>("--labeled-batch-size") { Description = "Labeled images per batch (default 12)." };
        var unlabeledBatch = new Option<int?>("--unlabeled-batch-size") { Description = "Unlabeled images per batch (default 36)." };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default 1e-4, Adam)." };
        var precision = new Option<string?>("--precision") { Description = "auto (default), fp32 or bf16." };
        var imageSize = new Option<int?>("--image-size") { Description = "Network input size (default: the model's, 224)." };
        var workers = new Option<int?>("--workers") { Description = "Background loader threads (default 2)." };
        var onError = new Option<string?>("--on-error") { Description = "Unreadable images: fail (default) or skip." };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted run folder from its last checkpoint." };
        var set = new Option<string[]>("--set") { Description = "Any setting as key=value (e.g. --set consistency-weight=10); repeatable.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("semi", "Semi-supervised classification: mean teacher with prediction and sample-relation consistency (SRC-MT).")
        {
            data, fraction, method, model, weights, weightsStrict, config, epochs, seed, output, name, labeledBatch, unlabeledBatch, lr, precision, imageSize, workers, onError, resume, set,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(resume) is { } resumeDir)
                return ResumeFlags.Refuse(parse, "train semi", command.Options.Where(o => o != resume)) ?? Execute(null, resumeDir);
            var assignments = new SettingAssignments();
            assignments.Set("data", parse.GetValue(data));
            assignments.Set("labeled-fraction", parse.GetValue(fraction));
            assignments.Set("method", parse.GetValue(method));
            assignments.Set("model", parse.GetValue(model));
            assignments.Set("weights", parse.GetValue(weights));
            assignments.Set("weights-strict", parse.GetValue(weightsStrict));
            assignments.Set("epochs", parse.GetValue(epochs));
            assignments.Set("seed", parse.GetValue(seed));
            assignments.Set("out", parse.GetValue(output));
            assignments.Set("name", parse.GetValue(name));
            assignments.Set("labeled-batch-size", parse.GetValue(labeledBatch));
            assignments.Set("unlabeled-batch-size", parse.GetValue(unlabeledBatch));
            assignments.Set("learning-rate", parse.GetValue(lr));
            assignments.Set("precision", parse.GetValue(precision));
            assignments.Set("image-size", parse.GetValue(imageSize));
            assignments.Set("workers", parse.GetValue(workers));
            assignments.Set("on-error", parse.GetValue(onError));
            assignments.AddRange(parse.GetValue(set) ?? []);
            return Execute(() =>
            {
                var defaults = new SemiSupervisedTrainingOptions();
                var fromFile = parse.GetValue(config) is { } path ? ConfigBinder.Load(path, defaults) : defaults;
                return ConfigBinder.ApplyOverrides(fromFile, assignments);
            }, null);
        });
        return command;
    }

    /// <summary>Warnings of the library (e.g. the fallback to supervised) as yellow lines.</summary>
    internal static IProgress<string> Warnings(IAnsiConsole console) =>
        new SynchronousProgress<string>(w => console.MarkupLineInterpolated($"[yellow]warning: {w}[/]"));

    private static int Execute(Func<SemiSupervisedTrainingOptions>? options, string? resumeDir) =>
        ClassificationSession.Run("train semi", (callbacks, phases, cancellation) => (options is not null
                ? SemiSupervisedTraining.Run(options(), callbacks, phases, Warnings(AnsiConsole.Console), cancellation)
                : SemiSupervisedTraining.Resume(resumeDir!, callbacks, phases, Warnings(AnsiConsole.Console), cancellation)).Classification,
            "medlearn train semi --resume {0}");
}
