using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Explain;

/// <summary>
/// 3-D Grad-CAM of a segmentation network for class c (the segmentation form of Vinogradova et al. 2020, as in MONAI's
/// and pytorch-grad-cam's semantic-segmentation target): with z_c(v) the class-c logit at voxel v and
/// M_c = {v : argmax_k z_k(v) = c} the predicted mask,
/// <code>
/// score  = Σ_{v ∈ M_c} z_c(v)
/// α_k    = mean over space of ∂score/∂A^k               (Grad-CAM; Grad-CAM++ weights as <see cref="GradCam"/>)
/// map    = upsample(max(Σ_k α_k A^k, 0)) / max(...)      trilinear, align_corners = false, to the input size
/// </code>
/// computed in one forward pass over the whole volume (not window by window), in evaluation mode.
/// </summary>
/// <remarks>
/// A volume whose sizes are not multiples of the network's <see cref="SegmentationNetwork.SizeMultiple"/> is zero-padded at
/// the end (after any normalisation the caller applied); only voxels inside the original volume enter M_c, and the map is
/// up-sampled to the padded size and cropped back before it is normalised. When M_c is empty, or the map has no positive
/// value, the map is all zeros and <see cref="SegmentationCam.AllZero"/> is set (no division by zero).
/// </remarks>
public static class SegmentationGradCam
{
    /// <summary>The class-activation map of <paramref name="model"/> on <paramref name="volume"/> [C, D, H, W] (network-ready intensities).</summary>
    /// <exception cref="ArgumentException">Unknown layer (lists the layers), wrong input shape, or class out of range.</exception>
    /// <exception cref="InvalidOperationException">The model is in training mode, or gradients are unavailable (inference mode).</exception>
    public static SegmentationCam Compute(SegmentationNetwork model, Tensor volume, SegmentationGradCamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(volume);
        options ??= new SegmentationGradCamOptions();
        if (volume.Dim != 4 || volume.Size(0) != model.InChannels)
            throw new ArgumentException($"expected a volume [{model.InChannels}, D, H, W], got [{string.Join(", ", volume.Shape)}]", nameof(volume));
        if (model.Training) throw new InvalidOperationException("Grad-CAM needs the network in evaluation mode (call Eval())");
        if (GradMode.IsInferenceMode) throw new InvalidOperationException("Grad-CAM needs gradients: it cannot run inside an inference-mode scope");
        var layer = options.Layer ?? model.ActivationNames[^1];
        if (!model.ActivationNames.Contains(layer))
            throw new ArgumentException($"unknown layer '{layer}'; the network's layers are: {string.Join(", ", model.ActivationNames)}");
        var c = options.TargetClass;
        if (c < 0 || c >= model.Classes) throw new ArgumentException($"class {c} is out of range: the network has classes 0..{model.Classes - 1}");

        using var scope = DisposeScope.Open();
        using var grad = GradMode.EnableGrad();
        var size = volume.Shape[1..];
        var m = model.SizeMultiple;
        var padded = size.Select(s => (s + m - 1) / m * m).ToArray();
        var x = volume.Detach().To(DType.Float32, copy: true);
        if (!padded.SequenceEqual(size))
            x = Functional.Pad(x, [0, padded[2] - size[2], 0, padded[1] - size[1], 0, padded[0] - size[0]]);
        var input = x.Unsqueeze(0).RequiresGrad_();
        var outputs = model.ForwardWithActivations(input, [layer]);
        var logits = outputs.Output.Narrow(2, 0, size[0]).Narrow(3, 0, size[1]).Narrow(4, 0, size[2]).To(DType.Float32);
        var mask = logits.Detach().Argmax(1).Eq(c).To(DType.Float32);
        var voxels = (long)mask.Sum().ToDouble();
        var score = (logits.Select(1, c) * mask).Sum();
        var scoreValue = score.ToDouble();
        var activation = outputs.Activations[layer];
        if (voxels == 0)
            return new SegmentationCam(scope.MoveToOuter(torch.Zeros(size)), c, layer, 0, scoreValue, AllZero: true);
        var gradient = torch.Autograd.Grad(score, activation)
            ?? throw new ArgumentException($"the score of class {c} does not depend on layer '{layer}'");
        using var noGrad = GradMode.NoGrad();
        var up = GradCam.Upsampled(activation.Detach(), gradient, options.Method, padded);
        if (!padded.SequenceEqual(size)) up = up.Narrow(0, 0, size[0]).Narrow(1, 0, size[1]).Narrow(2, 0, size[2]);
        var max = up.Max().ToDouble();
        var map = (max > 0 ? up / max : torch.ZerosLike(up)).To(DType.Float32).Contiguous();
        return new SegmentationCam(scope.MoveToOuter(map), c, layer, voxels, scoreValue, AllZero: !(max > 0));
    }
}
