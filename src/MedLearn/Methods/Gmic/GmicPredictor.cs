using MedLearn.Data.Datasets;
using MedLearn.Data.Readers;
using MedLearn.Data.Transforms;
using MedLearn.Models.Gmic;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Serialization;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// Inference with a trained GMIC run (gmic.json + gmic.pt): the run's preprocessing, then per image the class
/// probabilities of the chosen head (y_fusion by default), optionally averaged over test-time crop jitters
/// (<see cref="GmicInferenceOptions.Augmentations"/>, <see cref="CropJitter"/>), the saliency maps and the K retrieved
/// boxes with their attention weights (<see cref="GmicImageResult"/>). One image at a time, so memory stays that of one
/// full-resolution forward pass whatever the number of views. The shared entry of <c>medlearn predict</c>,
/// <c>explain</c>, <c>evaluate</c> and the run report for GMIC runs.
/// </summary>
public sealed class GmicPredictor : IDisposable
{
    private readonly ITransform _transform;
    private readonly PrecisionPlan _plan;

    private GmicPredictor(GmicManifest manifest, GmicModel model, GmicInferenceOptions options)
    {
        Manifest = manifest;
        Model = model;
        Options = options;
        _transform = GmicPreprocessing.Create(manifest.ImageHeight, manifest.ImageWidth, manifest.Preprocessing);
        _plan = PrecisionPlan.Resolve(options.Precision, Device.CPU);
        _plan.Apply(model);
    }

    /// <summary>The run's outputs, input size and preprocessing.</summary>
    public GmicManifest Manifest { get; }

    /// <summary>The network (evaluation mode).</summary>
    public GmicModel Model { get; }

    /// <summary>The inference settings.</summary>
    public GmicInferenceOptions Options { get; }

    /// <summary>The resolved precision, in words.</summary>
    public string PrecisionReason => _plan.Reason;

