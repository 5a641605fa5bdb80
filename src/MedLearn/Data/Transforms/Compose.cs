namespace MedLearn.Data.Transforms;

/// <summary>Applies transforms in order (torchvision's Compose / MONAI's Compose).</summary>
/// <remarks>
/// Crop planning (<see cref="ICropAwareTransform"/>): possible when the steps before the first non-pointwise step
/// are all <see cref="IPointwiseTransform"/>s and that step is crop-aware; the pointwise steps then run on the
/// decoded region (they commute with the crop) before the crop-aware step finishes.
/// </remarks>
public sealed class Compose(params IReadOnlyList<ITransform> transforms) : ICropAwareTransform
{
    /// <summary>Index of the crop-aware step that can plan, or -1.</summary>
    private int PlannerIndex()
    {
        for (var i = 0; i < Transforms.Count; i++)
        {
            if (Transforms[i] is IPointwiseTransform) continue;
            return Transforms[i] is ICropAwareTransform ? i : -1;
        }
        return -1;
    }

    /// <inheritdoc/>
    public CropPlan? PlanCrop(long height, long width, TransformContext context)
    {
        var k = PlannerIndex();
        return k < 0 ? null : ((ICropAwareTransform)Transforms[k]).PlanCrop(height, width, context);
    }

    /// <inheritdoc/>
    public Sample ApplyPlanned(Sample region, CropPlan plan, int reduce, TransformContext context)
    {
        var k = PlannerIndex();
        if (k < 0) throw new InvalidOperationException("Compose.ApplyPlanned: no crop-aware step after the pointwise steps");
        for (var i = 0; i < k; i++) region = Transforms[i].Apply(region, context);
        region = ((ICropAwareTransform)Transforms[k]).ApplyPlanned(region, plan, reduce, context);
        for (var i = k + 1; i < Transforms.Count; i++) region = Transforms[i].Apply(region, context);
        return region;
    }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<ITransform> Transforms { get; } = transforms;

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        foreach (var t in Transforms) sample = t.Apply(sample, context);
        return sample;
    }
}
