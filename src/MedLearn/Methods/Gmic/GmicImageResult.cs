using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// <see cref="GmicPredictor"/>'s result for one image. Coordinates are network-input pixels (the image after the run's
/// preprocessing, <see cref="InputHeight"/> x <see cref="InputWidth"/>). The saliency maps are kept at the global
/// module's grid resolution (small); <see cref="SaliencyAtInput()"/> upsamples them.
/// </summary>
/// <param name="Path">The image file, or null for a tensor input.</param>
/// <param name="Outputs">Output (class) names.</param>
/// <param name="Head">The head reported as <see cref="Probabilities"/>.</param>
/// <param name="Probabilities">Per output, the probability of <paramref name="Head"/> (mean over the test-time views).</param>
/// <param name="Fusion">y_fusion per output (mean over the views).</param>
/// <param name="Global">y_global per output (mean over the views).</param>
/// <param name="Local">y_local per output (mean over the views).</param>
/// <param name="Views">Views averaged (1 = no test-time augmentation).</param>
/// <param name="InputHeight">Network input height H.</param>
/// <param name="InputWidth">Network input width W.</param>
/// <param name="GridHeight">Saliency grid height h.</param>
/// <param name="GridWidth">Saliency grid width w.</param>
/// <param name="GridSaliency">Saliency maps A [C, h, w] row-major, of the un-jittered view.</param>
/// <param name="Boxes">The K retrieved patches in selection order, of the un-jittered view.</param>
public sealed record GmicImageResult(
    string? Path,
    IReadOnlyList<string> Outputs,
    GmicHead Head,
    float[] Probabilities,
    float[] Fusion,
    float[] Global,
    float[] Local,
    int Views,
    int InputHeight,
    int InputWidth,
    int GridHeight,
    int GridWidth,
    float[] GridSaliency,
    IReadOnlyList<GmicBox> Boxes)
{
    /// <summary>Index of the most probable output (the first one on ties).</summary>
    public int TopOutput
    {
        get
        {
            var best = 0;
            for (var i = 1; i < Probabilities.Length; i++) if (Probabilities[i] > Probabilities[best]) best = i;
            return best;
        }
    }

    /// <summary>
    /// Saliency maps at input size [C, H, W] (float32, current dispose scope), upsampled by nearest neighbour
    /// (PyTorch's <c>interpolate(mode="nearest")</c>: input pixel (y, x) takes grid cell (⌊y·h/H⌋, ⌊x·w/W⌋)).
    /// </summary>
    public Tensor SaliencyAtInput()
    {
        using var scope = DisposeScope.Open();
        var grid = torch.FromArray(GridSaliency, 1, Outputs.Count, GridHeight, GridWidth);
        return scope.MoveToOuter(Functional.Interpolate(grid, [InputHeight, InputWidth], mode: InterpolateMode.Nearest).Squeeze(0).Contiguous());
    }

    /// <summary>The saliency map of output <paramref name="output"/> at input size, row-major [H * W] (see <see cref="SaliencyAtInput()"/>).</summary>
    public float[] SaliencyAtInput(int output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(output, Outputs.Count);
        using var scope = DisposeScope.Open();
        return SaliencyAtInput().Select(0, output).Contiguous().ToArray<float>();
    }
}
