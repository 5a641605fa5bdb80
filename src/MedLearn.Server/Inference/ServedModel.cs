using System.Text.Json.Nodes;
using MedLearn.Data.Readers;
using MedLearn.Explain;
using MedLearn.Methods.Gmic;
using MedLearn.Methods.Segmentation;
using MedLearn.Methods.Supervised;
using MedLearn.Models.Segmentation;
using MedLearn.Runs;
using MedLearn.Server.Hosting;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;

namespace MedLearn.Server.Inference;

/// <summary>
/// One served run, of one of three kinds (<see cref="ServedKind"/>), each through its library entry point:
/// <list type="bullet">
/// <item>a classifier: <see cref="RunExplainer"/> (an <see cref="Models.InferenceModel"/> copy for predictions and
/// occlusion, a float32 copy for Grad-CAM) with the run's evaluation preprocessing (the same as <c>medlearn predict</c>);</item>
/// <item>a GMIC run: <see cref="GmicPredictor"/> (the entry of <c>medlearn predict</c> / <c>explain</c> for GMIC runs);</item>
/// <item>a segmentation run: the network of <see cref="SegmentationTraining.LoadNetwork"/> with
/// <see cref="VolumeSegmenter"/> and the run's sliding window (the path of <c>medlearn segment predict</c>).</item>
/// </list>
/// Classifier and GMIC predictions go through the model's dynamic batcher (GMIC one full-resolution image per forward
/// pass); explanations and segmentations take the model's explanation slot (one at a time, a bounded wait, then 429).
/// </summary>
internal sealed class ServedModel : IDisposable
{
    private readonly SemaphoreSlim _explainGate = new(1, 1);
    private readonly int _explainCapacity;
    private readonly IDisposable _network;
    private int _explainWaiting;

    private ServedModel(string name, ServedKind kind, IDisposable network, JsonObject card, IReadOnlyList<string> classes, ServeOptions options, ServerMetrics metrics)
    {
        Name = name;
        Kind = kind;
        _network = network;
        Card = card;
        Classes = classes;
        _explainCapacity = options.ExplainCapacity;
        RetryAfterSeconds = options.RetryAfterSeconds;
        if (kind == ServedKind.Segmentation) return; // volumes of any size: no batching, the explanation slot instead
        Batcher = new InferenceBatcher(Forward, kind == ServedKind.Gmic ? 1 : options.MaxBatch, options.MaxBatchWait, options.QueueCapacity, options.RetryAfterSeconds,
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

    /// <summary>Classifier, GMIC or segmentation.</summary>
    public ServedKind Kind { get; }

    /// <summary>The class names (GMIC: its outputs; segmentation: the labels 0..K-1).</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>A classifier's classes and preprocessing.</summary>
    public ClassifierManifest Manifest => Explainer.Manifest;

    /// <summary>A classifier's networks and preprocessing.</summary>
    public RunExplainer Explainer => _network as RunExplainer ?? throw new InvalidOperationException($"{Name} is not a classifier");

    /// <summary>A GMIC run's predictor.</summary>
    public GmicPredictor Gmic => _network as GmicPredictor ?? throw new InvalidOperationException($"{Name} is not a GMIC run");

    /// <summary>A segmentation run's network (evaluation mode).</summary>
    public SegmentationNetwork Segmenter => _network as SegmentationNetwork ?? throw new InvalidOperationException($"{Name} is not a segmentation run");

    /// <summary>A segmentation run's sliding window (the run's own, from segment_options.json; the defaults otherwise).</summary>
    public SlidingWindowOptions Window { get; private init; } = new();

    /// <summary>Metadata shown to clients: architecture, classes, input, training summary and held-out metrics.</summary>
    public JsonObject Card { get; }

    /// <summary>The dynamic batcher of predictions (null for segmentation runs).</summary>
    public InferenceBatcher? Batcher { get; }

    public int RetryAfterSeconds { get; }

    /// <summary>Loads <paramref name="source"/>'s run and warms it up with one forward pass.</summary>
    /// <exception cref="InvalidDataException">Not a run with an exported model.</exception>
    public static ServedModel Load(ModelSource source, ServeOptions options, ServerMetrics metrics)
    {
        var run = source.RunDirectory;
        if (!Directory.Exists(run)) throw new InvalidDataException($"{run}: run folder not found");
        if (GmicManifest.IsGmicRun(run)) return LoadGmic(source, options, metrics);
        if (File.Exists(Path.Combine(run, SegmentationTraining.NetworkFileName))) return LoadSegmentation(source, options, metrics);
        var explainer = RunExplainer.Load(run, PrecisionPlan.ParsePrecision(options.Precision));
        return Finish(explainer, () => new ServedModel(source.Name, ServedKind.Classification, explainer,
            ModelCard.Read(source.Name, run, explainer.Manifest), explainer.Manifest.Classes, options, metrics));
    }

    private static ServedModel LoadGmic(ModelSource source, ServeOptions options, ServerMetrics metrics)
    {
        var predictor = GmicPredictor.Load(source.RunDirectory, new GmicInferenceOptions { Precision = PrecisionPlan.ParsePrecision(options.Precision) });
        return Finish(predictor, () => new ServedModel(source.Name, ServedKind.Gmic, predictor,
            ModelCard.ReadGmic(source.Name, source.RunDirectory, predictor.Manifest), predictor.Manifest.Outputs, options, metrics));
    }

    private static ServedModel LoadSegmentation(ModelSource source, ServeOptions options, ServerMetrics metrics)
    {
        SegmentationNetwork network;
        try
        {
            network = SegmentationTraining.LoadNetwork(source.RunDirectory);
        }
        catch (RunFileException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
        return Finish(network, () =>
        {
            var settings = Path.Combine(source.RunDirectory, SegmentationTraining.OptionsFileName);
            var trained = File.Exists(settings) ? MetricsFile.Read<SegmentationTrainingOptions>(settings) : null;
            var window = trained?.Window ?? new SlidingWindowOptions();
            window.Validate();
            // A segmentation run records its seed in segment_options.json, not in run.json.
            return new ServedModel(source.Name, ServedKind.Segmentation, network, ModelCard.ReadSegmentation(source.Name, source.RunDirectory, network, window, trained?.Seed),
                [.. Enumerable.Range(0, (int)network.Classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))], options, metrics) { Window = window };
        });
    }

    private static ServedModel Finish(IDisposable network, Func<ServedModel> create)
    {
        try
        {
            var model = create();
            model.WarmUp();
            return model;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private void WarmUp()
    {
        if (Kind == ServedKind.Segmentation) return; // the first volume pays for oneDNN's set-up
        using var scope = DisposeScope.Open();
        Forward(Kind == ServedKind.Gmic
            ? torch.Zeros([1, 1, Gmic.Manifest.ImageHeight, Gmic.Manifest.ImageWidth])
            : torch.Zeros([1, Manifest.InChannels, Manifest.ImageSize, Manifest.ImageSize]));
    }

    private float[][] Forward(Tensor batch)
    {
        using var scope = DisposeScope.Open();
        if (Kind == ServedKind.Gmic) return [.. Enumerable.Range(0, (int)batch.Size(0)).Select(i => Gmic.Predict(batch.Select(0, i)).Probabilities)];
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
                return await Task.Run(() =>
                {
                    torch.SetThreadNumThreads(torch.NumThreads); // an explanation uses every core (a preprocessing thread may have had 1)
                    return work();
                }, cancellation).ConfigureAwait(false);
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
        Batcher?.Dispose();
        _explainGate.Wait(TimeSpan.FromSeconds(30));
        _network.Dispose();
        _explainGate.Dispose();
    }
}
