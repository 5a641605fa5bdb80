using System.Text.Json.Nodes;
using MedLearn.Data.Readers;
using MedLearn.Explain;
using MedLearn.Methods.Supervised;
using MedLearn.Server.Hosting;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;

namespace MedLearn.Server.Inference;

/// <summary>
/// One served classification run: the exported network through <see cref="RunExplainer"/> (an
/// <see cref="Models.InferenceModel"/> copy for predictions and occlusion, a float32 copy for Grad-CAM), the run's
/// evaluation preprocessing (<see cref="RunExplainer.Preprocess(string, ImageReadOptions)"/>, the same transform as
/// <c>medlearn predict</c>), its dynamic batcher, and its model card (model.json, run.json and metrics.json of the run).
/// </summary>
internal sealed class ServedModel : IDisposable
{
    private readonly SemaphoreSlim _explainGate = new(1, 1);
    private readonly int _explainCapacity;
    private int _explainWaiting;

    private ServedModel(string name, RunExplainer explainer, JsonObject card, ServeOptions options, ServerMetrics metrics)
    {
        Name = name;
        Explainer = explainer;
        Card = card;
        _explainCapacity = options.ExplainCapacity;
        RetryAfterSeconds = options.RetryAfterSeconds;
        Batcher = new InferenceBatcher(Forward, options.MaxBatch, options.MaxBatchWait, options.QueueCapacity, options.RetryAfterSeconds,
            (size, seconds) =>
            {
                metrics.BatchSize.WithLabels(name).Observe(size);
                metrics.ForwardSeconds.WithLabels(name).Observe(seconds);
                metrics.Images.WithLabels(name).Inc(size);
            },
            () => metrics.Dropped.WithLabels(name).Inc());
    }

    /// <summary>The name clients address the model by.</summary>
    public string Name { get; }

    /// <summary>Classes and preprocessing.</summary>
    public ClassifierManifest Manifest => Explainer.Manifest;

    /// <summary>The networks and preprocessing.</summary>
    public RunExplainer Explainer { get; }

    /// <summary>Metadata shown to clients: architecture, classes, input, training summary and held-out metrics.</summary>
    public JsonObject Card { get; }

    /// <summary>The dynamic batcher of predictions.</summary>
    public InferenceBatcher Batcher { get; }

    public int RetryAfterSeconds { get; }

    /// <summary>Loads <paramref name="source"/>'s run and warms it up with one forward pass.</summary>
    /// <exception cref="InvalidDataException">Not a classification run with an exported model.</exception>
    public static ServedModel Load(ModelSource source, ServeOptions options, ServerMetrics metrics)
    {
        var run = source.RunDirectory;
        if (!Directory.Exists(run)) throw new InvalidDataException($"{run}: run folder not found");
        if (File.Exists(Path.Combine(run, Methods.Gmic.GmicManifest.FileName)))
            throw new InvalidDataException($"{run}: a GMIC run; serve supports classification runs (train classify / train semi) for now");
        var explainer = RunExplainer.Load(run, PrecisionPlan.ParsePrecision(options.Precision));
        try
        {
            var model = new ServedModel(source.Name, explainer, ModelCard.Read(source.Name, run, explainer.Manifest), options, metrics);
            model.WarmUp();
            return model;
        }
        catch
        {
            explainer.Dispose();
            throw;
        }
    }

    private void WarmUp()
    {
        using var scope = DisposeScope.Open();
        Forward(torch.Zeros([1, Manifest.InChannels, Manifest.ImageSize, Manifest.ImageSize]));
    }

    private float[][] Forward(Tensor batch)
    {
        using var scope = DisposeScope.Open();
        var probabilities = Functional.Softmax(Explainer.Inference.Forward(batch), 1).Contiguous().ToArray<float>();
        var n = (int)batch.Size(0);
        var classes = probabilities.Length / n;
        return [.. Enumerable.Range(0, n).Select(i => probabilities.AsSpan(i * classes, classes).ToArray())];
    }

    /// <summary>
    /// Runs <paramref name="work"/> with this model's explanation slot: one explanation at a time per model, at most
    /// <c>ExplainCapacity</c> waiting (more: 429).
    /// </summary>
    public async Task<T> WithExplainSlotAsync<T>(Func<T> work, CancellationToken cancellation)
    {
        if (Interlocked.Increment(ref _explainWaiting) > _explainCapacity)
        {
            Interlocked.Decrement(ref _explainWaiting);
            throw new Http.ApiException(429, "queue_full", $"{_explainCapacity} explanations of this model are running or waiting; retry after {RetryAfterSeconds} s", RetryAfterSeconds);
        }
        try
        {
            await _explainGate.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                return await Task.Run(work, cancellation).ConfigureAwait(false);
            }
            finally
            {
                _explainGate.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _explainWaiting);
        }
    }

    public void Dispose()
    {
        Batcher.Dispose();
        _explainGate.Wait(TimeSpan.FromSeconds(30));
        Explainer.Dispose();
        _explainGate.Dispose();
    }
}
