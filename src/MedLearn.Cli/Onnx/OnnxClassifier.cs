using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Export;
using MedLearn.Methods.Supervised;
using MedLearn.Torch;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = MedLearn.Torch.Tensor;

namespace MedLearn.Cli.Onnx;

/// <summary>
/// A classifier exported by <c>medlearn export</c>, run by ONNX Runtime: the network's forward pass never touches
/// libtorch. The classes and the evaluation preprocessing come from the file's metadata (the run's model.json, see
/// <see cref="OnnxMetadataKeys.Manifest"/>), so no run folder is needed; images are read and preprocessed exactly as
/// <see cref="TrainedClassifier"/> does (<see cref="TrainedClassifier.Preprocess(string, ClassifierManifest, ITransform)"/>).
/// </summary>
internal sealed class OnnxClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly ITransform _transform;

    private OnnxClassifier(InferenceSession session, ClassifierManifest manifest)
    {
        _session = session;
        Manifest = manifest;
        _inputName = session.InputMetadata.Keys.First();
        _transform = ClassificationTransforms.Eval(manifest);
    }

    /// <summary>Classes and preprocessing, from the file's metadata.</summary>
    public ClassifierManifest Manifest { get; }

    /// <summary>Opens an exported classifier.</summary>
    /// <exception cref="InvalidDataException">Not an ONNX file, or not a MedLearn classifier export (names the file and why).</exception>
    public static OnnxClassifier Open(string path, int threads = 0)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new InvalidDataException($"{full}: not found");
        InferenceSession session;
        try
        {
            using var options = new SessionOptions { IntraOpNumThreads = threads };
            session = new InferenceSession(full, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{full}: not a readable ONNX model: {e.Message}", e);
        }
        try
        {
            var meta = session.ModelMetadata.CustomMetadataMap;
            if (!meta.TryGetValue(OnnxMetadataKeys.Manifest, out var json) || meta.GetValueOrDefault(OnnxMetadataKeys.Kind) != "classifier")
                throw new InvalidDataException($"{full}: not a MedLearn classifier export (no '{OnnxMetadataKeys.Manifest}' metadata; write it with `medlearn export --run RUN --format onnx`)");
            return new OnnxClassifier(session, ClassifierManifest.Parse(json, full + " (metadata " + OnnxMetadataKeys.Manifest + ")"));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Logits of a preprocessed [N, C, H, W] float32 batch.</summary>
    public float[] Logits(Tensor batch)
    {
        var data = batch.Contiguous().ToArray<float>();
        var input = new DenseTensor<float>(data, [.. batch.Shape.Select(d => (int)d)]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_inputName, input)]);
        return [.. results.First().AsEnumerable<float>()];
    }

    /// <summary>Classifies images one at a time, as <see cref="TrainedClassifier.Predict"/> does (same records, same skip rules).</summary>
    public IReadOnlyList<ImagePrediction> Predict(IEnumerable<string> paths, ErrorPolicy onError = ErrorPolicy.Fail, SkippedImages? skipped = null) =>
        SingleImagePrediction.Run(paths, Manifest, _transform, input => Softmax(Logits(input)), onError, skipped);

    /// <summary>Softmax of one row of logits, max-subtracted, in double precision.</summary>
    internal static double[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
