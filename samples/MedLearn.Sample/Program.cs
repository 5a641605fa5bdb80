using System.Globalization;
using MedLearn.Data.Synthetic;
using MedLearn.Methods.Supervised;

// Trains MedLearn's small CNN on synthetic retinopathy-of-prematurity phantoms (the generator ships in the package),
// evaluates it on the held-out split and classifies one image with the exported model.
var output = Path.GetFullPath(args.Length > 0 ? args[0] : "sample-output");
var data = Path.Combine(output, "phantoms");
SyntheticDatasetWriter.WriteRop(data, count: 64, new RopPhantomOptions { Size = 48, Seed = 1 });

var run = ClassificationTraining.Run(new ClassificationTrainingOptions
{
    Data = data,
    Model = "small-cnn",
    Epochs = 3,
    ImageSize = 48,
    ResizeSize = 48,
    BatchSize = 16,
    Workers = 0,
    Seed = 1,
    Out = Path.Combine(output, "runs"),
    BootstrapSamples = 0,
    LatencyImages = 1,
    ExplainSamples = 0,
});
var accuracy = run.Evaluation?.Accuracy ?? double.NaN;
Console.WriteLine($"run: {run.Directory.Path}");
Console.WriteLine($"epochs: {run.Training.EpochsCompleted}");
Console.WriteLine($"{run.EvaluatedSplit} accuracy: {accuracy.ToString("F3", CultureInfo.InvariantCulture)}");

using var classifier = TrainedClassifier.Load(run.Directory.Path);
var image = Directory.EnumerateFiles(data, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
var prediction = classifier.Predict([image]).Single();
Console.WriteLine($"predicted: {Path.GetFileName(image)} -> {prediction.ClassName} ({prediction.Probabilities[prediction.Class].ToString("F3", CultureInfo.InvariantCulture)})");
