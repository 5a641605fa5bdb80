using System.Globalization;
using MedLearn.Training;

namespace MedLearn.Cli.Rendering;

/// <summary>One stderr line per training pass of a segmentation run: iterations done, loss terms, learning rate.</summary>
internal sealed class SegmentationProgress(TextWriter output, int iterations) : ITrainingCallback
{
    private int _batchesPerEpoch = 1;

    private int _iterations = iterations;

    public void OnTrainingStart(TrainingStart start)
    {
        _batchesPerEpoch = start.BatchesPerEpoch;
        if (_iterations <= 0) _iterations = start.Epochs * start.BatchesPerEpoch; // resumed: the run's own length
    }

    public void OnEpochEnd(EpochRecord epoch)
    {
        var done = Math.Min(_iterations, (epoch.Epoch + 1) * _batchesPerEpoch);
        string F(string name) => epoch.Metrics.TryGetValue("train_" + name, out var v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
        var validation = epoch.Metrics.TryGetValue("val_dice", out var dice) ? string.Create(CultureInfo.InvariantCulture, $"  val_dice {dice:0.0000}") : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"iteration {done}/{_iterations}  loss {F("loss")}  ce {F("ce")}  dice_loss {F("dice_loss")}  sdf {F("sdf_mse")}  intra {F("intra")}  cross {F("cross")}  lambda {F("lambda")}  lr {epoch.LearningRate:0.#####}  {epoch.Seconds:0.0}s{validation}"));
    }
}
