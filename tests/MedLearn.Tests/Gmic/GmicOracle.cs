using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Tests.Gmic;

/// <summary>
/// The deterministic weights and images of tools/golden/gen_gmic.py, computed the same way (float64 formula,
/// then float32), so the golden file need not store 14 M weights.
/// </summary>
internal static class GmicOracle
{
    /// <summary>value = a + b sin(0.37 i + 0.11 j) per state-dict entry j (see gen_gmic.py's deterministic_state).</summary>
    public static void DeterministicState(Module model)
    {
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var j = 0;
        foreach (var (name, t) in model.StateDict())
        {
            var index = j++;
            if (!t.DType.IsFloatingPoint()) continue;
            var i = torch.Arange(0, t.NumEl, dtype: DType.Float64);
            var s = (i * 0.37 + 0.11 * index).Sin();
            double a, b;
            if (name.EndsWith("running_var", StringComparison.Ordinal)) (a, b) = (1.0, 0.25);
            else if (t.Dim == 1 && name.EndsWith("weight", StringComparison.Ordinal)) (a, b) = (1.0, 0.1);
            else if (t.Dim == 1) (a, b) = (0.0, 0.05);
            else (a, b) = (0.0, 1.5 / Math.Sqrt((double)t.NumEl / t.Size(0)));
            t.CopyFrom((s * b + a).View(t.Shape).To(DType.Float32));
        }
    }

    /// <summary>x[k, 0, r, c] = sin(0.05 (k + 1) r) cos(0.07 c) + 0.5 sin(0.013 r c), as [n, 1, h, w] float32.</summary>
    public static Tensor Image(int n, int h, int w)
    {
        var r = torch.Arange(0, h, dtype: DType.Float64).View(h, 1);
        var c = torch.Arange(0, w, dtype: DType.Float64).View(1, w);
        var images = Enumerable.Range(0, n).Select(k => (r * (0.05 * (k + 1))).Sin() * (c * 0.07).Cos() + (r * 0.013 * c).Sin() * 0.5).ToList();
        return torch.Stack(images).Unsqueeze(1).To(DType.Float32);
    }
}
