namespace MedLearn.Profiling;

/// <summary>What one profiled step is.</summary>
public enum ProfileMode
{
    /// <summary>One call of the inference path MedLearn deploys (<see cref="Models.InferenceModel.Forward"/>: folded, plan's layout and dtype, inference mode).</summary>
    Infer,

    /// <summary>One supervised training step as the trainer runs it: forward under the plan's autocast, cross-entropy, backward, SGD step.</summary>
    Train,
}
