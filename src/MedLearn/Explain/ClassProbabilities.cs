using MedLearn.Torch;

namespace MedLearn.Explain;

/// <summary>Shared input checks and the logits-to-probability rule of the explainers.</summary>
internal static class ClassProbabilities
{
    /// <summary>
    /// Probability of class <paramref name="target"/> per row of <paramref name="logits"/> [N, K]: softmax over the K
    /// classes, or the sigmoid of the single logit when K = 1 (a binary model with one output; class 0 = that output).
    /// </summary>
    public static double[] Of(Tensor logits, int target)
    {
        using var scope = DisposeScope.Open();
        var k = CheckLogits(logits);
        if (target < 0 || target >= k) throw new ArgumentException($"the model has {k} classes (0 .. {k - 1})");
        return Probabilities(logits, k).Select(1, target).ToArray<double>();
    }

    /// <summary>All class probabilities of the first row.</summary>
    public static double[] All(Tensor logits)
    {
        using var scope = DisposeScope.Open();
        return Probabilities(logits, CheckLogits(logits)).Select(0, 0).ToArray<double>();
    }

    /// <summary>
    /// The class to explain: <paramref name="requested"/>, or the predicted one (<see cref="Predicted"/>) when null.
    /// </summary>
    /// <exception cref="ArgumentException">The requested class is out of range.</exception>
    public static int Target(double[] probabilities, int? requested)
    {
        var target = requested ?? Predicted(probabilities);
        if (target < 0 || target >= probabilities.Length)
            throw new ArgumentException($"target class {target} is out of range: the model has {probabilities.Length} classes");
        return target;
    }

    /// <summary>Refuses a model in training mode (dropout and batch statistics would make every explanation random).</summary>
    /// <exception cref="InvalidOperationException">The model is in training mode.</exception>
    public static void CheckEval(object model)
    {
        if (model is Torch.Nn.Module { Training: true } m)
            throw new InvalidOperationException($"{m.TypeName} is in training mode: call Eval() before explaining it");
    }

    private static Tensor Probabilities(Tensor logits, long classes) =>
        classes == 1 ? logits.To(DType.Float64).Sigmoid() : logits.To(DType.Float64).Softmax(1);

    /// <summary>The predicted class: the argmax of <paramref name="probabilities"/> (first on ties; always 0 for a single-logit model).</summary>
    public static int Predicted(double[] probabilities)
    {
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++) if (probabilities[c] > probabilities[best]) best = c;
        return best;
    }

    private static long CheckLogits(Tensor logits)
    {
        if (logits.Dim != 2 || logits.Size(1) < 1)
            throw new ArgumentException($"the model must return logits [N, classes]; it returned shape [{string.Join(", ", logits.Shape)}]");
        return logits.Size(1);
    }

    /// <summary>
    /// Checks an explainer input: a float tensor [C, H, W] (2-D) or [C, D, H, W] (3-D); with a known model dimensionality
    /// a mismatch is an error that says which shape the model takes. Returns the number of spatial dimensions.
    /// </summary>
    public static int CheckImage(Tensor image, int? modelSpatialDims, string parameter)
    {
        ArgumentNullException.ThrowIfNull(image, parameter);
        if (image.Dim is not (3 or 4))
            throw new ArgumentException($"expected one image [C, H, W] or volume [C, D, H, W] (no batch dimension), got shape [{string.Join(", ", image.Shape)}]");
        if (!image.DType.IsFloatingPoint())
            throw new ArgumentException($"expected a floating-point (preprocessed) input, got {image.DType}");
        var dims = image.Dim - 1;
        if (modelSpatialDims is { } m && m != dims)
            throw new ArgumentException(m == 3
                ? $"the model is 3-D (volumes [C, D, H, W]) but the input is a 2-D image of shape [{string.Join(", ", image.Shape)}]"
                : $"the model is {m}-D (images [C, H, W]) but the input is a {dims}-D volume of shape [{string.Join(", ", image.Shape)}]");
        return dims;
    }

    /// <summary>Runs <paramref name="forward"/>, turning a libtorch shape error into an error that names the input's shape.</summary>
    public static Tensor Forward(Func<Tensor, Tensor> forward, Tensor batch)
    {
        try
        {
            return forward(batch);
        }
        catch (TorchException e)
        {
            var dims = batch.Dim - 2;
            throw new ArgumentException($"the model rejected a {dims}-D input batch of shape [{string.Join(", ", batch.Shape)}] " +
                $"(a 2-D model takes images [C, H, W], a 3-D model volumes [C, D, H, W]): {e.Message}", e);
        }
    }
}
