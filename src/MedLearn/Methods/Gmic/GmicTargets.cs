using MedLearn.Torch;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// Multi-label GMIC targets from single-label data: class 0 of the dataset is the negative class; class j &gt; 0 is
/// output j - 1, so label l gives <c>y_c = 1 if l = c + 1 else 0</c> (a negative image is all zeros).
/// </summary>
public static class GmicTargets
{
    /// <summary>The output names: the dataset's classes after the first.</summary>
    public static IReadOnlyList<string> OutputNames(IReadOnlyList<string> classes) => [.. classes.Skip(1)];

    /// <summary>float32 targets [N, outputs] from int64 labels [N].</summary>
    /// <exception cref="ArgumentException">A label outside 0..outputs (e.g. -1, unlabeled).</exception>
    public static Tensor FromLabels(Tensor labels, int outputs)
    {
        var values = labels.To(DType.Int64).ToArray<long>();
        var y = new float[values.Length * outputs];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] < 0 || values[i] > outputs) throw new ArgumentException($"label {values[i]} is outside 0..{outputs} (GMIC needs every training image labelled)");
            if (values[i] > 0) y[i * outputs + values[i] - 1] = 1;
        }
        return torch.FromArray(y, values.Length, outputs);
    }
}
