using System.Collections;
using MedLearn.Torch.Nn;

namespace MedLearn.Torch.Serialization;

/// <summary>
/// A full training checkpoint in ONE PyTorch file: model weights, optimiser and scheduler state, epoch,
/// step, the global RNG state and optional extra values. The file's top level is a dict with keys
/// <c>model</c> (an OrderedDict state dict), <c>optimizer</c>, <c>scheduler</c> (their state dicts or None),
/// <c>epoch</c>, <c>step</c>, <c>rng_state</c> (uint8 tensor for <c>torch.set_rng_state</c>), <c>extra</c>
/// (dict or None) and <c>format</c> = <see cref="FormatTag"/>, so Python can open it with <c>torch.load</c>.
/// </summary>
/// <remarks>Tensors of a checkpoint belong to the dispose scope that was current when it was captured or loaded.</remarks>
public sealed record Checkpoint
{
    /// <summary>The value of the file's <c>format</c> key.</summary>
    public const string FormatTag = "medlearn-checkpoint-1";

    /// <summary>Model state dict (name to tensor).</summary>
    public required OrderedDictionary<string, Tensor> Model { get; init; }

    /// <summary>Optimiser state (<see cref="IStateful.StateDict"/>), or null.</summary>
    public IDictionary? Optimizer { get; init; }

    /// <summary>Learning-rate scheduler state (<see cref="IStateful.StateDict"/>), or null.</summary>
    public IDictionary? Scheduler { get; init; }

    /// <summary>Epoch counter.</summary>
    public long Epoch { get; init; }

    /// <summary>Optimisation step counter.</summary>
    public long Step { get; init; }

    /// <summary>State of <see cref="Generator.Default"/> (uint8 tensor), or null.</summary>
    public Tensor? RngState { get; init; }

    /// <summary>Further nested values (metrics, configuration), or null.</summary>
    public IDictionary? Extra { get; init; }

    /// <summary>
    /// Captures the current state of the components (model tensors are detached handles sharing storage with
    /// the model, so save before the next step) and of <see cref="Generator.Default"/>.
    /// </summary>
    public static Checkpoint Capture(Module model, IStateful? optimizer = null, IStateful? scheduler = null,
        long epoch = 0, long step = 0, IDictionary? extra = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Checkpoint
        {
            Model = model.StateDict(),
            Optimizer = optimizer?.StateDict(),
            Scheduler = scheduler?.StateDict(),
            Epoch = epoch,
            Step = step,
            RngState = Generator.Default.GetState(),
            Extra = extra,
        };
    }

