namespace MedLearn.Profiling;

/// <summary>
/// Profiles what MedLearn really runs for a model: the deployed inference path (<see cref="Models.InferenceModel"/>)
/// or a supervised training step as the trainer runs it, each under the precision plan training and inference
/// resolve by default, with libtorch's op profiler on the calling thread. Write the result with
/// <see cref="ModelProfileWriter"/>.
/// </summary>
public static class ModelProfiler
{
    /// <summary>Runs <paramref name="options"/>'s warm-up and profiled steps on the calling thread.</summary>
    /// <exception cref="ArgumentException">Neither or both of model and run, an unknown architecture, or a non-positive count.</exception>
    /// <exception cref="InvalidDataException">The run folder holds no readable exported model.</exception>
    public static ModelProfileResult Profile(ModelProfileOptions options, IProgress<ModelProfileProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.Model is null) == (options.Run is null)) throw new ArgumentException("name exactly one of a registry model and a trained run to profile");
        if (options.Batch < 1) throw new ArgumentException($"the batch size must be at least 1, got {options.Batch}");
        if (options.Steps < 1) throw new ArgumentException($"the number of profiled steps must be at least 1, got {options.Steps}");
        if (options.Warmup < 0) throw new ArgumentException($"the number of warm-up steps cannot be negative, got {options.Warmup}");
        if (options.Size is < 8) throw new ArgumentException($"the input size must be at least 8 pixels, got {options.Size}");
        if (options.Classes < 2) throw new ArgumentException($"a classifier needs at least 2 classes, got {options.Classes}");
        return new ModelProfileRunner(options, progress, cancellation).Run();
    }
}
