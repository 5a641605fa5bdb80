using System.Collections;
using System.Diagnostics;
using MedLearn.Data.Loading;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Distributed;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Serialization;

namespace MedLearn.Training;

/// <summary>
/// The training spine every method reuses: epochs over a loader, a precision plan (default
/// <see cref="Precision.Auto"/>), backward, optional gradient clipping and loss scaling, optimiser and
/// learning-rate schedule steps, validation, best-k and last checkpoints, early stopping, exact resume,
/// divergence (NaN/inf loss) and cancellation handling. What is trained and how the loss is computed is the
/// <see cref="ITrainingTask"/>'s business.
/// </summary>
/// <remarks>
/// <para><b>Checkpoints.</b> <c>last.pt</c> (in <see cref="TrainerOptions.CheckpointDirectory"/>) holds the model, the
/// auxiliary modules, the optimiser, the schedule, the gradient scaler, the default RNG and the trainer's own
/// position; it is written atomically after every epoch (every <see cref="TrainerOptions.CheckpointEveryEpochs"/> epochs, and every N steps, or on cancellation, with the batch
/// position), so a killed run resumes from the last one written and — because the loaders' batches are a pure
/// function of (seed, epoch) — continues bit for bit as if it had never stopped. Best checkpoints
/// <c>best-epochNNN.pt</c> hold the model weights of the k best epochs by <see cref="TrainerOptions.MonitorMetric"/>.</para>
/// <para><b>Divergence.</b> A NaN or infinite loss stops the run before its backward pass; nothing is written after the
/// last good checkpoint, and the result's message says where it happened and what was kept.</para>
/// <para><b>Memory.</b> Each step and each validation batch runs in its own dispose scope; nothing a step creates
/// outlives it.</para>
/// </remarks>
public sealed class Trainer
{
    /// <summary>File name of the resume checkpoint.</summary>
    public const string LastCheckpointName = "last.pt";

    private readonly ITrainingTask _task;
    private readonly Optimizer _optimizer;
    private readonly LearningRateSchedule? _schedule;
    private readonly TrainerOptions _options;
    private readonly ITrainingCallback[] _callbacks;
    private PrecisionPlan? _plan;
    private readonly DataParallel? _parallel;
    private OverlappedGradientSync? _overlapped;

    /// <summary>A trainer for <paramref name="task"/> with <paramref name="optimizer"/> over its trainable parameters.</summary>
    /// <param name="task">The method: model(s), training loss, validation.</param>
    /// <param name="optimizer">Optimiser over the parameters to train.</param>
    /// <param name="schedule">Learning-rate schedule, or null for a constant rate.</param>
    /// <param name="options">Settings (validated here).</param>
    /// <param name="callbacks">Observers of progress (progress bars, history files).</param>
    public Trainer(ITrainingTask task, Optimizer optimizer, LearningRateSchedule? schedule, TrainerOptions options, IEnumerable<ITrainingCallback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _task = task;
        _optimizer = optimizer;
        _schedule = schedule;
        _options = options;
        _callbacks = callbacks?.ToArray() ?? [];
        _parallel = options.DistributedGroup is { WorldSize: > 1 } group ? new DataParallel(group, options.GradientBucketBytes) : null;
    }

    /// <summary>Whether this process writes checkpoints (always, except on ranks other than 0 of a data-parallel run).</summary>
    public bool IsCheckpointWriter => _parallel?.IsWriter ?? true;

    /// <summary>The settings.</summary>
    public TrainerOptions Options => _options;

    /// <summary>Path of last.pt, or null without a checkpoint folder.</summary>
    public string? LastCheckpointPath => _options.CheckpointDirectory is { } d ? Path.Combine(d, LastCheckpointName) : null;

