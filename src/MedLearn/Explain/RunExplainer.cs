using System.Diagnostics;
using MedLearn.Data.Datasets;
using MedLearn.Data.Readers;
using MedLearn.Data.Transforms;
using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Serialization;

namespace MedLearn.Explain;

/// <summary>
/// Explains the predictions of a trained classification run (model.json + model.pt) on image files: the run's
/// evaluation preprocessing, a float32 unfolded copy of the network for Grad-CAM (gradients need it), and an
/// <see cref="InferenceModel"/> copy (folded batch norms, channels-last, bfloat16 weights where the CPU has native
/// bfloat16 and the precision is auto) for the many forward passes of occlusion and the deletion curve.
/// </summary>
public sealed class RunExplainer : IDisposable
{
    private readonly ITransform _transform;

    private RunExplainer(ClassifierManifest manifest, ImageClassifier model, InferenceModel inference)
    {
        Manifest = manifest;
        Model = model;
        Inference = inference;
        _transform = ClassificationTransforms.Eval(manifest);
    }

    /// <summary>The run's classes and preprocessing.</summary>
    public ClassifierManifest Manifest { get; }

    /// <summary>The network in float32, evaluation mode, batch norms not folded (Grad-CAM).</summary>
    public ImageClassifier Model { get; }

    /// <summary>The network prepared for fast inference (occlusion, deletion curve, predictions).</summary>
    public InferenceModel Inference { get; }

    /// <summary>Loads the exported model of <paramref name="runDirectory"/> twice (float32 for gradients, prepared for inference).</summary>
    /// <exception cref="InvalidDataException">The folder holds no exported model, or the files disagree.</exception>
    public static RunExplainer Load(string runDirectory, Precision precision = Precision.Auto)
    {
        var (manifest, weights) = ClassifierRunFiles.Locate(runDirectory);
        ImageClassifier? model = null, copy = null;
        try
        {
            model = ClassifierRunFiles.CreateNetwork(manifest, weights);
            model.Eval();
            copy = ClassifierRunFiles.CreateNetwork(manifest, weights);
            var inference = InferenceModel.Prepare(copy, PrecisionPlan.Resolve(precision, Device.CPU, 2));
            return new RunExplainer(manifest, model, inference);
        }
        catch
        {
            model?.Dispose();
            copy?.Dispose();
            throw;
        }
    }

    /// <summary>Reads and preprocesses one image into the model input [C, H, W] (current dispose scope).</summary>
    /// <exception cref="IOException">The image cannot be read (the message names it).</exception>
    public Tensor Preprocess(string path)
    {
        var dataset = new ImageDataset([new DatasetItem(path, -1, null)], Manifest.Classes);
        return dataset.LoadSample(0, _transform, TransformContext.For(Manifest.Seed, 0, 0)).Image;
    }

    /// <summary>
    /// Reads one image with <paramref name="options"/> (resource limits: a service reading uploads sets them lower)
    /// and applies the run's evaluation preprocessing, as <see cref="Preprocess(string)"/> does, into [C, H, W]
    /// (current dispose scope).
    /// </summary>
    /// <remarks>A volume of one slice (a 2-D NIfTI, a single-frame series) is taken as the 2-D image it is.</remarks>
    /// <exception cref="ImageReadException">The image cannot be read or is over a limit.</exception>
    /// <exception cref="NotSupportedException">The image is a volume of several slices (the classifier is 2-D).</exception>
    public Tensor Preprocess(string path, ImageReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var image = ImageReader.Read(path, options);
        var data = image.Data.Alias();
        var meta = image.Meta;
        if (meta.SpatialDims == 3)
        {
            if (data.Size(1) != 1)
                throw new NotSupportedException($"{path}: a volume of {data.Size(1)} slices, not a 2-D image");
            data = data.Squeeze(1);
            meta = meta with { SpatialDims = 2, Spacing = meta.Spacing[1..] };
        }
        // The evaluation transform plans no crop (Resize comes before CenterCrop), so reading the whole image and
        // applying it is exactly what ImageDataset.LoadSample does for Preprocess(path).
        var sample = new Data.Sample { Image = data, Meta = meta };
        using var context = TransformContext.For(Manifest.Seed, 0, 0);
        return _transform.Apply(sample, context).Image;
    }

