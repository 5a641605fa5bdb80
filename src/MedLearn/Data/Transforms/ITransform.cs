namespace MedLearn.Data.Transforms;

/// <summary>
/// A step of a preprocessing/augmentation pipeline acting on a whole <see cref="Sample"/> (image and mask
/// together). Random transforms draw ONLY from <see cref="TransformContext"/>, so a run is repeatable from
/// (seed, epoch, sample index, view) whatever the worker count or order.
/// </summary>
public interface ITransform
{
    /// <summary>Transforms <paramref name="sample"/> (in place or by replacing its tensors) and returns it.</summary>
    Sample Apply(Sample sample, TransformContext context);
}
