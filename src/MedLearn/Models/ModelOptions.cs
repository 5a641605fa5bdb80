namespace MedLearn.Models;

/// <summary>
/// Architecture options of a registry model (<c>model-options</c> in run.yaml, e.g. <c>--set model-options.width=32</c>).
/// Null = the architecture's default. Only <c>small-cnn</c> has options today; giving one for another architecture is an
/// error naming the option. Recorded in model.json so predict, evaluate and explain rebuild the same network.
/// </summary>
public sealed record ModelOptions
{
    /// <summary>small-cnn: channels of the first stage (stage i has width · 2^(i−1)); default 16.</summary>
    public int? Width { get; init; }

    /// <summary>small-cnn: number of conv3x3-bn-relu stages (each halves the resolution); default 3.</summary>
    public int? Depth { get; init; }

    /// <summary>small-cnn: dropout probability on the pooled features before the head <c>fc</c> (training only); default 0.</summary>
    public double? Dropout { get; init; }

    /// <summary>True when no option is set.</summary>
    public bool IsDefault => Width is null && Depth is null && Dropout is null;
}