    /// <summary>
    /// Explains one image: prediction, map (<see cref="ExplanationSettings.Method"/>) for the requested or predicted
    /// class, deletion curve, and the overlay PNG (image | overlay | colour bar).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown class name or layer, or invalid occlusion settings.</exception>
    /// <exception cref="IOException">The image cannot be read.</exception>
    public ImageExplanation Explain(string path, ExplanationSettings settings, IProgress<ExplainProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var scope = DisposeScope.Open();
        var clock = Stopwatch.StartNew();
        return Explain(Preprocess(path), path, settings, progress, cancellation, clock);
    }

    /// <summary>
    /// Explains one already preprocessed input [C, H, W] (from <see cref="Preprocess(string)"/> or the same
    /// evaluation transform applied to an image read with other limits); <paramref name="label"/> is what
    /// <see cref="ImageExplanation.Path"/> reports. The map's values are returned too
    /// (<see cref="ImageExplanation.MapValues"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown class name or layer, or invalid occlusion settings.</exception>
    public ImageExplanation Explain(Tensor input, string label, ExplanationSettings settings, IProgress<ExplainProgress>? progress = null,
        CancellationToken cancellation = default) => Explain(input, label, settings, progress, cancellation, Stopwatch.StartNew());

    private ImageExplanation Explain(Tensor input, string path, ExplanationSettings settings, IProgress<ExplainProgress>? progress,
        CancellationToken cancellation, Stopwatch clock)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(settings);
        using var scope = DisposeScope.Open();
        var probabilities = ClassProbabilities.All(Inference.Forward(input.Unsqueeze(0)));
        var predicted = ClassProbabilities.Predicted(probabilities);
        var target = predicted;
        if (settings.ClassName is { } name)
        {
            target = Manifest.Classes.ToList().IndexOf(name);
            if (target < 0) throw new ArgumentException($"unknown class '{name}'; the run's classes are: {string.Join(", ", Manifest.Classes)}");
        }

        using var map = settings.Method == ExplainMethod.Occlusion
            ? OcclusionSensitivity.Compute(Inference.Forward, input, settings.Occlusion with { TargetClass = target }, progress, cancellation)
            : GradCam.Compute(Model, input, new GradCamOptions
            {
                Layer = settings.Layer,
                TargetClass = target,
                Method = settings.Method == ExplainMethod.GradCam ? CamMethod.GradCam : CamMethod.GradCamPlusPlus,
            });
        cancellation.ThrowIfCancellationRequested();
        var deletion = settings.DeletionSteps > 0
            ? Faithfulness.Deletion(Inference.Forward, input, map.Map, target, new DeletionOptions
            {
                Steps = settings.DeletionSteps,
                Fill = settings.Occlusion.Fill,
                BlurSigma = settings.Occlusion.BlurSigma,
                BatchSize = Math.Min(settings.Occlusion.BatchSize, settings.DeletionSteps + 1),
            })
            : null;
        var png = SaliencyOverlay.EncodePng(DisplayImage.Denormalise(input, Manifest.Mean, Manifest.Std), map.Map, settings.Overlay);
        return new ImageExplanation
        {
            Path = path,
            Method = settings.Method.Name(),
            Layer = map.Layer,
            PredictedClass = Manifest.Classes[predicted],
            PredictedProbability = probabilities[predicted],
            TargetClass = Manifest.Classes[target],
            TargetProbability = probabilities[target],
            MapMin = map.Map.Min().ToDouble(),
            MapMax = map.Map.Max().ToDouble(),
            AllZero = map.AllZero,
            Positions = map.Positions,
            Forwards = map.Forwards,
            DeletionAuc = deletion?.Auc,
            DeletionFractions = deletion?.Fractions ?? [],
            DeletionProbabilities = deletion?.Probabilities ?? [],
            Seconds = clock.Elapsed.TotalSeconds,
            OverlayPng = png,
            MapHeight = (int)map.Map.Size(-2),
            MapWidth = (int)map.Map.Size(-1),
            MapValues = map.Map.To(DType.Float32).Contiguous().ToArray<float>(),
        };
    }

    /// <summary>Disposes both networks.</summary>
    public void Dispose()
    {
        Model.Dispose();
        Inference.Dispose();
    }
}