    /// <summary>
    /// Trains for <see cref="TrainerOptions.Epochs"/> epochs (or what is left of them after a resume).
    /// </summary>
    /// <param name="train">Training batches (its epoch enumeration must be a function of the epoch, as <see cref="DataLoader"/>'s is).</param>
    /// <param name="validation">Validation batches, or null (then "val_*" metrics are absent).</param>
    /// <param name="resumeFrom">A last.pt to continue from, or null to start fresh.</param>
    /// <param name="cancellation">Cancels at the next batch boundary, after saving last.pt at that position.</param>
    /// <returns>How the run ended (a divergence is a result, not an exception).</returns>
    /// <exception cref="TorchFileException">The resume checkpoint is unreadable or belongs to another model.</exception>
    public TrainingResult Fit(DataLoader train, DataLoader? validation, string? resumeFrom = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        // SyncBatchNorm switches the task's batch-norm layers to global statistics for this run only (same layers, same names).
        var syncBatchNorm = _parallel is not null && _options.SyncBatchNorm;
        if (syncBatchNorm)
            foreach (var m in Modules()) SyncBatchNorm.Convert(m, _parallel!.Group);
        try
        {
            return FitCore(train, validation, resumeFrom, cancellation);
        }
        finally
        {
            _overlapped?.Dispose();
            _overlapped = null;
            if (syncBatchNorm)
                foreach (var m in Modules()) SyncBatchNorm.Convert(m, null);
        }
    }

    private TrainingResult FitCore(DataLoader train, DataLoader? validation, string? resumeFrom, CancellationToken cancellation)
    {
        var plan = _plan = PrecisionPlan.Resolve(_options.Precision, DeviceOf(_task.Model), _options.SpatialDims);
        plan.Apply(_task.Model);
        foreach (var m in _task.AuxiliaryModules.Values) plan.Apply(m);
        using var scaler = plan.CreateGradScaler();
        _task.Prepare(new TrainingContext(plan, _options.Seed, _options.Epochs));
        if (_options.CheckpointDirectory is { } dir && IsCheckpointWriter) Directory.CreateDirectory(dir);

        // Data parallel: the ranks must agree on everything that shapes training; this rank sees its shard of every
        // global batch; every rank starts from rank 0's weights (fresh or resumed: each rank reads the same last.pt,
        // which restores the optimiser, RNG and position, and rank 0's parameters and buffers then win bit for bit).
        _parallel?.CheckConsistency(_options, _task.Model, _optimizer, train, validation);
        using var shard = _parallel is null ? null : train.Shard(_parallel.Rank, _parallel.WorldSize);
        var state = resumeFrom is null ? new TrainerState() : Restore(resumeFrom, scaler);
        _parallel?.BroadcastState(Modules());
        var trainable = _optimizer.ParamGroups.SelectMany(g => g.Parameters).ToArray();
        if (_parallel is not null && _options.GradientSync == GradientSync.Overlapped)
            _overlapped = _parallel.Overlap([.. trainable.Where(p => p.RequiresGrad)]);
        var batchesPerEpoch = train.BatchesPerEpoch;
        Notify(c => c.OnTrainingStart(new TrainingStart(_options.Epochs, state.Epoch, state.Batch, batchesPerEpoch, plan.Reason, resumeFrom, state.History.ToArray())));

        TrainingResult Finish(TrainingStatus status, string message)
        {
            var result = new TrainingResult(status, state.History.Count, state.History.ToArray(), state.BestEpoch, state.BestMetric,
                state.Best.Count > 0 ? state.Best.OrderBy(b => Rank(b.Value)).First().Path : null,
                LastCheckpointPath is { } p && File.Exists(p) ? p : null, message);
            Notify(c => c.OnTrainingEnd(result));
            return result;
        }

        while (state.Epoch < _options.Epochs)
        {
            var epoch = state.Epoch;
            var clock = Stopwatch.StartNew();
            var lr = _optimizer.ParamGroups[0].Lr;
            SetTraining(true);
            foreach (var batch in train.Epoch(epoch, state.Batch))
            {
                using (batch)
                {
                    if (_parallel is null ? cancellation.IsCancellationRequested : _parallel.AnyRank(cancellation.IsCancellationRequested))
                    {
                        state.PartialSeconds += clock.Elapsed.TotalSeconds;
                        var path = SaveLast(state, scaler, CheckpointKind.Interrupted);
                        return Finish(TrainingStatus.Cancelled, path is null
                            ? $"cancelled at epoch {epoch + 1}, batch {state.Batch}; no checkpoint folder was set, so nothing was saved"
                            : $"cancelled at epoch {epoch + 1}, batch {state.Batch}; resume from {path}");
                    }
                    var info = new StepInfo(epoch, state.Batch, batchesPerEpoch, state.GlobalStep, _options.Epochs);
                    var diverged = RunStep(batch, info, scaler, trainable, state);
                    if (diverged is not null)
                        return Finish(TrainingStatus.Diverged, diverged + (LastCheckpointPath is { } p && File.Exists(p)
                            ? $"; training stopped, the last good checkpoint {p} was kept"
                            : "; training stopped before any checkpoint was written"));
                    if (_options.CheckpointEverySteps is int every && state.GlobalStep % every == 0 && state.Batch < batchesPerEpoch)
                    {
                        state.PartialSeconds += clock.Elapsed.TotalSeconds;
                        clock.Restart();
                        SaveLast(state, scaler, CheckpointKind.Last);
                    }
                }
            }

            var metrics = new Dictionary<string, double>();
            foreach (var (name, sum) in state.PartialSums)
                metrics["train_" + name] = state.PartialSamples > 0 ? sum / state.PartialSamples : double.NaN;
            var isLast = epoch + 1 == _options.Epochs;
            if (validation is not null && ((epoch + 1) % _options.ValidateEvery == 0 || isLast))
            {
                // Every rank validates the whole set with rank 0's buffers (running statistics); rank 0's numbers are
                // then authoritative, so best-checkpoint, plateau and early-stopping decisions agree on every rank.
                _parallel?.BroadcastBuffers(Modules());
                foreach (var (name, measured) in Validate(validation))
                    metrics["val_" + name] = measured;
            }
            _parallel?.BroadcastMetrics(metrics);

            double? monitored = metrics.TryGetValue(_options.MonitorMetric, out var mv) && !double.IsNaN(mv) ? mv : null;
            var isBest = monitored is double v && (state.BestMetric is not double b || Rank(v) < Rank(b));
            _schedule?.AfterEpoch(monitored);
            var record = new EpochRecord(epoch, metrics, lr, state.PartialSeconds + clock.Elapsed.TotalSeconds, isBest);
            state.History.Add(record);
            state.Epoch = epoch + 1;
            state.Batch = 0;
            state.PartialSums = [];
            state.PartialSamples = 0;
            state.PartialSeconds = 0;
            if (monitored is double value)
            {
                if (isBest) { state.BestMetric = value; state.BestEpoch = epoch; }
                state.EpochsWithoutImprovement = IsImprovement(value, state) ? 0 : state.EpochsWithoutImprovement + 1;
                SaveBest(state, epoch, value);
            }
            var stopEarly = _options.EarlyStoppingPatience is int patienceEpochs && state.EpochsWithoutImprovement >= patienceEpochs && state.Epoch < _options.Epochs;
            if (state.Epoch % _options.CheckpointEveryEpochs == 0 || isLast || stopEarly)
                SaveLast(state, scaler, CheckpointKind.Last);
            Notify(c => c.OnEpochEnd(record));

            if (stopEarly)
                return Finish(TrainingStatus.EarlyStopped,
                    $"early stopping after epoch {epoch + 1}: {_options.MonitorMetric} did not improve for {_options.EarlyStoppingPatience} epochs (best {state.BestMetric:G4} at epoch {state.BestEpoch + 1})");
        }
        return Finish(TrainingStatus.Completed, state.BestEpoch is int be
            ? $"completed {state.History.Count} epochs; best {_options.MonitorMetric} {state.BestMetric:G4} at epoch {be + 1}"
            : $"completed {state.History.Count} epochs");
    }

