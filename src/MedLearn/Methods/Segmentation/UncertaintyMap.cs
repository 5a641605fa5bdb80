using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Teacher uncertainty by Monte-Carlo dropout and input noise (methods.md §3): T stochastic teacher passes on
/// <c>x + clamp(N(0, σ²), −c, c)</c> (σ = 0.1, c = 0.2) with dropout active, <c>p̄ = mean_t softmax(f_T(x + n_t))</c>,
/// and the predictive entropy <c>u = −Σ_c p̄_c ln(p̄_c + 1e-6)</c> per voxel, shape [N, 1, D, H, W].
/// </summary>
/// <remarks>Passes run in groups of <c>passesPerForward</c> stacked along the batch (the reference code uses 2 per
/// forward); no gradient is recorded. The noise comes from the default generator (seeded per run).</remarks>
public static class UncertaintyMap
{
    /// <summary>The ε inside the logarithm.</summary>
    public const double LogEpsilon = 1e-6;

    /// <summary>Mean softmax probability over <paramref name="passes"/> noisy teacher passes, [N, K, ...].</summary>
    /// <param name="teacherLogits">The teacher forward pass (logits [M, K, ...]); called under no-grad.</param>
    /// <param name="input">The (unlabeled) input batch [N, C, ...].</param>
    /// <param name="passes">T ≥ 1.</param>
    /// <param name="noiseStd">σ of the Gaussian input noise.</param>
    /// <param name="noiseClip">c: the noise is clamped to [−c, c].</param>
    /// <param name="passesPerForward">How many passes share one forward call (memory vs speed).</param>
    public static Tensor MeanProbability(Func<Tensor, Tensor> teacherLogits, Tensor input, int passes, double noiseStd, double noiseClip, int passesPerForward = 2)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(passesPerForward, 1);
        using var noGrad = GradMode.NoGrad();
        using var scope = DisposeScope.Open();
        var n = input.Size(0);
        Tensor? sum = null;
        for (var done = 0; done < passes;)
        {
            var group = Math.Min(passesPerForward, passes - done);
            // Each group's inputs and outputs are released before the next forward (only the running sum is kept).
            using var step = DisposeScope.Open();
            var stacked = group == 1 ? input : torch.Cat([.. Enumerable.Repeat(input, group)], 0);
            var noisy = stacked + (torch.RandnLike(stacked) * noiseStd).Clamp(-noiseClip, noiseClip);
            var p = teacherLogits(noisy).Softmax(1);
            var total = sum;
            for (var g = 0; g < group; g++)
            {
                var part = p.Narrow(0, g * n, n);
                total = total is null ? part.Clone() : total + part;
            }
            sum?.Dispose();
            sum = step.MoveToOuter(total!);
            done += group;
        }
        return scope.MoveToOuter(sum! * (1.0 / passes));
    }

    /// <summary>Predictive entropy <c>u = −Σ_c p̄_c ln(p̄_c + 1e-6)</c> of mean probabilities [N, K, ...], as [N, 1, ...].</summary>
    public static Tensor Entropy(Tensor meanProbability)
    {
        ArgumentNullException.ThrowIfNull(meanProbability);
        using var scope = DisposeScope.Open();
        return scope.MoveToOuter((meanProbability * (meanProbability + LogEpsilon).Log()).Sum(1, keepdim: true) * -1.0);
    }
}
