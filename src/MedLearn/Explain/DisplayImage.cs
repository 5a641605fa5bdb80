using MedLearn.Torch;

namespace MedLearn.Explain;

/// <summary>Turns a model input back into display values for overlays.</summary>
public static class DisplayImage
{
    /// <summary>
    /// Undoes the per-channel normalisation of a model input [C, *spatial]: x·std_c + mean_c, clamped to [0, 1] (the
    /// range the classification pipeline scales images to before normalising). Mean/std lists shorter than C repeat
    /// their last value.
    /// </summary>
    public static Tensor Denormalise(Tensor input, IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || std.Count == 0) throw new ArgumentException("mean and std need at least one value");
        using var scope = DisposeScope.Open();
        var c = input.Size(0);
        long[] shape = [c, .. Enumerable.Repeat(1L, input.Dim - 1)];
        var m = torch.FromArray(Enumerable.Range(0, (int)c).Select(i => (float)mean[Math.Min(i, mean.Count - 1)]).ToArray(), shape);
        var s = torch.FromArray(Enumerable.Range(0, (int)c).Select(i => (float)std[Math.Min(i, std.Count - 1)]).ToArray(), shape);
        return scope.MoveToOuter((input.To(DType.Float32) * s + m).Clamp(0, 1));
    }
}
