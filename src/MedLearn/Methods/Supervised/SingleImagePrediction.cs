using System.Diagnostics;
using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Torch;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// The per-image prediction loop every classifier back end shares (libtorch's <see cref="TrainedClassifier"/>, an
/// exported model run by ONNX Runtime): read and preprocess one image, run the back end's forward, take the top class,
/// time both. Only the forward differs between back ends, so it is the one thing passed in.
/// </summary>
public static class SingleImagePrediction
{
    /// <summary>Classifies <paramref name="paths"/> one at a time.</summary>
    /// <param name="paths">Image files (or DICOM series folders).</param>
    /// <param name="manifest">Classes and preprocessing.</param>
    /// <param name="transform">The evaluation preprocessing (<see cref="ClassificationTransforms.Eval"/>).</param>
    /// <param name="probabilities">Class probabilities of one preprocessed [1, C, H, W] input.</param>
    /// <param name="onError">An unreadable image: fail (throw), or skip it and record it in <paramref name="skipped"/> (phase "predict").</param>
    /// <param name="skipped">Where skipped images are recorded, or null.</param>
    /// <exception cref="IOException">An image cannot be read under <see cref="ErrorPolicy.Fail"/> (the message names it).</exception>
    public static IReadOnlyList<ImagePrediction> Run(IEnumerable<string> paths, ClassifierManifest manifest, ITransform transform,
        Func<Tensor, double[]> probabilities, ErrorPolicy onError = ErrorPolicy.Fail, SkippedImages? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(probabilities);
        var result = new List<ImagePrediction>();
        foreach (var path in paths)
        {
            using var scope = DisposeScope.Open();
            var total = Stopwatch.StartNew();
            Tensor input;
            try
            {
                input = TrainedClassifier.Preprocess(path, manifest, transform);
            }
            catch (Exception e) when (onError == ErrorPolicy.Skip && e is IOException or InvalidDataException or DatasetException)
            {
                skipped?.Add(path, "predict", e is Data.Readers.ImageReadException r ? r.Reason : e.Message);
                continue;
            }
            var forward = Stopwatch.StartNew();
            var p = probabilities(input);
            forward.Stop();
            var best = 0;
            for (var c = 1; c < p.Length; c++) if (p[c] > p[best]) best = c;
            result.Add(new ImagePrediction(path, p, best, manifest.Classes[best], forward.Elapsed.TotalMilliseconds, total.Elapsed.TotalMilliseconds));
        }
        return result;
    }
}
