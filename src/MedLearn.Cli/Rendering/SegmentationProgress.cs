using System.Globalization;
using MedLearn.Training;

namespace MedLearn.Cli.Rendering;

/// <summary>One stderr line per training pass of a segmentation run: iterations done, loss terms, learning rate.</summary>
internal sealed class SegmentationProgress(TextWriter output, int iterations) : ITrainingCallback
{
    private int _batchesPerEpoch = 1;

    public void OnTrainingStart(TrainingStart start) => _batchesPerEpoch = start.BatchesPerEpoch;

    public void OnEpochEnd(EpochRecord epoch)
    {
        var done = Math.Min(iterations, (epoch.Epoch + 1) * _batchesPerEpoch);
        string F(string name) => epoch.Metrics.TryGetValue("train_" + name, out var v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"iteration {done}/{iterations}  loss {F("loss")}  ce {F("ce")}  dice_loss {F("dice_loss")}  sdf {F("sdf_mse")}  intra {F("intra")}  cross {F("cross")}  lambda {F("lambda")}  lr {epoch.LearningRate:0.#####}  {epoch.Seconds:0.0}s"));
    }
}
