using System.Diagnostics;
using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Serialization;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// An exported classifier (model.json + model.pt of a run folder, or a model in memory) ready for inference
/// through <see cref="InferenceModel"/> (evaluation mode, convolution + batch-norm folding, channels-last, bf16
/// weights where the CPU has native bf16, inference mode) with the run's evaluation preprocessing. Used by
/// evaluate, predict, the report's latency and the end of training.
/// </summary>
public sealed class TrainedClassifier : IDisposable
{
    private readonly bool _ownsModel;
    private readonly InferenceModel _inference;

    /// <summary>
    /// Wraps <paramref name="model"/> with its manifest. The model is prepared for inference in place (evaluation
    /// mode, batch norms folded into convolutions, weights possibly converted to bf16): export it before.
    /// </summary>
    /// <param name="model">The classifier.</param>
    /// <param name="manifest">Its classes and preprocessing.</param>
    /// <param name="precision">Inference precision (Auto = the fastest safe path).</param>
    /// <param name="ownsModel">Dispose the model with this object.</param>
    public TrainedClassifier(ImageClassifier model, ClassifierManifest manifest, Precision precision = Precision.Auto, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(manifest);
        Model = model;
        Manifest = manifest;
        _ownsModel = ownsModel;
        _inference = InferenceModel.Prepare(model, PrecisionPlan.Resolve(precision, model.Parameters().First().Device, 2));
        Plan = _inference.Plan;
        Transform = ClassificationTransforms.Eval(manifest);
    }

    /// <summary>Loads model.json and model.pt from <paramref name="runDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">The folder holds no exported model, or the files disagree.</exception>
    public static TrainedClassifier Load(string runDirectory, Precision precision = Precision.Auto)
    {
        var (manifest, weights) = ClassifierRunFiles.Locate(runDirectory);
        return new TrainedClassifier(ClassifierRunFiles.CreateNetwork(manifest, weights), manifest, precision, ownsModel: true);
    }

    /// <summary>The network (prepared for inference: evaluation mode, folded).</summary>
    public ImageClassifier Model { get; }

    /// <summary>Classes and preprocessing.</summary>
    public ClassifierManifest Manifest { get; }

    /// <summary>The inference precision plan.</summary>
    public PrecisionPlan Plan { get; }

    /// <summary>The evaluation preprocessing.</summary>
    public ITransform Transform { get; }

    /// <summary>
    /// Runs the classifier over <paramref name="dataset"/> (its labels must use this model's class order; −1 =
    /// unlabeled) and returns the per-image probabilities.
    /// </summary>
    /// <param name="dataset">The images.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="workers">Loader threads.</param>
    /// <param name="onError">Unreadable images: fail, or skip (left out of the outputs and recorded in <paramref name="skipped"/>).</param>
    /// <param name="progress">Images done.</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <param name="skipped">Where skipped images are recorded, or null.</param>
    /// <param name="phase">The phase name they are recorded under.</param>
    public ClassificationOutputs Evaluate(ImageDataset dataset, int batchSize = 32, int workers = 2, ErrorPolicy onError = ErrorPolicy.Fail,
        IProgress<int>? progress = null, CancellationToken cancellation = default, SkippedImages? skipped = null, string phase = "test")
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var loader = new DataLoader(dataset, Transform, new DataLoaderOptions { BatchSize = batchSize, Workers = workers, OnError = onError });
        skipped?.Watch(loader, phase);
        var collector = new ClassificationOutputCollector(_inference.Forward);
        var done = 0;
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            using (DisposeScope.Open())
                collector.Add(batch);
            cancellation.ThrowIfCancellationRequested();
            done += batch.Count;
            progress?.Report(done);
        }
        return collector.Result();
    }

    /// <summary>
    /// Classifies single images one at a time (read, preprocess, forward), timing each forward pass.
    /// </summary>
    /// <param name="paths">Image files (or DICOM series folders).</param>
    /// <param name="onError">An unreadable image: fail (throw), or skip it and record it in <paramref name="skipped"/> (phase "predict").</param>
    /// <param name="skipped">Where skipped images are recorded, or null.</param>
    /// <exception cref="IOException">An image cannot be read under <see cref="ErrorPolicy.Fail"/> (the message names it).</exception>
    public IReadOnlyList<ImagePrediction> Predict(IEnumerable<string> paths, ErrorPolicy onError = ErrorPolicy.Fail, SkippedImages? skipped = null) =>
        SingleImagePrediction.Run(paths, Manifest, Transform, Forward, onError, skipped);

    /// <summary>
    /// Per-image forward latency in milliseconds (batch of one, preprocessing excluded): <paramref name="warmup"/>
    /// warm-up passes followed by <paramref name="count"/> measured passes, cycling through
    /// <paramref name="paths"/>. All times are returned, warm-up first, so the caller can exclude them
    /// (<c>LatencyStatistics.Compute(times, warmup)</c>) and still see them.
    /// </summary>
    public double[] MeasureLatency(IReadOnlyList<string> paths, int count, int warmup, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0 || count < 1) return [];
        using var scope = DisposeScope.Open();
        var inputs = paths.Take(count).Select(Preprocess).ToArray();
        var times = new double[warmup + count];
        progress?.Report(0);
        for (var i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            Forward(inputs[i % inputs.Length]);
            times[i] = clock.Elapsed.TotalMilliseconds;
            progress?.Report(i + 1);
        }
        return times;
    }

    /// <summary>Reads and preprocesses one image into a [1, C, H, W] batch (current dispose scope).</summary>
    public Tensor Preprocess(string path) => Preprocess(path, Manifest, Transform);

    /// <summary>
    /// Reads and preprocesses one image into a [1, C, H, W] batch (current dispose scope) with <paramref name="manifest"/>'s
    /// evaluation <paramref name="transform"/> (<see cref="ClassificationTransforms.Eval"/>): the one preprocessing every
    /// inference path (this class, an exported ONNX model) shares.
    /// </summary>
    public static Tensor Preprocess(string path, ClassifierManifest manifest, ITransform transform)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(transform);
        var dataset = new ImageDataset([new DatasetItem(path, -1, null)], manifest.Classes);
        var sample = dataset.LoadSample(0, transform, TransformContext.For(manifest.Seed, 0, 0));
        return sample.Image.Unsqueeze(0);
    }

    /// <summary>Class probabilities of one preprocessed [1, C, H, W] input.</summary>
    private double[] Forward(Tensor input)
    {
        using var scope = DisposeScope.Open();
        return [.. Functional.Softmax(_inference.Forward(input), 1).ToArray<float>().Select(p => (double)p)];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsModel) _inference.Dispose();
    }
}

/// <summary>The prediction for one image.</summary>
/// <param name="Path">The image.</param>
/// <param name="Probabilities">Class probabilities in the model's class order.</param>
/// <param name="Class">Index of the top class.</param>
/// <param name="ClassName">Name of the top class.</param>
/// <param name="ForwardMilliseconds">Time of the forward pass alone.</param>
/// <param name="TotalMilliseconds">Time of read + preprocess + forward.</param>
public sealed record ImagePrediction(string Path, double[] Probabilities, int Class, string ClassName, double ForwardMilliseconds, double TotalMilliseconds)
{
    /// <summary>The <paramref name="k"/> most probable classes (all when k ≤ 0 or larger), most probable first; ties in class order.</summary>
    public IReadOnlyList<(int Class, double Probability)> TopK(int k) =>
        [.. Probabilities.Select((p, c) => (c, p)).OrderByDescending(x => x.p).ThenBy(x => x.c).Take(k <= 0 ? Probabilities.Length : k)];
}
