using MedLearn.Torch;

namespace MedLearn.Explain;

/// <summary>
/// A heat map at input resolution ([H, W] for images, [D, H, W] for volumes, float32) explaining one class of one
/// input, with how it was made. The tensors belong to the dispose scope that was current when the map was made;
/// <see cref="Dispose"/> frees them early.
/// </summary>
public sealed class SaliencyMap : IDisposable
{
    /// <summary>A map made by <paramref name="method"/> for class <paramref name="targetClass"/>.</summary>
    public SaliencyMap(Tensor map, string method, int targetClass, double targetProbability)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentException.ThrowIfNullOrEmpty(method);
        Map = map;
        Method = method;
        TargetClass = targetClass;
        TargetProbability = targetProbability;
    }

    /// <summary>The heat map (see the producing method for its scale: probability drops, or [0, 1]).</summary>
    public Tensor Map { get; }

    /// <summary>"occlusion", "gradcam" or "gradcam++".</summary>
    public string Method { get; }

    /// <summary>The explained class.</summary>
    public int TargetClass { get; }

    /// <summary>Probability of <see cref="TargetClass"/> for the unmodified input.</summary>
    public double TargetProbability { get; }

    /// <summary>Occlusion only: number of windows covering each pixel (0 = not measured, map value 0).</summary>
    public Tensor? Coverage { get; init; }

    /// <summary>Grad-CAM only: the layer whose activations were weighted.</summary>
    public string? Layer { get; init; }

    /// <summary>Occlusion only: window positions evaluated.</summary>
    public int Positions { get; init; }

    /// <summary>Forward passes made (occlusion: 1 + ⌈positions / batch⌉; Grad-CAM: 1 forward and 1 backward).</summary>
    public int Forwards { get; init; }

    /// <summary>True when the map is zero everywhere (Grad-CAM: no positive evidence at the layer; occlusion: no window lowered the probability).</summary>
    public bool AllZero { get; init; }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        Map.Dispose();
        Coverage?.Dispose();
    }
}
