using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Models.Gmic;
using MedLearn.Torch;
using MedLearn.Torch.Amp;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// Runs a trained <see cref="GmicModel"/> over a dataset (eval mode, inference mode, the precision plan's autocast)
/// and collects one <see cref="GmicPrediction"/> per image; positive images with a lesion mask are also measured
/// with <see cref="LesionLocalisation"/> on the saliency map of their true class.
/// </summary>
public static class GmicEvaluator
{
    /// <summary>Predictions for every image of <paramref name="dataset"/>, in dataset order.</summary>
    public static IReadOnlyList<GmicPrediction> Predict(GmicModel model, ImageDataset dataset, PrecisionPlan plan, int height, int width,
        string preprocessing, int batchSize, int workers, ErrorPolicy onError, double diceThreshold, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var scheme = new GmicLabelScheme([.. Enumerable.Range(1, model.Options.Classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))], "0");
        return Predict(model, dataset, plan, GmicPreprocessing.Create(height, width, preprocessing), scheme, height, width, batchSize, workers, onError, diceThreshold, progress, cancellation);
    }

    /// <summary>
    /// Predictions with the preprocessing <paramref name="transform"/> (it must produce <paramref name="height"/> x
    /// <paramref name="width"/> inputs) and targets by <paramref name="scheme"/>; localisation is measured on the saliency
    /// map of the image's first positive output.
    /// </summary>
    public static IReadOnlyList<GmicPrediction> Predict(GmicModel model, ImageDataset dataset, PrecisionPlan plan, ITransform transform, GmicLabelScheme scheme,
        int height, int width, int batchSize, int workers, ErrorPolicy onError, double diceThreshold, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(scheme);
        model.Eval();
        var classes = model.Options.Classes;
        var result = new List<GmicPrediction>();
        var loader = new DataLoader(dataset, transform,
            new DataLoaderOptions { BatchSize = batchSize, Workers = workers, OnError = onError });
        foreach (var batchItem in loader.Epoch(0))
        {
            using var batch = batchItem;
            cancellation.ThrowIfCancellationRequested();
            using var scope = DisposeScope.Open();
            using var inference = GradMode.InferenceMode();
            GmicOutput output;
            using (plan.Autocast()) output = model.Forward(plan.PrepareInput(batch.Image));
            var labels = batch.Labels.ToArray<long>();
            var fusion = Rows(output.Fusion, classes);
            var global = Rows(output.Global, classes);
            var local = Rows(output.Local, classes);
            var attention = Rows(output.Attention, model.Options.Patches);
            var saliency = output.Saliency.To(DType.Float32).Contiguous().ToArray<float>();
            int h = (int)output.Saliency.Size(2), w = (int)output.Saliency.Size(3);
            var masks = batch.Mask?.To(DType.UInt8).Contiguous().ToArray<byte>();
            for (var i = 0; i < batch.Count; i++)
            {
                LesionLocalisation.Result? loc = null;
                var targets = scheme.Targets(labels[i]);
                if (targets is not null)
                {
                    var mask = masks is null ? default : masks.AsSpan(i * height * width, height * width);
                    var c = Array.FindIndex(targets, t => t > 0.5f);
                    if (c >= 0 && masks is not null && mask.ContainsAnyExcept((byte)0))
                    {
                        var map = saliency.AsSpan((i * classes + c) * h * w, h * w);
                        loc = LesionLocalisation.Measure(map, h, w, mask, height, width, output.Windows[i], model.Options.CropHeight, model.Options.CropWidth, diceThreshold);
                    }
                }
                result.Add(new GmicPrediction(batch.Paths[i], targets, fusion[i], global[i], local[i], output.Windows[i], attention[i], loc));
            }
            progress?.Report(result.Count);
        }
        return result;
    }

    private static float[][] Rows(Tensor t, int columns)
    {
        var data = t.To(DType.Float32).Contiguous().ToArray<float>();
        return [.. Enumerable.Range(0, data.Length / columns).Select(i => data[(i * columns)..((i + 1) * columns)])];
    }
}
