using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

/// <summary>How a loss reduces its element-wise values; the codes are ATen's <c>at::Reduction</c>.</summary>
public enum Reduction
{
    /// <summary>No reduction: the per-element (per-sample) losses.</summary>
    None = 0,
    /// <summary>The (weighted) mean; NaN for an empty input (0/0), as in PyTorch.</summary>
    Mean = 1,
    /// <summary>The sum; 0 for an empty input.</summary>
    Sum = 2,
    /// <summary>Sum divided by the batch size (input.size(0)): only for <see cref="Functional.KlDiv"/>.</summary>
    BatchMean = 3,
}

public static partial class Functional
{
    private static int Red(Reduction r, bool allowBatchMean = false)
    {
        if (r == Reduction.BatchMean && !allowBatchMean)
            throw new ArgumentException("Reduction.BatchMean is only defined for KlDiv", nameof(r));
        return (int)r;
    }

    /// <summary>
    /// Cross entropy of unnormalised logits <paramref name="input"/> (N, C) or (N, C, d1, ...) or (C):
    /// with class-index targets (int64, (N) or (N, d1, ...)): ℓₙ = −w_{yₙ}·log softmax(xₙ)_{yₙ}, with label
    /// smoothing ε: ℓₙ = (1−ε)·that + ε/C·Σ_c −w_c·log softmax(xₙ)_c. Mean divides by Σₙ w_{yₙ}.
    /// Rows whose target equals <paramref name="ignoreIndex"/> contribute 0 and are left out of the mean's
    /// divisor (all rows ignored gives NaN for Mean). With probability targets (float, same shape as input):
    /// ℓₙ = −Σ_c w_c·y_{n,c}·log softmax(xₙ)_c (smoothed towards uniform), Mean divides by the number of rows;
    /// ignoreIndex does not apply there.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        long ignoreIndex = -100, double labelSmoothing = 0.0)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label_smoothing must be between 0.0 and 1.0");
        var r = Native.ml_cross_entropy(input.Handle, target.Handle, Opt(weight), Red(reduction), ignoreIndex, labelSmoothing);
        GC.KeepAlive(weight);
        return Tensor.Wrap(r);
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities <paramref name="input"/> (N, C, ...) for int64 class
    /// targets (N, ...): ℓₙ = −w_{yₙ}·x_{n,yₙ}; Mean divides by Σ w_{yₙ} over non-ignored rows. Rows with
    /// target = <paramref name="ignoreIndex"/> give 0 and are excluded from the divisor. Targets outside
    /// [0, C) (other than ignoreIndex) are an error.
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100)
    {
        var r = Native.ml_nll_loss(input.Handle, target.Handle, Opt(weight), Red(reduction), ignoreIndex);
        GC.KeepAlive(weight);
        return Tensor.Wrap(r);
    }

    /// <summary>
    /// Binary cross entropy of probabilities: ℓ = −w·(y·log x + (1−y)·log(1−x)), with the logs clamped at
    /// −100 so x = 0 or 1 gives a finite loss. Input and target must have the same shape; the weight
    /// broadcasts to it. Inputs outside [0, 1] are an error.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        var r = Native.ml_binary_cross_entropy(input.Handle, target.Handle, Opt(weight), Red(reduction));
        GC.KeepAlive(weight);
        return Tensor.Wrap(r);
    }

    /// <summary>
    /// Binary cross entropy on logits, computed stably:
    /// ℓ = −w·(p·y·log σ(x) + (1−y)·log(1−σ(x))) with <paramref name="posWeight"/> p (per class, broadcast
    /// along the last dim) weighting the positive term. Input and target must have the same shape.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        var r = Native.ml_binary_cross_entropy_with_logits(input.Handle, target.Handle, Opt(weight), Opt(posWeight), Red(reduction));
        GC.KeepAlive(weight); GC.KeepAlive(posWeight);
        return Tensor.Wrap(r);
    }

    /// <summary>Squared error (x − y)² (input and target broadcast together).</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(Native.ml_mse_loss(input.Handle, target.Handle, Red(reduction)));

    /// <summary>Absolute error |x − y| (input and target broadcast together).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(Native.ml_l1_loss(input.Handle, target.Handle, Red(reduction)));

    /// <summary>
    /// Smooth L1: 0.5·d²/β for |d| &lt; β, |d| − 0.5·β otherwise, d = x − y. β = 0 is exactly the L1 loss;
    /// negative β is an error.
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0) =>
        Tensor.Wrap(Native.ml_smooth_l1_loss(input.Handle, target.Handle, Red(reduction), beta));

    /// <summary>Huber loss: 0.5·d² for |d| &lt; δ, δ·(|d| − 0.5·δ) otherwise (= δ·SmoothL1 with β = δ).</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0) =>
        Tensor.Wrap(Native.ml_huber_loss(input.Handle, target.Handle, Red(reduction), delta));

    /// <summary>
    /// Kullback-Leibler divergence with <paramref name="input"/> as log-probabilities:
    /// ℓ = y·(log y − x), or with <paramref name="logTarget"/> ℓ = eʸ·(y − x). Terms with y = 0 (not log target)
    /// are 0. <see cref="Reduction.BatchMean"/> (the mathematically correct KL) divides the sum by input.size(0);
    /// Mean divides by the element count, as PyTorch does.
    /// </summary>
    public static Tensor KlDiv(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false) =>
        Tensor.Wrap(Native.ml_kl_div(input.Handle, target.Handle, Red(reduction, allowBatchMean: true), logTarget ? 1 : 0));
}
