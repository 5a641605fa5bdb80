using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Explain;

/// <summary>
/// Faithfulness checks of saliency maps, so occlusion and Grad-CAM can be compared on one's own data. The deletion
/// test (Petsiuk et al. 2018, RISE): rank the pixels by saliency (highest first), remove the top ⌊i·P/k⌉ of the P
/// pixels for i = 0 .. k (all channels of a pixel; filled like occlusion), record the target-class probability
/// after each step, and take the trapezoid area under probability vs removed fraction
/// (<see cref="DeletionCurve.Auc"/>). A faithful map drops the probability early: lower area is better.
/// </summary>
/// <remarks>
/// Ties in the saliency (e.g. the zero region of a Grad-CAM map) are removed in index order (row-major: top-left
/// first), so the curve is deterministic. The k + 1 images are built with libtorch ops (rank &lt; n_i masks) and run
/// in batches of <see cref="DeletionOptions.BatchSize"/>. The fractions are n_i / P, exactly the share removed.
/// </remarks>
public static class Faithfulness
{
    /// <summary>
    /// The deletion curve of <paramref name="saliency"/> (spatial shape of <paramref name="image"/>: [H, W] or
    /// [D, H, W]) for class <paramref name="targetClass"/> of the classifier <paramref name="logits"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, steps &lt; 1, or the class is out of range.</exception>
    public static DeletionCurve Deletion(Func<Tensor, Tensor> logits, Tensor image, Tensor saliency, int targetClass, DeletionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(saliency);
        options ??= new DeletionOptions();
        ClassProbabilities.CheckImage(image, null, nameof(image));
        if (!saliency.Shape.SequenceEqual(image.Shape[1..]))
            throw new ArgumentException($"the saliency map has shape [{string.Join(", ", saliency.Shape)}], the image's spatial shape is [{string.Join(", ", image.Shape[1..])}]");
        if (options.Steps < 1) throw new ArgumentException("the deletion test needs at least 1 step");
        if (options.BatchSize < 1) throw new ArgumentException("the batch size must be at least 1");

        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var pixels = saliency.NumEl;
        var order = saliency.Reshape(-1).To(DType.Float64).Argsort(descending: true, stable: true);
        var rank = torch.EmptyLike(order).Scatter(0, order, torch.Arange(pixels));     // rank[p] = position of pixel p in the order
        var fill = FillImage.For(image, options.Fill, FillImage.Sigma(options.BlurSigma, 5)).Unsqueeze(0);
        var x = image.Unsqueeze(0);
        var removed = new long[options.Steps + 1];
        for (var i = 0; i <= options.Steps; i++) removed[i] = (long)Math.Round((double)i * pixels / options.Steps, MidpointRounding.AwayFromZero);
        var probabilities = new double[options.Steps + 1];
        long[] maskShape = [-1, 1, .. image.Shape[1..]];
        for (var first = 0; first <= options.Steps; first += options.BatchSize)
        {
            var count = Math.Min(options.BatchSize, options.Steps + 1 - first);
            using var batchScope = DisposeScope.Open();
            var limits = torch.FromArray(removed[first..(first + count)], count).Unsqueeze(1);
            var masks = (rank.Unsqueeze(0) < limits).Reshape(maskShape);
            var p = ClassProbabilities.Of(ClassProbabilities.Forward(logits, torch.Where(masks, fill, x)), targetClass);
            Array.Copy(p, 0, probabilities, first, count);
        }
        var fractions = removed.Select(n => (double)n / pixels).ToArray();
        return new DeletionCurve(targetClass, fractions, probabilities, DeletionCurve.Trapezoid(fractions, probabilities));
    }

    /// <summary>The deletion curve with <paramref name="model"/> (evaluation mode) as the classifier.</summary>
    /// <exception cref="InvalidOperationException">The model is in training mode.</exception>
    public static DeletionCurve Deletion(Module<Tensor, Tensor> model, Tensor image, Tensor saliency, int targetClass, DeletionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ClassProbabilities.CheckEval(model);
        ClassProbabilities.CheckImage(image, (model as Models.IActivationModel)?.SpatialDims, nameof(image));
        return Deletion(model.Forward, image, saliency, targetClass, options);
    }
}
