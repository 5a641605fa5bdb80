using MedLearn.Data.Loading;
using MedLearn.Methods.Supervised;
using MedLearn.Models.Gmic;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Serialization;
using MedLearn.Training;

namespace MedLearn.Methods.Gmic;

/// <summary>The work behind <see cref="GmicTraining.Run"/> and <see cref="GmicTraining.Resume"/>.</summary>
internal sealed class GmicRunner(RunDirectory run, GmicTrainingOptions options, IEnumerable<ITrainingCallback>? callbacks, IProgress<RunPhase>? phases)
{
    public GmicRun Execute(ScreeningData data, bool resume, CancellationToken cancellation)
    {
        phases?.Report(RunPhase.PreparingData);
        if (!resume) ConfigWriter.Write(run.ConfigPath, options, RunProvenance.Comment(options.Seed));
        var split = GmicSetup.Split(data, options, resume ? run.SplitPath : null);
        if (!resume) Data.Datasets.SplitFile.Write(run.SplitPath, split);
        var scheme = data.Scheme;
        var outputs = scheme.Outputs;

        phases?.Report(RunPhase.BuildingModel);
        torch.ManualSeed(options.Seed);
        using var model = new GmicModel(GmicSetup.ModelOptions(options, outputs.Count));
        using var optimizer = new Adam(model.Parameters(), options.LearningRate, weightDecay: options.WeightDecay);
        var task = new GmicTask(model, options.Beta, scheme);
        var transform = GmicTraining.Transform(options, data);
        var train = new DataLoader(split.Train, transform,
            new DataLoaderOptions { BatchSize = options.BatchSize, Shuffle = true, DropLast = split.Train.Count > options.BatchSize, Seed = options.Seed, Workers = options.Workers, OnError = options.OnError });
        var val = new DataLoader(split.Val, transform,
            new DataLoaderOptions { BatchSize = options.EvalBatchSize, Workers = options.Workers, OnError = options.OnError });
        var trainerOptions = TrainerOptions.ForRun(options, run.CheckpointsDir, GmicSetup.GoalOf(options.Monitor));
        using var recorder = new RunHistoryRecorder(run);
        var trainer = new Trainer(task, optimizer, null, trainerOptions, [recorder, .. callbacks ?? []]);

        phases?.Report(RunPhase.Training);
        var result = trainer.Fit(train, val, ResumeCheckpoint.Of(run, resume), cancellation);
        var plan = PrecisionPlan.Resolve(options.Precision, Device.CPU);
        // Data parallel: only rank 0 evaluates and writes the run folder; the other ranks are done after training.
        if (result.Status is TrainingStatus.Cancelled or TrainingStatus.Diverged || !trainer.IsCheckpointWriter) return new GmicRun(run, result, null);

        if (result.BestCheckpoint is { } best)
        {
            using var scope = DisposeScope.Open();
            model.LoadStateDict(Checkpoint.Load(best).Model);
        }
        model.SaveStateDictToFile(Path.Combine(run.Path, GmicManifest.WeightsFileName));
        new GmicManifest(outputs, options.ImageHeight, options.ImageWidth, options.TopTPercent, options.Patches, options.CropSize, options.Preprocessing, options.Seed)
        { NegativeClass = scheme.NegativeClass, TargetColumns = scheme.IsMultiLabel ? outputs : null }
            .Write(Path.Combine(run.Path, GmicManifest.FileName));

        phases?.Report(RunPhase.Evaluating);
        var evaluated = split.Test.Count > 0 ? split.Test : split.Val;
        var splitName = split.Test.Count > 0 ? "test" : "val";
        var predictions = GmicEvaluator.Predict(plan.Apply(model), evaluated, plan, transform, scheme, options.ImageHeight, options.ImageWidth, options.EvalBatchSize,
            options.Workers, options.OnError, options.DiceThreshold, cancellation: cancellation);

        phases?.Report(RunPhase.WritingReport);
        var seed = (int)(options.Seed % int.MaxValue);
        var settings = new GmicExamSummaryBuilder.Settings(options.MissingViews, options.ReaderLambda, options.ReaderOutput, options.BootstrapSamples, seed);
        var breasts = GmicExamSummaryBuilder.Breasts(predictions, data, options.MissingViews);
        var summary = new GmicSummary(splitName, predictions.Count,
            GmicSummaryBuilder.Outputs(predictions, outputs, options.BootstrapSamples, seed),
            GmicSummaryBuilder.Localisation(predictions, options.DiceThreshold), plan.Reason, TrainingSummary.From(result, options.Monitor))
        {
            Breasts = GmicExamSummaryBuilder.BreastMetrics(breasts, outputs, settings),
            Hybrid = GmicExamSummaryBuilder.Hybrid(predictions, data, breasts, outputs, settings),
        };
        MetricsFile.Write(run.MetricsPath, summary);
        GmicPredictionsFile.Write(run.PredictionsPath, predictions, outputs);
        if (breasts is { } b) BreastPredictionsFile.Write(Path.Combine(run.Path, BreastPredictionsFile.FileName), b.Breasts, outputs);
        GmicReport.Rebuild(run, refreshCases: true, cancellation);
        return new GmicRun(run, result, summary);
    }
}
