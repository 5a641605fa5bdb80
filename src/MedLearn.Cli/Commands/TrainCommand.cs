using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn train classify</c>: supervised transfer-learning classification into a new run folder. Settings
/// come from the defaults (method 5's recipe), then <c>--config run.yaml</c>, then the flags, then
/// <c>--set key=value</c> pairs; the result is written to config.resolved.yaml.
/// </summary>
internal static class TrainCommand
{
    public static Command Create() => new("train", "Train a model (a new run folder per run, never overwritten).")
    {
        CreateClassify(),
        SemiCommand.Create(),
        GmicCommand.Create(),
        SegmentCommand.CreateTrain(),
    };

    private static Command CreateClassify()
    {
        var data = new Option<string?>("--data") { Description = "Folder root/<class>/<image> or CSV manifest (path,label)." };
        var model = new Option<string?>("--model") { Description = "Architecture: resnet18, resnet34, resnet50 (default), densenet121, small-cnn." };
        var weights = new Option<string?>("--weights") { Description = "torchvision/PyTorch state_dict (.pth) to start from, e.g. ImageNet weights." };
        var weightsStrict = new Option<bool?>("--weights-strict") { Description = "true (default): --weights must fit the model (head aside); false: load the matching keys, record the rest." };
        var config = new Option<string?>("--config") { Description = "YAML file of settings (keys as in config.resolved.yaml); flags override it." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default 25)." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of weights, split, data order and augmentation (default 0)." };
        var output = new Option<string?>("--out") { Description = "Folder the run folder is created in (default runs/)." };
        var name = new Option<string?>("--name") { Description = "Label in the run folder's name (default: the model)." };
        var batch = new Option<int?>("--batch-size") { Description = "Training batch size (default 16); with --nproc N the global batch, split over the processes." };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default 0.001)." };
        var precision = new Option<string?>("--precision") { Description = "auto (default: channels-last + bf16 where the CPU has it), fp32 or bf16." };
        var imageSize = new Option<int?>("--image-size") { Description = "Network input size (default: the model's, 224)." };
        var workers = new Option<int?>("--workers") { Description = "Background loader threads (default 2)." };
        var onError = new Option<string?>("--on-error") { Description = "Unreadable images: fail (default) or skip." };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted run folder from its last checkpoint." };
        var set = new Option<string[]>("--set") { Description = "Any setting as key=value (e.g. --set scheduler=cosine); repeatable.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("classify", "Supervised (transfer-learning) image classification.")
        {
            data, model, weights, weightsStrict, config, epochs, seed, output, name, batch, lr, precision, imageSize, workers, onError, resume, set,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(resume) is { } resumeDir)
                return ResumeFlags.Refuse(parse, "train classify", command.Options.Where(o => o != resume)) ?? Execute(null, resumeDir);
            var assignments = new SettingAssignments();
            assignments.Set("data", parse.GetValue(data));
            assignments.Set("model", parse.GetValue(model));
            assignments.Set("weights", parse.GetValue(weights));
            assignments.Set("weights-strict", parse.GetValue(weightsStrict));
            assignments.Set("epochs", parse.GetValue(epochs));
            assignments.Set("seed", parse.GetValue(seed));
            assignments.Set("out", parse.GetValue(output));
            assignments.Set("name", parse.GetValue(name));
            assignments.Set("batch-size", parse.GetValue(batch));
            assignments.Set("learning-rate", parse.GetValue(lr));
            assignments.Set("precision", parse.GetValue(precision));
            assignments.Set("image-size", parse.GetValue(imageSize));
            assignments.Set("workers", parse.GetValue(workers));
            assignments.Set("on-error", parse.GetValue(onError));
            assignments.AddRange(parse.GetValue(set) ?? []);
            return Execute(() =>
            {
                var defaults = new ClassificationTrainingOptions();
                var fromFile = parse.GetValue(config) is { } path ? ConfigBinder.Load(path, defaults) : defaults;
                return ConfigBinder.ApplyOverrides(fromFile, assignments);
            }, null);
        });
        return command;
    }

    internal static string Quote<T>(T value) => value switch
    {
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value!.ToString()!,
    };

    /// <summary>Runs (or resumes) with a live display; Ctrl-C saves a checkpoint and stops.</summary>
    private static int Execute(Func<ClassificationTrainingOptions>? options, string? resumeDir) =>
        ClassificationSession.Run("train classify", (callbacks, phases, cancellation) => options is not null
            ? ClassificationTraining.Run(options(), callbacks, phases, cancellation)
            : ClassificationTraining.Resume(resumeDir!, callbacks, phases, cancellation),
            "medlearn train classify --resume {0}");
}