    /// <summary>
    /// One validation pass of the task's model over <paramref name="loader"/> (evaluation mode, inference mode,
    /// the plan's autocast): the accumulator's metrics.
    /// </summary>
    public IReadOnlyDictionary<string, double> Validate(DataLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        var plan = _plan ?? PrecisionPlan.Resolve(_options.Precision, DeviceOf(_task.Model), _options.SpatialDims);
        SetTraining(false);
        try
        {
            var accumulator = _task.BeginValidation();
            var total = loader.BatchesPerEpoch;
            var done = 0;
            Notify(c => c.OnPhaseProgress(new PhaseProgress(ProgressPhases.Validation, 0, total, "batches")));
            foreach (var batch in loader.Epoch(0))
            {
                using (batch)
                using (DisposeScope.Open())
                using (GradMode.InferenceMode())
                using (plan.Autocast())
                    accumulator.Add(batch);
                done++;
                Notify(c => c.OnPhaseProgress(new PhaseProgress(ProgressPhases.Validation, done, total, "batches")));
            }
            return accumulator.Complete();
        }
        finally
        {
            SetTraining(true);
        }
    }

    /// <summary>Forward, divergence check, backward, clipping, optimiser step; returns a message when the loss is not finite.</summary>
    private string? RunStep(Batch batch, StepInfo info, GradScaler scaler, Tensor[] trainable, TrainerState state)
    {
        using var scope = DisposeScope.Open();
        // DDP's broadcast_buffers: every rank's forward uses rank 0's running statistics.
        _parallel?.BroadcastBuffers(Modules());
        TrainStepOutput output;
        using (_plan!.Autocast()) output = _task.TrainStep(batch, info);
        var localLoss = output.Loss.ToDouble();
        var loss = localLoss;
        var samples = output.Samples;
        var logNames = output.Logs?.Keys.ToArray() ?? [];
        var logs = logNames.Select(n => output.Logs![n].ToDouble()).ToArray();
        if (_parallel is not null)
        {
            // Global loss and logs (means over the global batch) and whether any rank diverged, before anyone steps.
            var reduced = _parallel.ReduceStep(localLoss, output.Samples, logs);
            if (reduced.NonFiniteRanks > 0)
                return $"the training loss became non-finite on {reduced.NonFiniteRanks} of {_parallel.WorldSize} processes (rank {_parallel.Rank}: {localLoss}) at epoch {info.Epoch + 1}, batch {info.Batch + 1} (step {info.GlobalStep + 1})";
            (loss, samples, logs) = (reduced.Loss, reduced.Samples, reduced.Logs);
        }
        else if (!double.IsFinite(loss))
            return $"the training loss became {loss} at epoch {info.Epoch + 1}, batch {info.Batch + 1} (step {info.GlobalStep + 1})";
        _optimizer.ZeroGrad();
        _parallel?.BeginGradients(_overlapped, output.Samples, samples);
        scaler.Scale(output.Loss).Backward();
        _parallel?.EndGradients(_overlapped, trainable, output.Samples, samples);
        double? gradNorm = null;
        if (_options.GradientClipNorm is double maxNorm)
        {
            scaler.Unscale_(_optimizer);
            gradNorm = GradClipping.ClipGradNorm(trainable, maxNorm).ToDouble();
        }
        var lr = _optimizer.ParamGroups[0].Lr;
        var stepped = scaler.Step(_optimizer);
        scaler.Update();
        if (stepped)
        {
            _task.AfterOptimizerStep(info);
            _schedule?.AfterStep();
        }
        state.GlobalStep++;
        state.Batch++;
        Accumulate(state, "loss", loss, samples);
        for (var i = 0; i < logNames.Length; i++) Accumulate(state, logNames[i], logs[i], samples);
        state.PartialSamples += samples;
        Notify(c => c.OnStep(new StepReport(info.Epoch, info.Batch, info.BatchesPerEpoch, state.GlobalStep, loss, lr, samples, gradNorm)));
        return null;
    }

