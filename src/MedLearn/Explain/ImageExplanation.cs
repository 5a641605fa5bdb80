using System.Text.Json.Serialization;

namespace MedLearn.Explain;

/// <summary>The explanation of one image by <see cref="RunExplainer"/>: the prediction, the map's provenance, the
/// deletion check, and the overlay picture.</summary>
public sealed record ImageExplanation
{
    /// <summary>The image file.</summary>
    public required string Path { get; init; }

    /// <summary>"occlusion", "gradcam" or "gradcam++".</summary>
    public required string Method { get; init; }

    /// <summary>Grad-CAM layer, or null.</summary>
    public string? Layer { get; init; }

    /// <summary>The class the model predicts.</summary>
    public required string PredictedClass { get; init; }

    /// <summary>Its probability.</summary>
    public double PredictedProbability { get; init; }

    /// <summary>The explained class.</summary>
    public required string TargetClass { get; init; }

    /// <summary>Its probability on the unmodified image.</summary>
    public double TargetProbability { get; init; }

    /// <summary>The true class when known (report samples), else null.</summary>
    public string? TrueClass { get; init; }

    /// <summary>Smallest and largest map value (occlusion: probability drops; Grad-CAM: 0 and 1 unless all zero).</summary>
    public double MapMin { get; init; }

    /// <summary>Largest map value.</summary>
    public double MapMax { get; init; }

    /// <summary>True when the map is zero everywhere.</summary>
    public bool AllZero { get; init; }

    /// <summary>Occlusion window positions (0 for Grad-CAM).</summary>
    public int Positions { get; init; }

    /// <summary>Forward passes of the map (not counting the deletion curve).</summary>
    public int Forwards { get; init; }

    /// <summary>Normalised area under the deletion curve (lower = more faithful), or null when not computed.</summary>
    public double? DeletionAuc { get; init; }

    /// <summary>Removed fraction per deletion step.</summary>
    public IReadOnlyList<double> DeletionFractions { get; init; } = [];

    /// <summary>Target probability per deletion step.</summary>
    public IReadOnlyList<double> DeletionProbabilities { get; init; } = [];

    /// <summary>Wall time of map + deletion curve + overlay, in seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>File name of the overlay PNG in the output folder (set when written).</summary>
    public string? Overlay { get; init; }

    /// <summary>The overlay picture (PNG bytes); not serialised.</summary>
    [JsonIgnore]
    public byte[] OverlayPng { get; init; } = [];

    /// <summary>The heat map's values, row-major over [<see cref="MapHeight"/>, <see cref="MapWidth"/>] (the model input's grid); not written to explanations.json.</summary>
    [JsonIgnore]
    public float[] MapValues { get; init; } = [];

    /// <summary>Rows of <see cref="MapValues"/>.</summary>
    [JsonIgnore]
    public int MapHeight { get; init; }

    /// <summary>Columns of <see cref="MapValues"/>.</summary>
    [JsonIgnore]
    public int MapWidth { get; init; }
}
