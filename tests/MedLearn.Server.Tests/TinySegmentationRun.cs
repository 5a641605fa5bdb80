using MedLearn.Methods.Segmentation;
using MedLearn.Models.Segmentation;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;

namespace MedLearn.Server.Tests;

/// <summary>
/// An untrained tiny V-Net segmentation run folder written like a run's exported files (network.json, model.pt,
/// segment_options.json with a 16³ window, stride 8): what <c>medlearn serve</c> loads, in milliseconds.
/// </summary>
internal static class TinySegmentationRun
{
    /// <summary>The run's sliding window (also what <see cref="VolumeSegmenter"/> must use to reproduce the service's answer).</summary>
    public static SlidingWindowOptions Window => new() { PatchSize = [16, 16, 16], Stride = [8, 8, 8], BatchSize = 2 };

    /// <summary>Writes the run into <paramref name="folder"/> (created) with <paramref name="classes"/> labels and weights from <paramref name="seed"/>.</summary>
    public static string Write(string folder, long classes = 2, ulong seed = 5)
    {
        Directory.CreateDirectory(folder);
        torch.ManualSeed(seed);
        using var network = new VNet(new VNetOptions { BaseFilters = 2, Depth = 2, Classes = classes });
        SegmentationNetworkFile.Write(Path.Combine(folder, SegmentationTraining.NetworkFileName), network);
        network.SaveStateDictToFile(Path.Combine(folder, SegmentationTraining.ModelFileName));
        MetricsFile.Write(Path.Combine(folder, SegmentationTraining.OptionsFileName), new SegmentationTrainingOptions
        {
            Data = "unused", Output = "unused", PatchSize = [16, 16, 16], Window = Window,
        });
        return folder;
    }
}