    private static void Accumulate(TrainerState state, string name, double value, int samples) =>
        state.PartialSums[name] = state.PartialSums.GetValueOrDefault(name) + value * samples;

    /// <summary>Whether <paramref name="value"/> beats the best before it by more than the early-stopping min delta.</summary>
    private bool IsImprovement(double value, TrainerState state)
    {
        var previous = state.History.Take(state.History.Count - 1).Select(h => h.Get(_options.MonitorMetric)).Where(x => !double.IsNaN(x)).ToArray();
        if (previous.Length == 0) return true;
        var best = _options.MonitorGoal == MetricGoal.Maximize ? previous.Max() : previous.Min();
        return _options.MonitorGoal == MetricGoal.Maximize ? value > best + _options.EarlyStoppingMinDelta : value < best - _options.EarlyStoppingMinDelta;
    }

    /// <summary>Sort key: smaller is better whatever the goal.</summary>
    private double Rank(double value) => _options.MonitorGoal == MetricGoal.Maximize ? -value : value;

    private void SaveBest(TrainerState state, int epoch, double value)
    {
        if (_options.CheckpointDirectory is not { } dir || _options.KeepBest == 0 || !IsCheckpointWriter) return;
        var ranked = state.Best.OrderBy(b => Rank(b.Value)).ThenBy(b => b.Epoch).ToList();
        if (ranked.Count >= _options.KeepBest && Rank(value) >= Rank(ranked[^1].Value)) return;
        var path = Path.Combine(dir, $"best-epoch{epoch + 1:D3}.pt");
        var extra = new OrderedDictionary<object, object?> { ["metric"] = _options.MonitorMetric, ["value"] = value, ["seed"] = _options.Seed };
        try
        {
            Checkpoint.Save(path, _task.Model, epoch: epoch + 1, step: state.GlobalStep, extra: extra);
        }
        catch (IOException e)
        {
            throw new IOException($"{path}: could not write the checkpoint ({e.Message}); the earlier checkpoints are intact", e);
        }
        state.Best.Add((epoch, value, path));
        Notify(c => c.OnCheckpointSaved(new CheckpointSaved(path, CheckpointKind.Best, epoch, value)));
        ranked = state.Best.OrderBy(b => Rank(b.Value)).ThenBy(b => b.Epoch).ToList();
        foreach (var dropped in ranked.Skip(_options.KeepBest))
        {
            state.Best.Remove(dropped);
            File.Delete(dropped.Path);
        }
    }

