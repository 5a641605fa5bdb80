using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Sliding-window inference of a whole volume with a patch-sized network: windows of <see cref="SlidingWindowOptions.PatchSize"/>
/// start at <c>min(i · stride, size − patch)</c> for <c>i = 0 .. ceil((size − patch) / stride)</c> along each axis (the
/// reference code's grid, which always covers the last voxels); each window's softmax probabilities are added into
/// CPU accumulators with weight 1 (constant) or a Gaussian, and divided by the summed weights:
/// <c>P(v) = Σ_w g_w(v) · softmax(f(x_w))(v) / Σ_w g_w(v)</c>.
/// </summary>
/// <remarks>
/// <para>Volumes smaller than the patch along an axis are zero-padded at the end to the patch size (the reference pads
/// symmetrically with zeros; end-padding keeps indices simple) and the result is cropped back to the input size.</para>
/// <para>Runs without gradients; windows are batched <see cref="SlidingWindowOptions.BatchSize"/> at a time.</para>
/// </remarks>
public static class SlidingWindowInference
{
    /// <summary>Window origins along one axis of <paramref name="size"/> voxels (size ≥ patch).</summary>
    public static int[] Origins(int size, int patch, int stride)
    {
        if (size <= patch) return [0];
        var steps = (int)Math.Ceiling((size - patch) / (double)stride) + 1;
        return [.. Enumerable.Range(0, steps).Select(i => Math.Min(i * stride, size - patch))];
    }

    /// <summary>
    /// Averaged class probabilities [K, D, H, W] of <paramref name="volume"/> [C, D, H, W] under <paramref name="logits"/>
    /// (a network mapping [B, C, pd, ph, pw] to logits [B, K, pd, ph, pw]). The result is in the caller's dispose scope.
    /// </summary>
    public static Tensor Probabilities(Func<Tensor, Tensor> logits, Tensor volume, SlidingWindowOptions options, IProgress<int>? windowsDone = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (volume.Dim != 4) throw new ArgumentException($"expected a volume [C, D, H, W], got [{string.Join(", ", volume.Shape)}]", nameof(volume));
        var size = volume.Shape[1..].Select(s => (int)s).ToArray();
        var patch = options.PatchSize;
        using var noGrad = GradMode.NoGrad();
        using var scope = DisposeScope.Open();
        var input = volume.To(DType.Float32);
        var padded = size.Select((s, a) => Math.Max(s, patch[a])).ToArray();
        if (!padded.SequenceEqual(size))
            input = PadEnd(input, size, padded);
        var origins = new List<int[]>();
        foreach (var z in Origins(padded[0], patch[0], options.Stride[0]))
        foreach (var y in Origins(padded[1], patch[1], options.Stride[1]))
        foreach (var x in Origins(padded[2], patch[2], options.Stride[2]))
            origins.Add([z, y, x]);
        var weight = options.Blending == WindowBlending.Gaussian ? GaussianWeight(patch) : null;
        Tensor? sum = null;
        var weightSum = torch.Zeros(1, padded[0], padded[1], padded[2]);
        var done = 0;
        foreach (var group in origins.Chunk(options.BatchSize))
        {
            using var step = DisposeScope.Open();
            var windows = group.Select(o => input.Narrow(1, o[0], patch[0]).Narrow(2, o[1], patch[1]).Narrow(3, o[2], patch[2])).ToArray();
            var probs = logits(torch.Stack(windows, 0)).To(DType.Float32).Softmax(1);
            if (sum is null)
            {
                sum = step.MoveToOuter(torch.Zeros(probs.Size(1), padded[0], padded[1], padded[2]));
            }
            for (var i = 0; i < group.Length; i++)
            {
                var o = group[i];
                var p = probs.Select(0, i);
                if (weight is not null) p = p * weight;
                Window(sum, o, patch).Add_(p);
                var w = Window(weightSum, o, patch);
                if (weight is not null) w.Add_(weight); else w.Add_(1.0);
            }
            done += group.Length;
            windowsDone?.Report(done);
        }
        var result = sum! / weightSum;
        if (!padded.SequenceEqual(size))
            result = result.Narrow(1, 0, size[0]).Narrow(2, 0, size[1]).Narrow(3, 0, size[2]).Contiguous();
        return scope.MoveToOuter(result);
    }

    private static Tensor Window(Tensor t, int[] o, int[] patch) =>
        t.Narrow(1, o[0], patch[0]).Narrow(2, o[1], patch[1]).Narrow(3, o[2], patch[2]);

    private static Tensor PadEnd(Tensor input, int[] size, int[] padded) =>
        // F.pad order: last dim first, (before, after) per dim.
        Functional.Pad(input, [0, padded[2] - size[2], 0, padded[1] - size[1], 0, padded[0] - size[0]]);

    /// <summary>The Gaussian importance map [1, pd, ph, pw]: exp(−½ Σ_a ((i_a − c_a)/σ_a)²), σ_a = patch_a / 8, scaled to max 1, floored at 1e-3 so no voxel has zero weight.</summary>
    internal static Tensor GaussianWeight(int[] patch)
    {
        var n = patch[0] * patch[1] * patch[2];
        var values = new float[n];
        for (var z = 0; z < patch[0]; z++)
        for (var y = 0; y < patch[1]; y++)
        for (var x = 0; x < patch[2]; x++)
        {
            double Term(int i, int p) { var c = (p - 1) / 2.0; var s = p / 8.0; return (i - c) * (i - c) / (s * s); }
            var g = Math.Exp(-0.5 * (Term(z, patch[0]) + Term(y, patch[1]) + Term(x, patch[2])));
            values[(z * patch[1] + y) * patch[2] + x] = (float)Math.Max(g, 1e-3);
        }
        return torch.FromSpan<float>(values, [1, patch[0], patch[1], patch[2]]);
    }
}
