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
    /// <remarks>The weights come from a private generator (the test classes run in parallel and would race on libtorch's
    /// global one): convolution weights U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as PyTorch's default, every bias zero (an
    /// untrained network's biases give one label nearly everywhere; without them the logits are a function of the input
    /// alone and the labels vary from voxel to voxel of a noise volume); batch norms and PReLUs keep their constant
    /// initial values.</remarks>
    /// <param name="folder">The run folder.</param>
    /// <param name="classes">Labels including background.</param>
    /// <param name="seed">Seed of the weights.</param>
    /// <param name="backgroundBias">Bias of the last layer's background logit: with it, a flat region (logits near 0)
    /// is background, and only stronger evidence is labelled.</param>
    public static string Write(string folder, long classes = 2, ulong seed = 5, double backgroundBias = 0)
    {
        Directory.CreateDirectory(folder);
        using var network = new VNet(new VNetOptions { BaseFilters = 2, Depth = 2, Classes = classes });
        using (var generator = new Generator(seed))
        using (GradMode.NoGrad())
        using (DisposeScope.Open())
            foreach (var (name, parameter) in network.NamedParameters())
            {
                var shape = parameter.Shape;
                if (shape.Length >= 2)
                {
                    var bound = 1 / Math.Sqrt(shape.Skip(1).Aggregate(1L, (a, b) => a * b));
                    parameter.CopyFrom(torch.Rand(shape, generator) * (2 * bound) - bound);
                }
                else if (name.EndsWith("bias", StringComparison.Ordinal))
                {
                    parameter.Mul_(0);
                }
            }
        if (backgroundBias != 0)
            using (GradMode.NoGrad())
            using (DisposeScope.Open())
                network.NamedParameters().Last(p => p.Name.EndsWith("bias", StringComparison.Ordinal) && p.Parameter.Shape.SequenceEqual([classes]))
                    .Parameter.Narrow(0, 0, 1).Add_(backgroundBias);
        SegmentationNetworkFile.Write(Path.Combine(folder, SegmentationTraining.NetworkFileName), network);
        network.SaveStateDictToFile(Path.Combine(folder, SegmentationTraining.ModelFileName));
        MetricsFile.Write(Path.Combine(folder, SegmentationTraining.OptionsFileName), new SegmentationTrainingOptions
        {
            Data = "unused", Output = "unused", PatchSize = [16, 16, 16], Window = Window, Seed = seed,
        });
        return folder;
    }
}