    private string? SaveLast(TrainerState state, GradScaler scaler, CheckpointKind kind)
    {
        if (LastCheckpointPath is not { } path) return null;
        if (!IsCheckpointWriter) return path; // rank 0 writes it
        using var scope = DisposeScope.Open();
        var aux = new OrderedDictionary<object, object?>();
        foreach (var (name, module) in _task.AuxiliaryModules) aux[name] = module.StateDict();
        var extra = new OrderedDictionary<object, object?>
        {
            ["trainer"] = state.ToDict(),
            ["auxiliary"] = aux,
            ["scaler"] = scaler.StateDict(),
            ["seed"] = _options.Seed,
            ["monitor"] = _options.MonitorMetric,
        };
        try
        {
            Checkpoint.Capture(_task.Model, _optimizer, _schedule, state.Epoch, state.GlobalStep, extra).Save(path);
        }
        catch (IOException e)
        {
            // Atomic write: the previous last.pt is untouched, so the run can resume from it once there is space.
            throw new IOException($"{path}: could not write the checkpoint ({e.Message}); the previous checkpoint file is intact", e);
        }
        Notify(c => c.OnCheckpointSaved(new CheckpointSaved(path, kind, state.Epoch, null)));
        return path;
    }

    private TrainerState Restore(string path, GradScaler scaler)
    {
        using var scope = DisposeScope.Open();
        var checkpoint = Checkpoint.Load(path);
        if (checkpoint.Extra?["trainer"] is not IDictionary trainer)
            throw new TorchFileException(path, "is not a training checkpoint written by MedLearn's trainer (no trainer state); best-epoch files hold weights only, resume from last.pt");
        var aux = checkpoint.Extra["auxiliary"] as IDictionary;
        foreach (var (name, module) in _task.AuxiliaryModules)
        {
            if (aux?[name] is not IDictionary sd)
                throw new TorchFileException(path, $"has no state for the auxiliary module '{name}' this method needs");
            module.LoadStateDict(ToStateDict(sd));
        }
        checkpoint.RestoreInto(_task.Model, _optimizer, _schedule, restoreRng: true);
        if (checkpoint.Extra["scaler"] is IDictionary scalerState) scaler.LoadStateDict(scalerState);
        return TrainerState.FromDict(trainer);
    }

    private static OrderedDictionary<string, Tensor> ToStateDict(IDictionary d)
    {
        var result = new OrderedDictionary<string, Tensor>();
        foreach (DictionaryEntry e in d) result[(string)e.Key] = (Tensor)e.Value!;
        return result;
    }

    private void SetTraining(bool training)
    {
        _task.Model.Train(training);
        foreach (var m in _task.AuxiliaryModules.Values) m.Train(training);
    }

    private IEnumerable<Module> Modules() => [_task.Model, .. _task.AuxiliaryModules.Values];

    private static Device DeviceOf(Module module) => module.Parameters().FirstOrDefault()?.Device ?? Device.CPU;

    private void Notify(Action<ITrainingCallback> action)
    {
        foreach (var c in _callbacks) action(c);
    }
}