    /// <summary>Captures the components (see <see cref="Capture"/>) and saves them to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, Module model, IStateful? optimizer = null, IStateful? scheduler = null,
        long epoch = 0, long step = 0, IDictionary? extra = null)
    {
        using var scope = DisposeScope.Open();
        Capture(model, optimizer, scheduler, epoch, step, extra).Save(path);
    }

    /// <summary>Writes this checkpoint to <paramref name="path"/> atomically (no partial file on error).</summary>
    public void Save(string path)
    {
        var top = new OrderedDictionary<object, object?>
        {
            ["model"] = Model,
            ["optimizer"] = Optimizer,
            ["scheduler"] = Scheduler,
            ["epoch"] = Epoch,
            ["step"] = Step,
            ["rng_state"] = RngState,
            ["extra"] = Extra,
            ["format"] = FormatTag,
        };
        TorchFile.Save(top, path);
    }

    /// <summary>Reads and validates a checkpoint file; its tensors belong to the caller's dispose scope.</summary>
    /// <exception cref="TorchFileException">Unreadable file, or not a MedLearn checkpoint of this format.</exception>
    public static Checkpoint Load(string path)
    {
        using var scope = DisposeScope.Open();
        var value = TorchFile.Load(path);
        if (value is not IDictionary top)
            throw new TorchFileException(path, $"not a MedLearn checkpoint: the file holds a {StateDictFile.Describe(value)}, not a dict");
        if (!top.Contains("format"))
            throw new TorchFileException(path, $"not a MedLearn checkpoint: no 'format' key (keys: {string.Join(", ", top.Keys.Cast<object>())}); "
                + "for a plain state dict use StateDictFile.Load");
        if (top["format"] as string != FormatTag)
            throw new TorchFileException(path, $"unsupported checkpoint format '{top["format"]}' (this MedLearn reads '{FormatTag}')");
        var checkpoint = new Checkpoint
        {
            Model = StateDictFile.ToStateDict(Get(top, "model", path), path, "the 'model' entry"),
            Optimizer = Optional<IDictionary>(top, "optimizer", path),
            Scheduler = Optional<IDictionary>(top, "scheduler", path),
            Epoch = Get(top, "epoch", path) as long? ?? throw new TorchFileException(path, "'epoch' is not an integer"),
            Step = Get(top, "step", path) as long? ?? throw new TorchFileException(path, "'step' is not an integer"),
            RngState = Optional<Tensor>(top, "rng_state", path),
            Extra = Optional<IDictionary>(top, "extra", path),
        };
        TorchFile.KeepTensors(value, scope, 0);
        return checkpoint;
    }

    /// <summary>
    /// Loads <paramref name="path"/> and restores it into the given components (see <see cref="RestoreInto"/>).
    /// Returns the checkpoint for its epoch, step and extra values; its tensors belong to the caller's scope.
    /// </summary>
    public static Checkpoint LoadInto(string path, Module model, IStateful? optimizer = null, IStateful? scheduler = null,
        bool restoreRng = true, bool strict = true)
    {
        var checkpoint = Load(path);
        checkpoint.Restore(model, optimizer, scheduler, restoreRng, strict, path);
        return checkpoint;
    }

    /// <summary>
    /// Copies the state into the components: model weights (every key and shape checked before copying),
    /// then optimiser, scheduler and, with <paramref name="restoreRng"/>, the default generator. A component
    /// passed as null is skipped; one whose state the checkpoint lacks is an error raised before anything changes.
    /// </summary>
    public StateDictLoadResult RestoreInto(Module model, IStateful? optimizer = null, IStateful? scheduler = null,
        bool restoreRng = true, bool strict = true) => Restore(model, optimizer, scheduler, restoreRng, strict, null);

    private StateDictLoadResult Restore(Module model, IStateful? optimizer, IStateful? scheduler, bool restoreRng, bool strict, string? path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var where = path is null ? "checkpoint" : $"{path}";
        if (optimizer is not null && Optimizer is null) throw new InvalidOperationException($"{where} has no optimizer state to restore");
        if (scheduler is not null && Scheduler is null) throw new InvalidOperationException($"{where} has no scheduler state to restore");
        StateDictLoadResult result;
        try
        {
            result = model.LoadStateDict(Model, strict);
        }
        catch (StateDictException e) when (path is not null)
        {
            throw new StateDictException($"{path}: {e.Message}", e.MissingKeys, e.UnexpectedKeys);
        }
        if (optimizer is not null) optimizer.LoadStateDict(Optimizer!);
        if (scheduler is not null) scheduler.LoadStateDict(Scheduler!);
        if (restoreRng && RngState is not null) Generator.Default.SetState(RngState);
        return result;
    }

    private static object? Get(IDictionary top, string key, string path) =>
        top.Contains(key) ? top[key] : throw new TorchFileException(path, $"checkpoint has no '{key}' entry");

    private static T? Optional<T>(IDictionary top, string key, string path) where T : class => Get(top, key, path) switch
    {
        null => null,
        T value => value,
        var other => throw new TorchFileException(path, $"checkpoint entry '{key}' is a {StateDictFile.Describe(other)}, expected {typeof(T).Name}"),
    };
}
