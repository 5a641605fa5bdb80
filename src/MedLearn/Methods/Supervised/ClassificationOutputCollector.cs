using MedLearn.Data.Loading;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// Runs a classifier batch by batch and keeps managed copies of the probabilities, targets and paths, plus the
/// summed cross-entropy of the labeled images. The caller provides evaluation mode, inference mode and a dispose
/// scope per batch (the trainer's validation does).
/// </summary>
public sealed class ClassificationOutputCollector
{
    private readonly Func<Tensor, Tensor> _logitsOf;
    private readonly double[]? _classWeights;
    private readonly List<string> _paths = [];
    private readonly List<int> _targets = [];
    private readonly List<double[]> _probabilities = [];
    private double _lossSum;
    private double _lossWeight;

    /// <summary>A collector for a classifier given as its batch forward pass.</summary>
    /// <param name="logitsOf">Images [N, C, H, W] (view 0 of a batch) to logits [N, classes], in the caller's scope.</param>
    /// <param name="classWeights">Class weights of the loss (same as training), or null.</param>
    public ClassificationOutputCollector(Func<Tensor, Tensor> logitsOf, double[]? classWeights = null)
    {
        ArgumentNullException.ThrowIfNull(logitsOf);
        _logitsOf = logitsOf;
        _classWeights = classWeights;
    }

    /// <summary>Runs the model on <paramref name="batch"/> (view 0) and records its outputs.</summary>
    public void Add(Batch batch)
    {
        var logits = _logitsOf(batch.Image).To(DType.Float32);
        var probabilities = Functional.Softmax(logits, 1).ToArray<float>();
        var classes = (int)logits.Shape[1];
        var labels = batch.Labels.ToArray<long>();
        for (var i = 0; i < batch.Count; i++)
        {
            var row = new double[classes];
            for (var c = 0; c < classes; c++) row[c] = probabilities[i * classes + c];
            _probabilities.Add(row);
            _targets.Add((int)labels[i]);
            _paths.Add(batch.Paths[i]);
        }
        var labeled = labels.Count(l => l >= 0);
        if (labeled == 0) return;
        // Summed with the weighted-mean convention of CrossEntropy (sum of w_y * nll / sum of w_y) so that the
        // epoch loss equals the loss over all images at once.
        var weights = _classWeights is null ? null : torch.FromArray(_classWeights.Select(w => (float)w).ToArray(), _classWeights.Length);
        var nll = Functional.CrossEntropy(logits, batch.Labels, weights, Reduction.Sum, ignoreIndex: -1).ToDouble();
        var weight = _classWeights is null ? labeled : labels.Where(l => l >= 0).Sum(l => _classWeights[l]);
        _lossSum += nll;
        _lossWeight += weight;
    }

    /// <summary>Everything recorded so far.</summary>
    public ClassificationOutputs Result() =>
        new(_paths.ToArray(), _targets.ToArray(), _probabilities.ToArray(), _lossWeight > 0 ? _lossSum / _lossWeight : double.NaN);
}
