using MedLearn.Torch.Amp;

namespace MedLearn.Profiling;

/// <summary>
/// What <see cref="ModelProfiler.Profile"/> runs: a registry architecture (<see cref="Model"/>, freshly initialised
/// from <see cref="Seed"/>) or a trained run (<see cref="Run"/>: its architecture, classes, channels and weights),
/// in <see cref="Mode"/> on a random input of <see cref="Batch"/> × channels × <see cref="Size"/>².
/// <see cref="Warmup"/> unprofiled steps, then <see cref="Steps"/> steps under the profiler.
/// </summary>
public sealed record ModelProfileOptions
{
    /// <summary>Registry architecture name (e.g. resnet18); exactly one of <see cref="Model"/> and <see cref="Run"/>.</summary>
    public string? Model { get; init; }

    /// <summary>Run folder with model.json and model.pt; exactly one of <see cref="Model"/> and <see cref="Run"/>.</summary>
    public string? Run { get; init; }

    /// <summary>Inference call or training step.</summary>
    public ProfileMode Mode { get; init; } = ProfileMode.Infer;

    /// <summary>Batch size.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>Input height and width; null = the architecture's (or the run's) input size.</summary>
    public int? Size { get; init; }

    /// <summary>Profiled steps.</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Unprofiled warm-up steps before them (oneDNN primitive creation, allocator warm-up).</summary>
    public int Warmup { get; init; } = 3;

    /// <summary>Precision as training and inference resolve it (<see cref="PrecisionPlan.Resolve"/>); Auto is MedLearn's default.</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>Output classes of a registry model (a run has its own).</summary>
    public int Classes { get; init; } = 1000;

    /// <summary>Seed of the initialisation, the input and the labels.</summary>
    public ulong Seed { get; init; }

    /// <summary>Record every op's input shapes (more profiler overhead).</summary>
    public bool RecordShapes { get; init; }
}