    /// <summary>Loads the exported model of the GMIC run folder <paramref name="runDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">The folder holds no GMIC model (the message names the missing file), or the weights do not fit gmic.json.</exception>
    /// <exception cref="ArgumentException">Invalid <paramref name="options"/>.</exception>
    public static GmicPredictor Load(string runDirectory, GmicInferenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        options ??= new GmicInferenceOptions();
        options.Validate();
        var manifestPath = Path.Combine(runDirectory, GmicManifest.FileName);
        if (!File.Exists(manifestPath)) throw new InvalidDataException($"{manifestPath}: not found (not a GMIC run folder, or training did not finish)");
        var manifest = GmicManifest.Read(manifestPath);
        var weights = Path.Combine(runDirectory, GmicManifest.WeightsFileName);
        if (!File.Exists(weights)) throw new InvalidDataException($"{weights}: not found (the run has no exported model; did training finish?)");
        var model = new GmicModel(manifest.ModelOptions);
        try
        {
            model.LoadStateDictFromFile(weights, strict: true);
            model.Eval();
            return new GmicPredictor(manifest, model, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Reads <paramref name="path"/> and applies the run's preprocessing: the network input [1, H, W] (current dispose scope).</summary>
    /// <exception cref="IOException">The image cannot be read (the message names it).</exception>
    public Tensor Preprocess(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var dataset = new ImageDataset([new DatasetItem(path)], ["image"]);
        using var context = TransformContext.For(Manifest.Seed, 0, 0);
        return dataset.LoadSample(0, _transform, context).Image;
    }

    /// <summary>
    /// Reads <paramref name="path"/> with <paramref name="options"/> (resource limits: a service reading uploads sets
    /// them) and applies the run's preprocessing to the whole image: the network input [1, H, W] (current dispose scope).
    /// The same result as <see cref="Preprocess(string)"/> for the run's transforms, which decode the whole image.
    /// </summary>
    /// <exception cref="ImageReadException">The image cannot be read or is over a limit.</exception>
    /// <exception cref="NotSupportedException">The image is a volume of several slices (GMIC is 2-D).</exception>
    public Tensor Preprocess(string path, ImageReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        using var image = ImageReader.Read(path, options);
        var data = image.Data.Alias();
        var meta = image.Meta;
        if (meta.SpatialDims == 3)
        {
            if (data.Size(1) != 1) throw new NotSupportedException($"{path}: a volume of {data.Size(1)} slices, not a 2-D image");
            data = data.Squeeze(1);
            meta = meta with { SpatialDims = 2, Spacing = meta.Spacing[1..] };
        }
        using var context = TransformContext.For(Manifest.Seed, 0, 0);
        return _transform.Apply(new Data.Sample { Image = data, Meta = meta }, context).Image;
    }

    /// <summary>Reads, preprocesses and predicts one image file.</summary>
    /// <exception cref="IOException">The image cannot be read (the message names it).</exception>
    public GmicImageResult Predict(string path)
    {
        using var scope = DisposeScope.Open();
        return Predict(Preprocess(path), path);
    }

    /// <summary>Predicts one preprocessed network input [1, H, W] (or [1, 1, H, W]) of the run's input size.</summary>
    /// <exception cref="ArgumentException">The input's shape is not the run's.</exception>
    public GmicImageResult Predict(Tensor input, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        int height = Manifest.ImageHeight, width = Manifest.ImageWidth;
        if (!(input.Dim == 3 && input.Shape.SequenceEqual(new long[] { 1, height, width })) && !(input.Dim == 4 && input.Shape.SequenceEqual(new long[] { 1, 1, height, width })))
            throw new ArgumentException($"{path ?? "input"}: expected a preprocessed image [1, {height}, {width}], got [{string.Join(", ", input.Shape)}]", nameof(input));
        var classes = Manifest.Outputs.Count;
        var o = Model.Options;
        var fusion = new double[classes];
        var global = new double[classes];
        var local = new double[classes];
        float[] saliency = [];
        int gridHeight = 0, gridWidth = 0;
        GmicBox[] boxes = [];
        using var scope = DisposeScope.Open();
        using var inference = GradMode.InferenceMode();
        var x = (input.Dim == 3 ? input.Unsqueeze(0) : input).To(DType.Float32);
        for (var view = 0; view < Options.Augmentations; view++)
        {
            using var viewScope = DisposeScope.Open();
            var jittered = CropJitter.Apply(x, view, Options.MinCropScale, Options.Seed);
            GmicOutput output;
            using (_plan.Autocast()) output = Model.Forward(_plan.PrepareInput(jittered));
            Add(fusion, output.Fusion);
            Add(global, output.Global);
            Add(local, output.Local);
            if (view != 0) continue;
            saliency = output.Saliency.To(DType.Float32).Contiguous().ToArray<float>();
            gridHeight = (int)output.Saliency.Size(2);
            gridWidth = (int)output.Saliency.Size(3);
            var attention = output.Attention.To(DType.Float32).Contiguous().ToArray<float>();
            boxes = [.. output.Windows[0].Select((w, k) => new GmicBox(k, w.Row, w.Column, o.CropHeight, o.CropWidth, attention[k]))];
        }
        var n = Options.Augmentations;
        float[] Mean(double[] sum) => [.. sum.Select(v => (float)(v / n))];
        var (f, g, l) = (Mean(fusion), Mean(global), Mean(local));
        var probabilities = Options.Head switch { GmicHead.Global => g, GmicHead.Local => l, _ => f };
        return new GmicImageResult(path, Manifest.Outputs, Options.Head, probabilities, f, g, l, n, height, width, gridHeight, gridWidth, saliency, boxes);
    }

    /// <summary>The K patches of <paramref name="result"/> cut from its network input [1, H, W]: [K, 1, cropH, cropW] (current dispose scope), filled with the image minimum past the borders.</summary>
    public static Tensor Patches(Tensor input, GmicImageResult result)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(result);
        var x = input.Dim == 3 ? input.Unsqueeze(0) : input;
        var windows = result.Boxes.Select(b => new RoiWindow(0, 0, b.Row, b.Column)).ToArray();
        var (h, w) = result.Boxes.Count == 0 ? (1, 1) : (result.Boxes[0].Height, result.Boxes[0].Width);
        return PatchCropper.Crop(x.To(DType.Float32), [windows], h, w);
    }

    private static void Add(double[] sum, Tensor probabilities)
    {
        var values = probabilities.To(DType.Float32).Contiguous().ToArray<float>();
        for (var i = 0; i < sum.Length; i++) sum[i] += values[i];
    }

    /// <summary>Frees the network.</summary>
    public void Dispose() => Model.Dispose();
}
