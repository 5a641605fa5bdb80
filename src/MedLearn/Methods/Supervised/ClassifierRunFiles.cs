using MedLearn.Models;
using MedLearn.Torch.Serialization;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// The exported model of a classify or semi run folder: <see cref="ClassifierManifest.FileName"/> (architecture, classes,
/// preprocessing) and <see cref="ClassifierManifest.WeightsFileName"/> (the best weights), as predict, explain, export
/// and profile read them.
/// </summary>
internal static class ClassifierRunFiles
{
    /// <summary>Reads the manifest of <paramref name="runDirectory"/> and the path of its weights file.</summary>
    /// <exception cref="InvalidDataException">The manifest is missing or malformed, or the weights file is missing.</exception>
    public static (ClassifierManifest Manifest, string WeightsPath) Locate(string runDirectory)
    {
        var manifest = ClassifierManifest.Read(Path.Combine(runDirectory, ClassifierManifest.FileName));
        var weights = Path.Combine(runDirectory, ClassifierManifest.WeightsFileName);
        if (!File.Exists(weights)) throw new InvalidDataException($"{weights}: not found (the run has no exported model; did training finish?)");
        return (manifest, weights);
    }

    /// <summary>A new network of the manifest's architecture with <paramref name="weightsPath"/> loaded by name (strict).</summary>
    public static ImageClassifier CreateNetwork(ClassifierManifest manifest, string weightsPath)
    {
        var model = ModelRegistry.Create(manifest.Architecture, manifest.Classes.Count, manifest.InChannels, manifest.ModelOptions);
        try
        {
            model.LoadStateDictFromFile(weightsPath);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
