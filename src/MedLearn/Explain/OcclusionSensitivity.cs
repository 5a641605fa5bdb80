using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Explain;

/// <summary>
/// Occlusion sensitivity (Zeiler and Fergus; method 4 of the methods list): a window filled with
/// <see cref="OcclusionOptions.Fill"/> slides over the input with <see cref="OcclusionOptions.Stride"/>; for each
/// position the probability of the target class is recomputed. The heat map at input resolution is
/// <code>map(p) = mean over windows w covering p of ( P(c | x) − P(c | x with w occluded) )</code>
/// so positive values mark evidence for class c (hiding it lowers the probability) and negative values evidence
/// against it. 2-D images [C, H, W] and 3-D volumes [C, D, H, W] (window and stride per axis).
/// </summary>
/// <remarks>
/// <para>Window layout: along each axis the windows start at the region's first pixel and every stride after it while
/// they fit, plus one window flush with the region's far edge when the last regular window stops short of it; with
/// stride ≤ window every pixel of the region is covered. Pixels no window covers (outside the region of interest, or
/// between windows when stride &gt; window) get 0 and coverage 0 (<see cref="SaliencyMap.Coverage"/>).</para>
/// <para>Cost: 1 + ⌈positions / batch⌉ forward passes; the occluded copies of a batch are built by broadcasting
/// per-axis interval masks (<c>where(mask, fill, image)</c>), never pixel by pixel. The map depends only on the
/// per-window probabilities, so any batch size gives the same map when the model's per-image outputs do not depend
/// on the batch they are in.</para>
/// <para>Errors: a window larger than the image or the region, a stride or window ≤ 0, a batch size ≤ 0, a
/// target class out of range, a region outside the image, or an input the model cannot take (a 2-D image for a 3-D
/// model) are <see cref="ArgumentException"/>s.</para>
/// </remarks>
public static class OcclusionSensitivity
{
    /// <summary>Method name in results and files.</summary>
    public const string MethodName = "occlusion";

    /// <summary>
    /// The occlusion map of <paramref name="model"/> (evaluation mode, run without gradients) on
    /// <paramref name="image"/>; when the model is an <see cref="Models.IActivationModel"/> its dimensionality is
    /// checked against the input first.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is in training mode.</exception>
    public static SaliencyMap Compute(Module<Tensor, Tensor> model, Tensor image, OcclusionOptions? options = null,
        IProgress<ExplainProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ClassProbabilities.CheckEval(model);
        ClassProbabilities.CheckImage(image, (model as Models.IActivationModel)?.SpatialDims, nameof(image));
        return Compute(model.Forward, image, options, progress, cancellation);
    }

    /// <summary>
    /// The occlusion map of the classifier <paramref name="logits"/> (a batch [N, C, *spatial] to logits [N, classes],
    /// e.g. <c>InferenceModel.Forward</c>) on <paramref name="image"/> ([C, H, W] or [C, D, H, W], preprocessed as the
    /// model expects). Progress is reported after every batch (windows done / total).
    /// </summary>
    /// <exception cref="ArgumentException">Bad options or input (see the remarks of <see cref="OcclusionSensitivity"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was triggered.</exception>
    public static SaliencyMap Compute(Func<Tensor, Tensor> logits, Tensor image, OcclusionOptions? options = null,
        IProgress<ExplainProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(logits);
        options ??= new OcclusionOptions();
        var dims = ClassProbabilities.CheckImage(image, null, nameof(image));
        var size = image.Shape[1..];
        var window = PerAxis(options.Window, dims, "window");
        var stride = PerAxis(options.Stride, dims, "stride");
        if (options.BatchSize < 1) throw new ArgumentException("the batch size must be at least 1");
        var (regionStart, regionSize) = Region(options.Region, size);
        for (var a = 0; a < dims; a++)
        {
            if (window[a] > size[a])
                throw new ArgumentException($"the occlusion window {Shape(window)} is larger than the image {Shape(size)}");
            if (window[a] > regionSize[a])
                throw new ArgumentException($"the occlusion window {Shape(window)} is larger than the region of interest {Shape(regionSize)}");
        }
        var grid = OcclusionGrid.Create(size, window, stride, regionStart, regionSize);

        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var x = image.Unsqueeze(0);
        var baseProbabilities = ClassProbabilities.All(ClassProbabilities.Forward(logits, x));
        var target = ClassProbabilities.Target(baseProbabilities, options.TargetClass);
        var p0 = baseProbabilities[target];
        var fill = FillImage.For(image, options.Fill, FillImage.Sigma(options.BlurSigma, Math.Max(0.5, window.Max() / 4.0))).Unsqueeze(0);

        var drops = new double[grid.Count];
        var forwards = 1;
        for (var first = 0; first < grid.Count; first += options.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var count = Math.Min(options.BatchSize, grid.Count - first);
            using (DisposeScope.Open())
            {
                var occluded = torch.Where(grid.Masks(first, count), fill, x);
                var p = ClassProbabilities.Of(ClassProbabilities.Forward(logits, occluded), target);
                for (var i = 0; i < count; i++) drops[first + i] = p0 - p[i];
            }
            forwards++;
            progress?.Report(new ExplainProgress(first + count, grid.Count));
        }

        var (map, coverage) = grid.MeanOverWindows(drops);
        var allZero = map.Eq(0).All().ToDouble() != 0;
        scope.MoveToOuter(map, coverage);
        return new SaliencyMap(map, MethodName, target, p0)
        {
            Coverage = coverage,
            Positions = grid.Count,
            Forwards = forwards,
            AllZero = allZero,
        };
    }

    private static long[] PerAxis(IReadOnlyList<long> values, int dims, string what)
    {
        ArgumentNullException.ThrowIfNull(values, what);
        if (values.Count != 1 && values.Count != dims)
            throw new ArgumentException($"the {what} needs 1 or {dims} values for a {dims}-D input, got {values.Count}");
        var result = values.Count == 1 ? Enumerable.Repeat(values[0], dims).ToArray() : [.. values];
        if (result.Any(v => v < 1)) throw new ArgumentException($"the {what} must be positive on every axis, got {Shape(result)}");
        return result;
    }

    private static (long[] Start, long[] Size) Region(RegionOfInterest? region, long[] size)
    {
        if (region is null) return (new long[size.Length], size);
        if (region.Start.Count != size.Length || region.Size.Count != size.Length)
            throw new ArgumentException($"the region of interest needs {size.Length} start and size values for a {size.Length}-D input");
        for (var a = 0; a < size.Length; a++)
            if (region.Start[a] < 0 || region.Size[a] < 1 || region.Start[a] + region.Size[a] > size[a])
                throw new ArgumentException($"the region of interest (start {Shape([.. region.Start])}, size {Shape([.. region.Size])}) is not inside the image {Shape(size)}");
        return ([.. region.Start], [.. region.Size]);
    }

    internal static string Shape(long[] v) => string.Join("x", v);
}
