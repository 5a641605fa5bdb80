namespace MedLearn.Torch.Optim;

/// <summary>
/// AdamW (torch.optim.AdamW, 1.13): Adam with decoupled weight decay. Per parameter with gradient g, before the
/// Adam update (see <see cref="Adam"/>, without the L2 term): <c>p = p * (1 - lr * weight_decay)</c>.
/// The default weight decay is 1e-2.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over <paramref name="parameters"/> (one group).</summary>
    /// <exception cref="ArgumentException">negative lr, eps or weight decay; a beta outside [0, 1).</exception>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this([new AdamParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>AdamW over several groups; hyperparameters a group leaves unset take these defaults.</summary>
    public AdamW(IEnumerable<AdamParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(groups, Defaults(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize), decoupledWeightDecay: true) { }
}
