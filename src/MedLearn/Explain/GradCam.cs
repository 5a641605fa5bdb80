using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Explain;

/// <summary>
/// Grad-CAM and Grad-CAM++ on a named layer of any <see cref="IActivationModel"/>, 2-D and 3-D. With A^k the k-th
/// channel of the layer's activation and y^c the logit (pre-softmax score) of class c:
/// <code>
/// g^k_ij  = ∂y^c / ∂A^k_ij                                     (autograd.grad of the score w.r.t. the activation)
/// Grad-CAM:   α_k = mean_ij g^k_ij
/// Grad-CAM++: α_k = Σ_ij a^k_ij · max(g^k_ij, 0),  a^k_ij = (g^k_ij)² / (2 (g^k_ij)² + (Σ_ab A^k_ab) (g^k_ij)³)
/// cam      = max(Σ_k α_k A^k, 0)                               at the layer's resolution
/// map      = upsample(cam) / max(upsample(cam))                 bilinear (2-D) / trilinear (3-D), align_corners = false
/// </code>
/// so the map is in [0, 1] at input resolution, 1 at the strongest evidence for c.
/// </summary>
/// <remarks>
/// Edge cases: where the Grad-CAM++ denominator is 0 (in particular where g = 0) a^k_ij = 0. When cam is zero
/// everywhere (no positive evidence at this layer) the map is all zeros and <see cref="SaliencyMap.AllZero"/> is set
/// (no division by zero). The model must be in evaluation mode and in float32 (not the folded, bfloat16
/// <see cref="InferenceModel"/>); gradients are taken with respect to the activation only (the input is marked as
/// requiring gradients so frozen models work), parameter .grad fields are untouched. A layer that does not exist is an
/// <see cref="ArgumentException"/> listing the model's layers; a 2-D image for a 3-D model (or the reverse) too.
/// </remarks>
public static class GradCam
{
    /// <summary>Method name of Grad-CAM in results and files.</summary>
    public const string GradCamName = "gradcam";

    /// <summary>Method name of Grad-CAM++ in results and files.</summary>
    public const string GradCamPlusPlusName = "gradcam++";

    /// <summary>The Grad-CAM (or Grad-CAM++) map of <paramref name="model"/> on <paramref name="image"/> ([C, H, W] or [C, D, H, W]).</summary>
    /// <exception cref="ArgumentException">Unknown layer, wrong input dimensionality, or target class out of range.</exception>
    /// <exception cref="InvalidOperationException">The model is in training mode, or gradients are unavailable (inference mode).</exception>
    public static SaliencyMap Compute(IActivationModel model, Tensor image, GradCamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new GradCamOptions();
        var dims = ClassProbabilities.CheckImage(image, model.SpatialDims, nameof(image));
        ClassProbabilities.CheckEval(model);
        if (GradMode.IsInferenceMode)
            throw new InvalidOperationException("Grad-CAM needs gradients: it cannot run inside an inference-mode scope");
        var layer = options.Layer ?? model.ActivationNames[^1];
        if (!model.ActivationNames.Contains(layer))
            throw new ArgumentException($"unknown layer '{layer}'; the model's layers are: {string.Join(", ", model.ActivationNames)}");

        using var scope = DisposeScope.Open();
        using var grad = GradMode.EnableGrad();
        var input = image.Detach().Unsqueeze(0).To(DType.Float32, copy: true).RequiresGrad_();
        var outputs = model.ForwardWithActivations(input, [layer]);
        var logits = outputs.Output;
        var probabilities = ClassProbabilities.All(logits.Detach());
        var target = ClassProbabilities.Target(probabilities, options.TargetClass);
        var activation = outputs.Activations[layer];
        if (activation.Dim != dims + 2)
            throw new ArgumentException($"layer '{layer}' gives a tensor of shape [{string.Join(", ", activation.Shape)}], not a {dims}-D feature map");
        var score = logits.Select(0, 0).Select(0, target);
        var gradient = torch.Autograd.Grad(score, activation)
            ?? throw new ArgumentException($"the score of class {target} does not depend on layer '{layer}'");

        using var noGrad = GradMode.NoGrad();
        var up = Upsampled(activation.Detach(), gradient, options.Method, image.Shape[1..]);
        var max = up.Max().ToDouble();
        var map = (max > 0 ? up / max : torch.ZerosLike(up)).To(DType.Float32);
        return new SaliencyMap(scope.MoveToOuter(map), options.Method == CamMethod.GradCam ? GradCamName : GradCamPlusPlusName, target, probabilities[target])
        {
            Layer = layer,
            Forwards = 1,
            AllZero = !(max > 0),
        };
    }

    /// <summary>
    /// The un-normalised map max(Σ_k α_k A^k, 0) of one sample (float64), up-sampled to <paramref name="size"/> (bilinear for
    /// 2-D, trilinear for 3-D, align_corners = false): <paramref name="activation"/> and <paramref name="gradient"/> are
    /// [1, K, *spatial] (detached), the result has shape <paramref name="size"/>.
    /// </summary>
    public static Tensor Upsampled(Tensor activation, Tensor gradient, CamMethod method, long[] size)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(size);
        using var scope = DisposeScope.Open();
        var a = activation.To(DType.Float64);
        var g = gradient.To(DType.Float64);
        var cam = Functional.Relu((Weights(a, g, method) * a).Sum(1, keepdim: true));
        var up = Functional.Interpolate(cam, size, mode: size.Length == 2 ? InterpolateMode.Bilinear : InterpolateMode.Trilinear, alignCorners: false)
            .Squeeze(0).Squeeze(0);
        return scope.MoveToOuter(up);
    }

    /// <summary>
    /// The channel weights α [N, K, 1, ..] of <paramref name="method"/> from the activation <paramref name="activation"/>
    /// and its gradient <paramref name="gradient"/> (both [N, K, *spatial]); see the class formula.
    /// </summary>
    public static Tensor Weights(Tensor activation, Tensor gradient, CamMethod method)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(gradient);
        var spatial = Enumerable.Range(2, activation.Dim - 2).Select(d => (long)d).ToArray();
        using var scope = DisposeScope.Open();
        Tensor weights;
        if (method == CamMethod.GradCam) weights = gradient.Mean(spatial, keepdim: true);
        else
        {
            var g2 = gradient.Square();
            var g3 = g2 * gradient;
            var denominator = 2 * g2 + activation.Sum(spatial, keepdim: true) * g3;
            var nonzero = denominator.Ne(0);
            var alpha = torch.Where(nonzero, g2 / torch.Where(nonzero, denominator, 1.0), 0.0);
            weights = (alpha * Functional.Relu(gradient)).Sum(spatial, keepdim: true);
        }
        return scope.MoveToOuter(weights);
    }
}
