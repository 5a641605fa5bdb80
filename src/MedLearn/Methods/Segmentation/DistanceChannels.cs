using MedLearn.Data;
using MedLearn.Data.Transforms;
using MedLearn.Morphology;
using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Appends the ground-truth signed distance maps of a labeled volume as K−1 extra image channels (one per foreground
/// class c: <see cref="SignedDistanceMap"/> of [mask = c] on the WHOLE volume, from a <see cref="SignedDistanceCache"/>,
/// so each map is computed once per volume), so that the crop / rotation / flip transforms that follow move the maps
/// with the image voxel for voxel. <see cref="UgMclTask"/> splits them off again as the SDF targets.
/// </summary>
/// <remarks>
/// <para>Normalisation is per volume (d_out / max d_out − d_in / max d_in over the whole volume, methods.md §3 applied to
/// the volume's mask): a patch's target does not depend on where the crop falls. The reference code normalises per
/// patch; that form is <see cref="SegmentationTrainingOptions.DistancePerPatch"/>. The two agree exactly when the patch
/// is the whole volume (rotations and flips commute with the exact EDT), and inside an object the patch contains whole
/// with its background neighbours.</para>
/// <para>Samples whose index is not in the labeled set (unlabeled volumes) get zero channels, which the loss never
/// reads. Apply after intensity normalisation (the maps must not be z-scored) and before the spatial transforms. Where a
/// later crop pads beyond the volume, the padded maps are 0.</para>
/// </remarks>
/// <param name="cache">Per-volume maps, keyed by "index:class".</param>
/// <param name="classes">K, the number of classes (background included).</param>
/// <param name="labeled">Dataset indices whose masks are used for supervision.</param>
public sealed class DistanceChannels(SignedDistanceCache cache, int classes, IReadOnlySet<long> labeled) : ITransform
{
    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "need at least 2 classes");
        var spatial = sample.Image.Shape[1..];
        var image = sample.Image;
        var mask = sample.Mask;
        var supervised = mask is not null && labeled.Contains(sample.Index);
        sample.Image = TransformHelpers.Scoped(() =>
        {
            var maps = new List<Tensor> { image.To(DType.Float32) };
            for (var c = 1; c < classes; c++)
            {
                if (!supervised)
                {
                    maps.Add(torch.Zeros([1, .. spatial], DType.Float32));
                    continue;
                }
                var cls = c;
                var sdf = cache.GetOrCompute($"{sample.Index}:{c}", () => BinaryMask.FromTensor(mask!.Eq(cls)));
                maps.Add(torch.FromSpan<float>(sdf, [1, .. spatial]));
            }
            return torch.Cat(maps, 0);
        });
        return sample;
    }
}
