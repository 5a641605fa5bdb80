using System.Diagnostics;
using MedLearn.Data.Loading;
using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Profiler;
using MedLearn.Torch.Serialization;
using MedLearn.Training;

namespace MedLearn.Profiling;

/// <summary>Builds the model, runs the warm-up and the profiled steps of <see cref="ModelProfiler.Profile"/>.</summary>
internal sealed class ModelProfileRunner(ModelProfileOptions options, IProgress<ModelProfileProgress>? progress, CancellationToken cancellation)
{
    public ModelProfileResult Run()
    {
        torch.ManualSeed(options.Seed);
        var (model, architecture, inChannels, defaultSize, classes) = CreateModel();
        var size = options.Size ?? defaultSize;
        using var data = DisposeScope.Open();
        var input = torch.Randn(options.Batch, inChannels, size, size);
        return options.Mode == ProfileMode.Infer
            ? ProfileInference(model, architecture, input, size)
            : ProfileTraining(model, architecture, input, size, classes);
    }

    private (ImageClassifier Model, string Architecture, int InChannels, int Size, int Classes) CreateModel()
    {
        if (options.Model is { } name)
        {
            var info = ModelRegistry.Info(name);
            return (ModelRegistry.Create(info.Name, options.Classes), info.Name, 3, info.InputSize, options.Classes);
        }
        var (manifest, weights) = ClassifierRunFiles.Locate(options.Run!);
        var model = ClassifierRunFiles.CreateNetwork(manifest, weights);
        return (model, manifest.Architecture, manifest.InChannels, manifest.ImageSize, manifest.Classes.Count);
    }

    private ModelProfileResult ProfileInference(ImageClassifier model, string architecture, Tensor input, int size)
    {
        using var inference = InferenceModel.Prepare(model, options.Precision);
        var plan = $"{inference.Plan.Reason}; {inference.FoldedPairs} conv/BN pairs folded; weights {inference.WeightDType?.ToString() ?? "Float32"}; inference mode";
        var low = inference.WeightDType?.ToString() ?? inference.Plan.AutocastDType?.ToString();
        return Profile(architecture, size, plan, inference.Plan.MemoryFormat == MemoryFormat.ChannelsLast, low, () =>
        {
            using var scope = DisposeScope.Open();
            inference.Forward(input);
        });
    }

    private ModelProfileResult ProfileTraining(ImageClassifier model, string architecture, Tensor input, int size, int classes)
    {
        using var owned = model;
        var labels = torch.Randint(0, classes, [options.Batch]);
        var plan = PrecisionPlan.Resolve(options.Precision, Device.CPU, spatialDims: 2);
        // As the trainer does: plan applied to the model, the supervised task's step under the plan's autocast,
        // ZeroGrad, (scaled) backward, optimiser step with the training defaults (SGD, lr 1e-3, momentum 0.9).
        model.Train();
        plan.Apply(model);
        var task = new SupervisedClassificationTask(model, classes);
        task.Prepare(new TrainingContext(plan, options.Seed, 1));
        var defaults = new ClassificationTrainingOptions();
        using var sgd = new SGD(model.Parameters(), defaults.LearningRate, defaults.Momentum, weightDecay: defaults.WeightDecay);
        using var scaler = new GradScaler(enabled: plan.NeedsGradScaler);
        var step = 0;
        return Profile(architecture, size, $"{plan.Reason}; SGD momentum {defaults.Momentum}", plan.MemoryFormat == MemoryFormat.ChannelsLast, plan.AutocastDType?.ToString(), () =>
        {
            using var scope = DisposeScope.Open();
            // Not disposed: a batch owns its tensors, and the input and labels are reused by every step.
            var batch = new Batch([input], [null], labels, [.. Enumerable.Range(0, options.Batch).Select(i => (long)i)],
                [.. Enumerable.Repeat("", options.Batch)], [options.Batch], epoch: 0, number: step);
            TrainStepOutput output;
            using (plan.Autocast()) output = task.TrainStep(batch, new StepInfo(0, step, 1, step, 1));
            output.Loss.ToDouble();
            foreach (var log in output.Logs?.Values ?? []) log.ToDouble();
            sgd.ZeroGrad();
            scaler.Scale(output.Loss).Backward();
            scaler.Step(sgd);
            scaler.Update();
            step++;
        });
    }

    private ModelProfileResult Profile(string architecture, int size, string plan, bool channelsLast, string? lowPrecision, Action step)
    {
        for (var i = 0; i < options.Warmup; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            step();
            progress?.Report(new ModelProfileProgress("warm-up", i + 1, options.Warmup));
        }
        var times = new List<double>(options.Steps);
        IReadOnlyList<ProfilerEvent> events;
        long traceStart;
        using (var session = ProfilerSession.Start(options.RecordShapes))
        {
            for (var i = 0; i < options.Steps; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var t0 = Stopwatch.GetTimestamp();
                step();
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                progress?.Report(new ModelProfileProgress("profile", i + 1, options.Steps));
            }
            events = session.Stop();
            traceStart = session.TraceStartNanoseconds;
        }
        return new ModelProfileResult(architecture, options.Mode, options.Batch, size, options.Steps, torch.NumThreads, plan, channelsLast, lowPrecision,
            events, traceStart, OpAggregation.KeyAverages(events), times);
    }
}
